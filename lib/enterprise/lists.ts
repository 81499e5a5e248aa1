import type { Sql } from '../platform/index.js';
import { ENTERPRISE_SEES_FILES } from '../files/index.js';
import { SIGNED_FORM_QR_OF } from './confirmation.js';
import type { CorrectionAsks } from '../corrections/index.js';
import { materialsFor } from '../filing/index.js';
import type { Profession } from '../reference/index.js';
import type { ApplicationDraft, ApplicationKind, State } from '../workflow/index.js';
import { ENTERPRISE_SEES_APPLICATION, sqlStates, STOPPED_STATES } from '../workflow/index.js';
import {
  addDays,
  businessDate,
  containsPattern,
  isUuid,
  NotFoundError,
  searchForm,
} from '../platform/index.js';

/** Read models of the enterprise's pages (/org): its to-do list, applications and employees. */

export type ToDo = {
  toConfirm: number;
  awaitingSignedForm: number;
  /** Open correction items addressed to the enterprise, and the applications they are on. */
  openItems: number;
  applicationsWithOpenItems: number;
};

/** The counts of the enterprise's to-do list (待办事项). */
export async function toDoOf(sql: Sql, enterpriseId: string): Promise<ToDo> {
  const [row] = await sql<ToDo[]>`
    select
      (select count(*)::int from applications
        where enterprise_id = ${enterpriseId} and state = 'awaiting_enterprise') as "toConfirm",
      (select count(*)::int from applications
        where enterprise_id = ${enterpriseId} and state = 'awaiting_signed_form') as "awaitingSignedForm",
      (select count(*)::int from correction_items c join applications a on a.id = c.application_id
        where a.enterprise_id = ${enterpriseId} and c.addressed_to = 'enterprise'
          and c.closed_at is null
          and a.state not in ${sql.unsafe(STOPPED)}) as "openItems",
      (select count(*)::int from applications a
        where a.enterprise_id = ${enterpriseId} and ${sql.unsafe(HAS_OPEN_ITEM)})
        as "applicationsWithOpenItems"`;
  return row!;
}

/** Applications that ended without effect: their open items are no one's to supply (SQL). */
const STOPPED = sqlStates(STOPPED_STATES);

/** An application `a` with an item addressed to the enterprise still to supply (SQL). */
const HAS_OPEN_ITEM = `(a.state not in ${STOPPED} and exists (
  select 1 from correction_items c
  where c.application_id = a.id and c.addressed_to = 'enterprise' and c.closed_at is null))`;

export type EnterpriseApplication = {
  id: string;
  applicationNumber: string;
  kind: ApplicationKind;
  profession: Profession | null;
  /** A demonstration-zone initial registration (长三角示范区注册, rule 13). */
  demonstrationZone: boolean;
  state: State;
  version: number;
  personName: string;
  snapshot: unknown;
  snapshotVersion: number;
  snapshotHash: string | null;
  stateChangedAt: Date;
  enterpriseConfirmation: unknown;
  signedFormFileId: string | null;
  signedFormSnapshotVersion: number | null;
  /** What the scan's QR said (lib/enterprise/confirmation.ts): null before the check existed. */
  signedFormQr: 'matched' | 'unreadable' | null;
  deadline: string | null;
  deadlineProvisional: boolean | null;
  /** The registration it acts on (every kind but an initial registration). */
  registrationId: string | null;
  /** The enterprise may open the person's photo and materials (lib/files/records.ts). */
  filesVisible: boolean;
};

const APPLICATION_COLUMNS = `
  a.id, a.application_number as "applicationNumber", a.kind, a.profession,
  a.demonstration_zone as "demonstrationZone", a.state, a.version,
  p.name as "personName", a.snapshot, a.snapshot_version as "snapshotVersion",
  a.snapshot_hash as "snapshotHash", a.state_changed_at as "stateChangedAt",
  a.enterprise_confirmation as "enterpriseConfirmation",
  a.signed_form_file_id as "signedFormFileId",
  a.signed_form_snapshot_version as "signedFormSnapshotVersion",
  ${SIGNED_FORM_QR_OF} as "signedFormQr",
  a.registration_id as "registrationId",
  to_char(a.deadline, 'YYYY-MM-DD') as deadline, a.deadline_provisional as "deadlineProvisional",
  ${ENTERPRISE_SEES_FILES} as "filesVisible"`;

/**
 * A page of a long list, and how many there are in all (counted with the page's rows: a page past
 * the end has no rows and a total of 0, so callers go back to the first page).
 */
export type Page<T> = { rows: T[]; total: number; page: number; pages: number };

export const PAGE_SIZE = 50;

/** The rows of page `page` (with their `total` column) as a Page. */
function pageOf<T>(rows: (T & { total: number })[], page: number): Page<T> {
  const total = rows[0]?.total ?? 0;
  return {
    rows: rows.map(({ total: _total, ...row }) => row as T),
    total,
    page,
    pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
  };
}

/** The page asked for as a whole number from 1, and where its rows start. */
const pageNumber = (page = 1) => Math.max(1, Math.floor(page));
const offsetOf = (page: number) => (page - 1) * PAGE_SIZE;

/** What the application list can be narrowed to: the steps that wait for the enterprise. */
export const APPLICATION_FILTERS = [
  'awaiting_enterprise',
  'awaiting_signed_form',
  'correction',
  'all',
] as const;
export type ApplicationFilter = (typeof APPLICATION_FILTERS)[number];

export type ApplicationListItem = Pick<
  EnterpriseApplication,
  | 'id'
  | 'applicationNumber'
  | 'kind'
  | 'profession'
  | 'demonstrationZone'
  | 'state'
  | 'personName'
  | 'stateChangedAt'
>;

/** The applications that name this enterprise, newest change first, a page at a time. */
export async function applicationsOfEnterprise(
  sql: Sql,
  enterpriseId: string,
  options: { filter?: ApplicationFilter; page?: number } = {},
): Promise<Page<ApplicationListItem>> {
  const filter = options.filter ?? 'all';
  const page = pageNumber(options.page);
  const rows = await sql.unsafe<(ApplicationListItem & { total: number })[]>(
    `select a.id, a.application_number as "applicationNumber", a.kind, a.profession,
            a.demonstration_zone as "demonstrationZone", a.state,
            p.name as "personName", a.state_changed_at as "stateChangedAt",
            count(*) over ()::int as total
     from applications a join persons p on p.id = a.person_id
     where a.enterprise_id = $1 and ${ENTERPRISE_SEES_APPLICATION}
       and ($2 = 'all' or a.state = $2 or ($2 = 'correction' and ${HAS_OPEN_ITEM}))
     order by a.state_changed_at desc, a.id
     limit ${PAGE_SIZE} offset $3`,
    [enterpriseId, filter, offsetOf(page)],
  );
  return pageOf(rows, page);
}

/** One application that names this enterprise; any other id is not found. */
export async function applicationOfEnterprise(
  sql: Sql,
  enterpriseId: string,
  applicationId: string,
): Promise<EnterpriseApplication> {
  if (!isUuid(applicationId)) throw new NotFoundError();
  const [row] = await sql.unsafe<EnterpriseApplication[]>(
    `select ${APPLICATION_COLUMNS}
     from applications a join persons p on p.id = a.person_id
     where a.id = $1 and a.enterprise_id = $2 and ${ENTERPRISE_SEES_APPLICATION}`,
    [applicationId, enterpriseId],
  );
  if (!row) throw new NotFoundError();
  return row;
}

export type Employee = {
  personName: string;
  profession: Profession;
  registrationNumber: string;
  specialties: string[];
  validUntil: string;
  /** The validity ends within 90 days: time to renew. */
  endingSoon: boolean;
};

/** The employees page's search box. */
export const employeeSearch = searchForm(50);

/**
 * The persons with an active registration at this enterprise, soonest end of validity first, a
 * page at a time: all of them, or those whose name or registration number holds `query`, or only
 * those whose validity ends within 90 days.
 */
export async function employeesOf(
  sql: Sql,
  enterpriseId: string,
  at: Date,
  options: { query?: string; endingSoon?: boolean; page?: number } = {},
): Promise<Page<Employee>> {
  const soon = addDays(businessDate(at), 90);
  const query = options.query?.trim() ?? '';
  const pattern = containsPattern(query);
  const page = pageNumber(options.page);
  const rows = await sql<(Employee & { total: number })[]>`
    select p.name as "personName", r.profession, r.registration_number as "registrationNumber",
           r.specialties, to_char(r.valid_until, 'YYYY-MM-DD') as "validUntil",
           r.valid_until <= ${soon}::date as "endingSoon", count(*) over ()::int as total
    from registrations r join persons p on p.id = r.person_id
    where r.enterprise_id = ${enterpriseId} and r.status = 'active'
      and (${query} = '' or p.name like ${pattern} or r.registration_number like ${pattern})
      and (not ${options.endingSoon ?? false} or r.valid_until <= ${soon}::date)
    order by r.valid_until, p.name, r.registration_number
    limit ${PAGE_SIZE} offset ${offsetOf(page)}`;
  return pageOf(rows, page);
}

export type OpenItem = {
  id: string;
  applicationId: string;
  applicationNumber: string;
  personName: string | null;
  what: string;
  why: string;
  asks: CorrectionAsks;
  /** The reply deadline of the authority's request (none for the licence item of rule 12). */
  replyBy: string | null;
  replyByProvisional: boolean | null;
};

/**
 * The correction items addressed to this enterprise still open (its to-do list), oldest first; at
 * most `limit` (the applications list filtered to 'correction' shows them all).
 */
export async function openItemsOfEnterprise(
  sql: Sql,
  enterpriseId: string,
  limit = 10,
): Promise<OpenItem[]> {
  return sql<OpenItem[]>`
    select c.id, c.application_id as "applicationId", a.application_number as "applicationNumber",
           p.name as "personName", c.what, c.why, c.asks,
           to_char(r.reply_by, 'YYYY-MM-DD') as "replyBy",
           r.reply_by_provisional as "replyByProvisional"
    from correction_items c join applications a on a.id = c.application_id
      left join persons p on p.id = a.person_id
      left join correction_requests r on r.id = c.request_id
    where a.enterprise_id = ${enterpriseId} and c.addressed_to = 'enterprise'
      and c.closed_at is null and a.state not in ${sql.unsafe(STOPPED)}
    order by c.opened_at, c.seq
    limit ${limit}`;
}

/** The materials the person uploaded with the application, by name, from its frozen snapshot. */
export function materialsOf(
  application: Pick<EnterpriseApplication, 'kind'>,
  content: ApplicationDraft,
): { name: string; fileId: string }[] {
  return materialsFor(application.kind, content).flatMap((m) => {
    const fileId = content.uploads?.[m.purpose];
    return fileId ? [{ name: m.name, fileId }] : [];
  });
}
