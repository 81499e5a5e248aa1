import type { Calendar } from '../calendar/index.js';
import { addWorkingDays, isScheduled, workingDay } from '../calendar/index.js';
import type { Db } from '../platform/index.js';
import { addDays, businessDate, startOfBusinessDay } from '../platform/index.js';
import type { Profession } from '../reference/index.js';
import { PROFESSIONS, PROMISED_WORKING_DAYS } from '../reference/index.js';
import type { ApplicationKind, State } from '../workflow/index.js';
import { APPLICATION_KINDS } from '../workflow/index.js';
import { deadlineStatus } from './queue.js';

/**
 * The service-level dashboard (/authority/dashboard): whether the authority keeps its promise of
 * 20 and 10 working days. Each figure is read set-based: the open applications in one grouped scan
 * (by state, kind, profession and deadline), so the calendar is applied to a few hundred
 * deadlines rather than to every application; the clocks that ended and the decisions grouped in
 * SQL. Every window is read back from `now` (the 90 days and the 12 weeks up to it), so the same
 * data read on another day gives another, predictable, page.
 */

/**
 * The states of an application the authority holds: its queue's (AUTHORITY_STATES), and approved
 * waiting for the announcement.
 */
export const DASHBOARD_STATES = [
  'submitted',
  'under_review',
  'correction_requested',
  'approved',
] as const satisfies readonly State[];
export type DashboardState = (typeof DASHBOARD_STATES)[number];

/** Every kind that reaches the authority (a cancellation never does). */
export const DASHBOARD_KINDS = APPLICATION_KINDS.filter((k) => k !== 'cancellation');

/** The kinds with a statutory clock (PROMISED_WORKING_DAYS), whose time to the end is measured. */
export type ClockedKind = keyof typeof PROMISED_WORKING_DAYS;
export const CLOCKED_KINDS = Object.keys(PROMISED_WORKING_DAYS) as ClockedKind[];

/** The clock's end is the announcement for these, the decision for the others. */
const ANNOUNCED_KINDS: readonly ClockedKind[] = ['initial', 'additional'];

/** How far back the durations look, and how many weeks of decisions the chart shows. */
export const DURATION_WINDOW_DAYS = 90;
export const DECISION_WEEKS = 12;
/** The approvals listed under the publication warning (the count covers them all). */
export const PUBLICATION_LIST_LIMIT = 20;

export type OpenCounts = {
  kind: ApplicationKind;
  byState: Record<DashboardState, number>;
  total: number;
};

export type DeadlineCounts = {
  /** Under review with a running clock. */
  running: number;
  /** Of those, 0 to NEARING_WORKING_DAYS working days left (the queue's 临近期限). */
  nearing: number;
  /** Of those, past the deadline (the queue's 已超期). */
  overdue: number;
  /** Accepted and held by a correction request: its clock stopped, never overdue meanwhile. */
  paused: number;
};

export type ProvisionalDeadlines = {
  total: number;
  /** By the deadline's year; `scheduled` false where that year has no published schedule. */
  years: { year: number; count: number; scheduled: boolean }[];
};

export type PublicationWarning = {
  /** The publish job's next run, or null when its schedule is not a daily time we can read. */
  nextRun: Date | null;
  /** Approved initial and additional registrations whose deadline is before that run's day. */
  count: number;
  /** The first of them by deadline. */
  applications: {
    id: string;
    applicationNumber: string;
    kind: ApplicationKind;
    profession: Profession;
    personName: string | null;
    deadline: string;
  }[];
};

export type DurationRow = {
  kind: ClockedKind;
  promised: number;
  /** Applications whose clock ended in the window. */
  count: number;
  /** Working days from acceptance to the end of the clock, pauses left out. */
  average: number | null;
  /** The 90th percentile (nearest rank: a value one of the applications has). */
  p90: number | null;
  /** How many took more working days than promised. */
  overPromise: number;
};

export type WeekDecisions = {
  /** Monday and Sunday of the week (Asia/Shanghai). */
  weekStart: string;
  weekEnd: string;
  approval: number;
  refusal: number;
  notAccepted: number;
  total: number;
};

export type Dashboard = {
  now: Date;
  today: string;
  open: {
    rows: OpenCounts[];
    totals: Record<DashboardState, number>;
    total: number;
  };
  deadlines: {
    rows: ({ profession: Profession } & DeadlineCounts)[];
    totals: DeadlineCounts;
  };
  provisional: ProvisionalDeadlines;
  publication: PublicationWarning;
  durations: { from: string; to: string; rows: DurationRow[] };
  weeks: WeekDecisions[];
};

export type DashboardOptions = {
  /** The publish job's node-cron expression (config.schedules.publishAnnouncements). */
  publishSchedule: string;
};

export async function dashboardOf(
  db: Db,
  calendar: Calendar,
  now: Date,
  options: DashboardOptions,
): Promise<Dashboard> {
  const today = businessDate(now);
  const nextRun = nextPublicationRun(calendar, now, options.publishSchedule);
  const [groups, due, durations, weeks] = await Promise.all([
    openGroups(db),
    nextRun ? approvalsDueBefore(db, businessDate(nextRun)) : Promise.resolve(undefined),
    clockDurations(db, now),
    decisionsByWeek(db, now),
  ]);
  return {
    now,
    today,
    open: openCounts(groups),
    deadlines: deadlineCounts(groups, calendar, today),
    provisional: provisionalDeadlines(groups, calendar),
    publication: {
      nextRun,
      count: nextRun ? approvalsBefore(groups, businessDate(nextRun)) : 0,
      applications: due ?? [],
    },
    durations,
    weeks,
  };
}

// ---- The open applications: one grouped scan ----

type OpenGroup = {
  state: DashboardState;
  kind: ApplicationKind;
  profession: Profession | null;
  deadline: string | null;
  provisional: boolean | null;
  n: number;
};

async function openGroups(db: Db): Promise<OpenGroup[]> {
  return db<OpenGroup[]>`
    select state, kind, profession, to_char(deadline, 'YYYY-MM-DD') as deadline,
           deadline_provisional as provisional, count(*)::int as n
    from applications
    where state in ${db([...DASHBOARD_STATES])}
    group by state, kind, profession, deadline, deadline_provisional`;
}

const zeroByState = () =>
  Object.fromEntries(DASHBOARD_STATES.map((s) => [s, 0])) as Record<DashboardState, number>;

function openCounts(groups: readonly OpenGroup[]): Dashboard['open'] {
  const rows = DASHBOARD_KINDS.map((kind): OpenCounts => ({
    kind,
    byState: zeroByState(),
    total: 0,
  }));
  const totals = zeroByState();
  let total = 0;
  for (const g of groups) {
    const row = rows.find((r) => r.kind === g.kind);
    if (!row) continue;
    row.byState[g.state] += g.n;
    row.total += g.n;
    totals[g.state] += g.n;
    total += g.n;
  }
  return { rows, totals, total };
}

function deadlineCounts(
  groups: readonly OpenGroup[],
  calendar: Calendar,
  today: string,
): Dashboard['deadlines'] {
  const zero = (): DeadlineCounts => ({ running: 0, nearing: 0, overdue: 0, paused: 0 });
  const rows = PROFESSIONS.map((profession) => ({ profession, ...zero() }));
  const totals = zero();
  const statusOf = new Map<string, ReturnType<typeof deadlineStatus>>();
  for (const g of groups) {
    const row = rows.find((r) => r.profession === g.profession);
    if (!row || g.deadline === null) continue;
    // As on the queue, only an application under review has a running clock; one waiting for
    // corrections is held (its deadline moves on each day), and an approval waits for the
    // announcement (the publication warning covers it).
    if (g.state === 'correction_requested') {
      row.paused += g.n;
      totals.paused += g.n;
    }
    if (g.state !== 'under_review') continue;
    let status = statusOf.get(g.deadline);
    if (!status) {
      status = deadlineStatus(calendar, today, g.deadline);
      statusOf.set(g.deadline, status);
    }
    row.running += g.n;
    totals.running += g.n;
    if (status !== 'running') {
      row[status] += g.n;
      totals[status] += g.n;
    }
  }
  return { rows, totals };
}

function provisionalDeadlines(
  groups: readonly OpenGroup[],
  calendar: Calendar,
): ProvisionalDeadlines {
  const byYear = new Map<number, number>();
  let total = 0;
  for (const g of groups) {
    if (!g.provisional || g.deadline === null) continue;
    const year = Number(g.deadline.slice(0, 4));
    byYear.set(year, (byYear.get(year) ?? 0) + g.n);
    total += g.n;
  }
  return {
    total,
    years: [...byYear]
      .sort(([a], [b]) => a - b)
      .map(([year, count]) => ({ year, count, scheduled: isScheduled(calendar, year) })),
  };
}

function approvalsBefore(groups: readonly OpenGroup[], runDate: string): number {
  return groups
    .filter((g) => g.state === 'approved' && g.deadline !== null && g.deadline < runDate)
    .filter((g) => (ANNOUNCED_KINDS as readonly string[]).includes(g.kind))
    .reduce((sum, g) => sum + g.n, 0);
}

async function approvalsDueBefore(
  db: Db,
  runDate: string,
): Promise<PublicationWarning['applications']> {
  return db<PublicationWarning['applications']>`
    select a.id, a.application_number as "applicationNumber", a.kind, a.profession,
           p.name as "personName", to_char(a.deadline, 'YYYY-MM-DD') as deadline
    from applications a left join persons p on p.id = a.person_id
    where a.state = 'approved' and a.kind in ${db([...ANNOUNCED_KINDS])}
      and a.deadline < ${runDate}::date
    order by a.deadline, a.application_number
    limit ${PUBLICATION_LIST_LIMIT}`;
}

// ---- The publish job's next run ----

/**
 * When the publish job runs next. Its schedule (config.schedules.publishAnnouncements, default
 * `0 9 * * *`) is a daily time, and on schedule the job publishes only on working days (lib/jobs):
 * so the next run is today at that time if today is a working day and the time is still to come,
 * else that time on the next working day. A schedule that is not a plain daily time (`M H * * *`)
 * gives null: the page then says it cannot tell.
 */
export function nextPublicationRun(calendar: Calendar, now: Date, schedule: string): Date | null {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5 || fields.slice(2).some((f) => f !== '*')) return null;
  const [minute, hour] = fields.map((f) => (/^\d{1,2}$/.test(f) ? Number(f) : NaN));
  if (!(minute! >= 0 && minute! <= 59 && hour! >= 0 && hour! <= 23)) return null;
  const pad = (n: number) => String(n).padStart(2, '0');
  const at = (date: string) => new Date(`${date}T${pad(hour!)}:${pad(minute!)}:00+08:00`);
  const today = businessDate(now);
  if (workingDay(calendar, today).working && now < at(today)) return at(today);
  return at(addWorkingDays(calendar, today, 1).date);
}

// ---- Working days from acceptance to the end of the clock ----

/**
 * Over the applications whose clock ended in the 90 days through today (the first of those days
 * from 00:00, up to `now`), by kind: the working days the statutory clock counted, as the
 * transition that ended it recorded them (lib/calendar recordClockEnds: from the working day after
 * acceptance through the announcement for initial and additional registrations, the decision for
 * renewals and personal changes, or a refusal, minus the days it was stopped). A withdrawal is no
 * end of the clock and is not counted. One index range (migration 019).
 */
async function clockDurations(db: Db, now: Date): Promise<Dashboard['durations']> {
  const today = businessDate(now);
  const from = addDays(today, -(DURATION_WINDOW_DAYS - 1));
  const promised = CLOCKED_KINDS.map((k) => PROMISED_WORKING_DAYS[k].days);
  const rows = await db<Omit<DurationRow, 'promised'>[]>`
    select c.kind, count(*)::int as count, round(avg(c.working_days), 1)::float8 as average,
           (percentile_disc(0.9) within group (order by c.working_days))::int as p90,
           count(*) filter (where c.working_days > pr.days)::int as "overPromise"
    from clock_ends c
      join unnest(${[...CLOCKED_KINDS] as string[]}::text[], ${promised}::int[]) as pr (kind, days)
        on pr.kind = c.kind
    where c.ended_at >= ${startOfBusinessDay(from)} and c.ended_at <= ${now}
    group by c.kind`;
  return {
    from,
    to: today,
    rows: CLOCKED_KINDS.map((kind): DurationRow => {
      const row = rows.find((r) => r.kind === kind);
      return {
        kind,
        promised: PROMISED_WORKING_DAYS[kind].days,
        count: row?.count ?? 0,
        average: row?.average ?? null,
        p90: row?.p90 ?? null,
        overPromise: row?.overPromise ?? 0,
      };
    }),
  };
}

// ---- Decisions per week ----

/** The Monday of a date's week. */
function mondayOf(date: string): string {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return addDays(date, -((weekday + 6) % 7));
}

/**
 * The written decisions (准予, 不予注册, 不予受理) by week, Monday to Sunday in Asia/Shanghai, for
 * the 12 weeks that end with the current one (up to `now`), oldest first, empty weeks included.
 */
async function decisionsByWeek(db: Db, now: Date): Promise<WeekDecisions[]> {
  const thisWeek = mondayOf(businessDate(now));
  const first = addDays(thisWeek, -7 * (DECISION_WEEKS - 1));
  const rows = await db<{ week: string; kind: string; n: number }[]>`
    select to_char(date_trunc('week', decided_at at time zone 'Asia/Shanghai'), 'YYYY-MM-DD')
             as week,
           kind, count(*)::int as n
    from decisions
    where decided_at >= ${startOfBusinessDay(first)} and decided_at <= ${now}
    group by 1, 2`;
  return Array.from({ length: DECISION_WEEKS }, (_, i): WeekDecisions => {
    const weekStart = addDays(first, 7 * i);
    const of = (kind: string) => rows.find((r) => r.week === weekStart && r.kind === kind)?.n ?? 0;
    const [approval, refusal, notAccepted] = [of('approval'), of('refusal'), of('not_accepted')];
    return {
      weekStart,
      weekEnd: addDays(weekStart, 6),
      approval,
      refusal,
      notAccepted,
      total: approval + refusal + notAccepted,
    };
  });
}
