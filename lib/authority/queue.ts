import { z } from 'zod';
import type { Db } from '../platform/index.js';
import {
  addDays,
  businessDate,
  isUuid,
  searchForm,
  startOfBusinessDay,
} from '../platform/index.js';
import type { Calendar } from '../calendar/index.js';
import { workingDaysBetween } from '../calendar/index.js';
import type { Profession } from '../reference/index.js';
import { NEARING_WORKING_DAYS, PROFESSIONS } from '../reference/index.js';
import type { ApplicationKind, State } from '../workflow/index.js';
import { APPLICATION_KINDS, AUTHORITY_STATES } from '../workflow/index.js';

/**
 * The officers' queue (/authority): what is with the authority, most urgent first (the deadline
 * once accepted, else the day it arrived), filtered and searched, paged by keyset so a page costs
 * the same at 100,000 open applications as at ten and a changing queue neither skips nor repeats.
 */

export const QUEUE_TABS = ['all', 'submitted', 'under_review', 'correction_requested'] as const;
export type QueueTab = (typeof QUEUE_TABS)[number];

export const queueTabNames: Record<QueueTab | 'decided_today', string> = {
  all: '全部待办',
  submitted: '待受理',
  under_review: '审核中',
  correction_requested: '待材料补正',
  decided_today: '今日已决定',
};

/** The queue's search box: an application number, an ID number, a name or a credit code. */
export const queueSearch = searchForm(100);

/** The query string of the queue page. */
export const queueForm = z.object({
  tab: z.enum([...QUEUE_TABS, 'decided_today']).catch('all'),
  profession: z.enum(PROFESSIONS).optional().catch(undefined),
  kind: z.enum(APPLICATION_KINDS).optional().catch(undefined),
  /** An officer's account id, `none` for nobody's, `me` for the viewer's. */
  officer: z
    .string()
    .refine((v) => v === 'none' || v === 'me' || isUuid(v))
    .optional()
    .catch(undefined),
  provisional: z.literal('yes').optional().catch(undefined),
  q: z
    .unknown()
    .transform((v) => queueSearch.read(v) || undefined)
    .optional(),
  after: z.string().max(200).optional().catch(undefined),
});
export type QueueFilter = z.infer<typeof queueForm>;

/** Who must act next on an application in the queue. */
export type NextActor = 'officer' | 'person' | 'enterprise' | 'announcement';

export type QueueRow = {
  id: string;
  applicationNumber: string;
  kind: ApplicationKind;
  profession: Profession | null;
  state: State;
  personName: string | null;
  enterpriseName: string | null;
  submittedAt: Date;
  deadline: string | null;
  deadlineProvisional: boolean | null;
  officerName: string | null;
  assignedOfficerId: string | null;
  /** The parties that open correction items wait on. */
  waitingOn: ('person' | 'enterprise')[];
  /** The earliest reply deadline of the open correction requests. */
  replyBy: string | null;
  decidedAt: Date | null;
  decisionKind: string | null;
  /** Computed for the page: */
  nextActor: NextActor[];
  /** Working days left to the deadline (negative: overdue); none without a running clock. */
  workingDaysLeft: number | null;
  /** Working days since it arrived, for what has no clock (an entry, a rename, 待受理). */
  workingDaysWaiting: number | null;
  nearing: boolean;
  overdue: boolean;
  replyOverdue: boolean;
};

/** A row as the database gives it, before what the page computes from it today. */
type StoredRow = Omit<
  QueueRow,
  'nextActor' | 'workingDaysLeft' | 'workingDaysWaiting' | 'nearing' | 'overdue' | 'replyOverdue'
>;

/**
 * A search box's text as the records spell it: full-width letters, digits and brackets made
 * half-width (NFKC), spaces removed, a lower-case x of an ID number made upper-case.
 */
export function normaliseSearch(text: string): string {
  const compact = text.normalize('NFKC').replace(/\s+/gu, '');
  // An application number, an ID number or a credit code is upper-case; a name keeps its case.
  return /^(sq\d+|\d{17}[\dx]|[0-9a-z]{18})$/i.test(compact) ? compact.toUpperCase() : compact;
}

/** The keyset of a row: its due date, its arrival (to the microsecond) and its id. */
type Cursor = { due: string; at: string; id: string };

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string | undefined): Cursor | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString()) as Partial<Cursor>;
    // A real date, a real instant and a real id, or the first page.
    if (
      typeof value.due === 'string' &&
      /^\d{4}-\d{2}-\d{2}$/.test(value.due) &&
      !Number.isNaN(Date.parse(`${value.due}T00:00:00Z`)) &&
      new Date(`${value.due}T00:00:00Z`).toISOString().startsWith(value.due) &&
      value.due >= '1900' &&
      value.due < '2101' &&
      typeof value.at === 'string' &&
      /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})\d{3}Z$/.test(value.at) &&
      value.at >= '1900' &&
      value.at < '2101' &&
      !Number.isNaN(Date.parse(value.at)) &&
      // No rolled-over date (2026-02-30 would parse as March 2nd).
      new Date(value.at).toISOString().slice(0, 23) === value.at.slice(0, 23) &&
      typeof value.id === 'string' &&
      isUuid(value.id)
    ) {
      return { due: value.due, at: value.at, id: value.id };
    }
  } catch {
    // a cursor that is not ours starts from the first page
  }
  return undefined;
}

export type QueuePage = { rows: QueueRow[]; next: string | null; total: number };

export const QUEUE_PAGE_SIZE = 25;

/** The queue's rows for a filter, one page after the filter's `after`. */
export async function queuePage(
  db: Db,
  calendar: Calendar,
  filter: QueueFilter,
  viewer: { accountId: string },
  now: Date,
  pageSize = QUEUE_PAGE_SIZE,
): Promise<QueuePage> {
  const today = businessDate(now);
  const states: State[] =
    filter.tab === 'all' || filter.tab === 'decided_today' ? [...AUTHORITY_STATES] : [filter.tab];
  const officer = filter.officer === 'me' ? viewer.accountId : filter.officer;
  const q = filter.q ? normaliseSearch(filter.q) : '';
  const cursor = decodeCursor(filter.after);
  const decidedToday = filter.tab === 'decided_today';
  const where = db`
    ${
      decidedToday
        ? db`d.decided_at >= ${startOfBusinessDay(today)} and d.decided_at < ${startOfBusinessDay(addDays(today, 1))}`
        : db`a.state in ${db(states)}`
    }
    ${filter.profession ? db`and a.profession = ${filter.profession}` : db``}
    ${filter.kind ? db`and a.kind = ${filter.kind}` : db``}
    ${
      officer === 'none'
        ? db`and a.assigned_officer_id is null`
        : officer
          ? db`and a.assigned_officer_id = ${officer}`
          : db``
    }
    ${filter.provisional ? db`and a.deadline_provisional` : db``}
    ${q ? searchCondition(db, q) : db``}`;
  // The filter reads the application (and its decision) alone, so the count is an index-only scan
  // of what it counts; the names are joined for the page's rows only.
  const filtered = db`applications a
    ${decidedToday ? db`join decisions d on d.application_id = a.id` : db``}`;
  const due = db`coalesce(a.deadline, (a.submitted_at at time zone 'Asia/Shanghai')::date)`;
  const after = cursor
    ? db`and (${due}, a.submitted_at, a.id) > (${cursor.due}::date, ${cursor.at}::text::timestamptz, ${cursor.id}::uuid)`
    : db``;
  const order = db`order by ${due}, a.submitted_at, a.id limit ${pageSize + 1}`;
  // A search names a few applications, found by their persons' and enterprises' indexes: their
  // page is taken first (sorted, without the names), rather than the queue walked in its order
  // testing each against the names (its plan for an unlikely search: all 100,000 read to find
  // one), or every match joined to its names before the sort.
  const matched = q
    ? db`with matched as materialized (select a.id from ${filtered} where ${where} ${after} ${order})`
    : db``;
  const [rows, [count]] = await Promise.all([
    db<(StoredRow & { due: string; cursorAt: string })[]>`
      ${matched}
      select a.id, a.application_number as "applicationNumber", a.kind, a.profession, a.state,
             p.name as "personName", e.name as "enterpriseName", a.submitted_at as "submittedAt",
             to_char(a.deadline, 'YYYY-MM-DD') as deadline,
             a.deadline_provisional as "deadlineProvisional",
             s.name as "officerName", a.assigned_officer_id as "assignedOfficerId",
             array(select distinct c.addressed_to from correction_items c
                   where c.application_id = a.id and c.blocks_review and c.closed_at is null
                   order by 1) as "waitingOn",
             (select to_char(min(r.reply_by), 'YYYY-MM-DD') from correction_requests r
              where r.application_id = a.id
                and exists (select 1 from correction_items c
                            where c.request_id = r.id and c.blocks_review
                              and c.closed_at is null)) as "replyBy",
             ${decidedToday ? db`d.decided_at` : db`null::timestamptz`} as "decidedAt",
             ${decidedToday ? db`d.kind` : db`null::text`} as "decisionKind",
             to_char(${due}, 'YYYY-MM-DD') as due,
             to_char(a.submitted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
               as "cursorAt"
      from ${filtered}
        left join persons p on p.id = a.person_id
        left join enterprises e on e.id = a.enterprise_id
        left join staff s on s.account_id = a.assigned_officer_id
      where ${q ? db`a.id in (select id from matched)` : db`${where} ${after}`}
      ${order}`,
    db<{ n: number }[]>`select count(*)::int as n from ${filtered} where ${where}`,
  ]);
  const more = rows.length > pageSize;
  const shown = rows.slice(0, pageSize);
  const last = shown.at(-1);
  return {
    rows: shown.map(({ due: _due, cursorAt: _at, ...row }) => readRow(row, calendar, today)),
    next: more && last ? encodeCursor({ due: last.due, at: last.cursorAt, id: last.id }) : null,
    total: count?.n ?? 0,
  };
}

/**
 * The normalised search: an application number, an ID number or a credit code exactly; otherwise
 * the start of a person's name or any part of an enterprise's name, brackets either width.
 *
 * The persons and enterprises it names are looked up first (an ID number or a name's start by
 * its index, migration 018; the enterprises' names, a few thousand, read through), and the
 * applications found by theirs: an index scan of each, never a join of every open application to
 * its person and enterprise to test them one by one.
 */
function searchCondition(db: Db, q: string) {
  if (/^SQ\d{8,}$/.test(q)) return db`and a.application_number = ${q}`;
  const idNumber = /^\d{17}[\dX]$/.test(q);
  const creditCode = /^[0-9A-HJ-NPQRTUWXY]{18}$/.test(q);
  // An identifier is looked up as one (an 18-digit ID number has a credit code's shape too);
  // anything else is the start of a person's name, or a part of an enterprise's.
  const identifier = idNumber || creditCode;
  const persons = identifier
    ? idNumber && db`select id from persons where id_number = ${q}`
    : // Every name that starts with q, in code-point order: [q, q + the last code point).
      db`select id from persons
         where name collate "C" >= ${q} and name collate "C" < ${q + LAST_CODE_POINT}`;
  const enterprises = identifier
    ? creditCode && db`select id from enterprises where credit_code = ${q}`
    : db`select id from enterprises where strpos(translate(name, '（） ', '()'), ${q}) > 0`;
  return db`and (${persons ? db`a.person_id = any(array(${persons}))` : db`false`}
                 or ${enterprises ? db`a.enterprise_id = any(array(${enterprises}))` : db`false`})`;
}

/** After every string that starts with a prefix, in code-point order. */
const LAST_CODE_POINT = '\u{10FFFF}';

/**
 * Where a running clock stands today, as the queue and the dashboard tag it: the working days
 * left to the deadline; none left is still 临近, fewer than none is 已超期.
 */
export function deadlineStatus(
  calendar: Calendar,
  today: string,
  deadline: string,
): 'overdue' | 'nearing' | 'running' {
  return statusOfDaysLeft(workingDaysBetween(calendar, today, deadline).days);
}

function statusOfDaysLeft(left: number): 'overdue' | 'nearing' | 'running' {
  if (left < 0) return 'overdue';
  return left <= NEARING_WORKING_DAYS ? 'nearing' : 'running';
}

function readRow(row: StoredRow, calendar: Calendar, today: string): QueueRow {
  const clockRuns = row.deadline !== null && row.state === 'under_review';
  const workingDaysLeft = clockRuns
    ? workingDaysBetween(calendar, today, row.deadline!).days
    : null;
  const status = workingDaysLeft === null ? null : statusOfDaysLeft(workingDaysLeft);
  const workingDaysWaiting =
    row.deadline === null && row.submittedAt
      ? workingDaysBetween(calendar, businessDate(row.submittedAt), today).days
      : null;
  const nextActor: NextActor[] =
    row.state === 'correction_requested'
      ? row.waitingOn
      : row.state === 'approved'
        ? ['announcement']
        : AUTHORITY_STATES.includes(row.state)
          ? ['officer']
          : [];
  return {
    ...row,
    nextActor,
    workingDaysLeft,
    workingDaysWaiting,
    nearing: status === 'nearing',
    overdue: status === 'overdue',
    replyOverdue: row.replyBy !== null && row.replyBy < today,
  };
}
