import type { Db, Tx } from '../platform/index.js';
import { businessDate, recordAudit } from '../platform/index.js';
import { PROMISED_WORKING_DAYS } from '../reference/index.js';
import type {
  ApplicationEvent,
  ApplicationKind,
  ApplicationRow,
  State,
} from '../workflow/index.js';
import { eventsOf } from '../workflow/index.js';
import type { ClockPause, ClockReading } from './clock.js';
import { statutoryClock } from './clock.js';
import { loadCalendar } from './store.js';
import type { Calendar } from './working-days.js';
import { datesFrom, workingDay } from './working-days.js';

/**
 * Where the statutory clock's inputs come from: the application's own events. `accept` starts it;
 * each `request_correction` after that stops it from its day, and the `corrections_complete` that
 * follows restarts it after its day. The deadline read from them is stored on the application by
 * the transitions that move the clock, and again when the calendar changes.
 */

type ClockedKind = keyof typeof PROMISED_WORKING_DAYS;

function isClocked(kind: ApplicationKind): kind is ClockedKind {
  return kind in PROMISED_WORKING_DAYS;
}

/** The states in which a clock runs or is held: accepted and not yet decided or announced. */
const CLOCK_STATES: readonly State[] = ['under_review', 'correction_requested'];
/** Initial and additional registrations count to the announcement, after their approval too. */
const COUNTED_TO_ANNOUNCEMENT: readonly ApplicationKind[] = ['initial', 'additional'];

export function clockInputsOf(
  events: readonly Pick<ApplicationEvent, 'action' | 'occurredAt'>[],
): { accepted: string; pauses: ClockPause[] } | undefined {
  const acceptance = events.find((e) => e.action === 'accept');
  if (!acceptance) return undefined;
  const pauses: ClockPause[] = [];
  for (const e of events) {
    if (e.occurredAt < acceptance.occurredAt) continue;
    const day = businessDate(e.occurredAt);
    // A further request while the clock is already stopped does not stop it again.
    if (e.action === 'request_correction' && pauses.at(-1)?.to !== null) {
      pauses.push({ from: day, to: null });
    }
    if (e.action === 'corrections_complete') {
      const open = pauses.at(-1);
      if (open && open.to === null) open.to = day;
    }
  }
  return { accepted: businessDate(acceptance.occurredAt), pauses };
}

/** The clock of an accepted application, read on `today`; none for a kind without one. */
export async function clockOf(
  db: Db,
  app: Pick<ApplicationRow, 'id' | 'kind'>,
  calendar: Calendar,
  today: string,
): Promise<ClockReading | undefined> {
  if (!isClocked(app.kind)) return undefined;
  return clockOfEvents(app.kind, await eventsOf(db, app.id), calendar, today);
}

/** The same, from events the caller has already read. */
export function clockOfEvents(
  kind: ApplicationKind,
  events: readonly Pick<ApplicationEvent, 'action' | 'occurredAt'>[],
  calendar: Calendar,
  today: string,
): ClockReading | undefined {
  return isClocked(kind) ? readingOf(kind, events, calendar, today) : undefined;
}

/** The clock of a kind that has one, from its events; none before the acceptance. */
function readingOf(
  kind: ClockedKind,
  events: readonly Pick<ApplicationEvent, 'action' | 'occurredAt'>[],
  calendar: Calendar,
  today: string,
): ClockReading | undefined {
  const inputs = clockInputsOf(events);
  if (!inputs) return undefined;
  return statutoryClock(calendar, {
    ...inputs,
    workingDays: PROMISED_WORKING_DAYS[kind].days,
    today,
  });
}

/** The workflow effect: after a transition that moves the clock, its deadline is stored. */
export async function recordDeadline(tx: Tx, app: ApplicationRow, at: Date): Promise<void> {
  const reading = await clockOf(tx, app, await loadCalendar(tx), businessDate(at));
  if (!reading) return;
  await tx`
    update applications set deadline = ${reading.deadline},
           deadline_provisional = ${reading.provisional}
    where id = ${app.id}`;
}

/**
 * The calendar as SQL reads it: for each date from `start` through `end`, the working days after
 * `start` up to and including it (workingDay, so 调休 and holidays count as the statutory clock
 * counts them). The working days in (a, b] are then ord(b) - ord(a).
 */
function ordinalsFrom(calendar: Calendar, start: string, end: string): number[] {
  const ordinals: number[] = [];
  let n = 0;
  for (const date of datesFrom(start, end)) {
    if (date > start && workingDay(calendar, date).working) n += 1;
    ordinals.push(n);
  }
  return ordinals;
}

/**
 * The workflow effect at the end of a statutory clock (the announcement of an initial or
 * additional registration, the decision on a renewal or a personal change, a refusal of any of
 * them): the working days it counted are recorded with the instant it ended (clock_ends, migration
 * 019), so the dashboard's durations are an index range, not a replay of every
 * clock's events. Set-based, for one application or the thousands a publication completes.
 *
 * The days counted: from the working day after acceptance (the `accept` event) through the day
 * the clock ended, minus the working days it was stopped, as clockInputsOf reads the stops: a
 * `request_correction` while none is open stops it from its day through the day of the next
 * `corrections_complete` (both included); a stop still open at a refusal runs through that day.
 * An application never accepted has no clock and gets none.
 */
export async function recordClockEnds(
  tx: Tx,
  apps: readonly Pick<ApplicationRow, 'id' | 'kind'>[],
  at: Date,
): Promise<void> {
  if (apps.length === 0) return;
  const ids = apps.map((a) => a.id);
  const kinds = apps.map((a) => a.kind);
  const end = businessDate(at);
  const [first] = await tx<{ accepted: string | null }[]>`
    select to_char(min((occurred_at at time zone 'Asia/Shanghai')::date), 'YYYY-MM-DD') as accepted
    from application_events
    where application_id = any(${ids}::uuid[]) and action = 'accept'`;
  const start = first?.accepted;
  if (!start || start > end) return;
  // Every date the counts below read lies from the earliest acceptance through the end.
  const ordinals = ordinalsFrom(await loadCalendar(tx), start, end);
  // The working days through a date, read from the ordinals (a parameter, not a column each row
  // carries).
  const through = (column: 'ended_on' | 'accepted_on' | 'stop_ends' | 'stop_after') =>
    tx`(${ordinals}::int[])[${tx.unsafe(column)} - ${start}::date + 1]`;
  await tx`
    with ended as (
      select id, kind, ${end}::date as ended_on
      from unnest(${ids}::uuid[], ${kinds}::text[]) as x (id, kind)
    ),
    -- Each application's clock events, in one pass in version order: its acceptance, and for
    -- each request_correction whether it stopped the clock (none was open: the event before it
    -- is the acceptance or a corrections_complete), the last day the clock resumed before it and
    -- the day it resumed after it (the next corrections_complete, if any).
    clock_events as (
      select x.id, x.kind, x.ended_on, e.version, e.action,
             (e.occurred_at at time zone 'Asia/Shanghai')::date as day,
             min(e.version) filter (where e.action = 'accept') over app as accepted_version,
             min((e.occurred_at at time zone 'Asia/Shanghai')::date)
               filter (where e.action = 'accept') over app as accepted_on,
             lag(e.action) over in_order as previous,
             max((e.occurred_at at time zone 'Asia/Shanghai')::date)
               filter (where e.action = 'corrections_complete')
               over (in_order rows between unbounded preceding and 1 preceding) as resumed_before,
             min((e.occurred_at at time zone 'Asia/Shanghai')::date)
               filter (where e.action = 'corrections_complete')
               over (in_order rows between current row and unbounded following) as resumed_after
      from ended x join application_events e on e.application_id = x.id
      where e.action in ('accept', 'request_correction', 'corrections_complete')
      window app as (partition by x.id), in_order as (partition by x.id order by e.version)
    ),
    -- The stops after acceptance: from the day of the request through the day the clock resumed
    -- (or the end), counted after the acceptance and after the stop before (one may start on the
    -- day the last ended, and that day is stopped once).
    stops as (
      select id, kind, ended_on, accepted_on,
             greatest(day - 1, resumed_before, accepted_on) as stop_after,
             least(coalesce(resumed_after, ended_on), ended_on) as stop_ends,
             action = 'request_correction' and version > accepted_version
               and previous is distinct from 'request_correction' as stopped
      from clock_events
      where accepted_version is not null
    ),
    counted as (
      select id, kind, ${through('ended_on')} - ${through('accepted_on')}
               - coalesce(sum(greatest(${through('stop_ends')} - ${through('stop_after')}, 0))
                            filter (where stopped), 0) as days
      from stops group by id, kind, ended_on, accepted_on
    )
    insert into clock_ends (application_id, kind, ended_at, working_days)
    select id, kind, ${at}, days from counted`;
}

/**
 * Locks every application whose clock a calendar change may move: those whose clock runs, and
 * those waiting to be accepted (an acceptance starts one).
 */
export async function lockClockedApplications(tx: Tx): Promise<void> {
  await tx`
    select id from applications
    where state in ${tx([...CLOCK_STATES, 'submitted'] as State[])}
       or (state = 'approved' and kind in ${tx(COUNTED_TO_ANNOUNCEMENT as ApplicationKind[])})
    order by id
    for update`;
}

/**
 * After the calendar changed (its applications locked first: lockClockedApplications): every application whose clock still runs gets its deadline again;
 * each one that changed is audited (its timeline shows it). Returns how many changed.
 */
export async function recomputeDeadlines(
  tx: Tx,
  today: string,
  at: Date,
  actorAccountId: string | null,
): Promise<number> {
  const calendar = await loadCalendar(tx);
  // Every open application with the events that move its clock, in one query.
  const open = await tx<
    (Pick<ApplicationRow, 'id' | 'kind'> & {
      deadline: string | null;
      provisional: boolean | null;
      events: { action: ApplicationEvent['action']; occurredAt: string }[];
    })[]
  >`
    select a.id, a.kind, to_char(a.deadline, 'YYYY-MM-DD') as deadline,
           a.deadline_provisional as provisional,
           coalesce(
             (select json_agg(json_build_object('action', e.action, 'occurredAt', e.occurred_at)
                              order by e.version)
              from application_events e
              where e.application_id = a.id
                and e.action in ('accept', 'request_correction', 'corrections_complete')),
             '[]') as events
    from applications a
    where a.state in ${tx(CLOCK_STATES as State[])}
       or (a.state = 'approved' and a.kind in ${tx(COUNTED_TO_ANNOUNCEMENT as ApplicationKind[])})`;
  let changed = 0;
  for (const app of open) {
    if (!isClocked(app.kind)) continue;
    const events = app.events.map((e) => ({ ...e, occurredAt: new Date(e.occurredAt) }));
    const reading = readingOf(app.kind, events, calendar, today);
    if (!reading) continue;
    if (reading.deadline === app.deadline && reading.provisional === app.provisional) continue;
    await tx`
      update applications set deadline = ${reading.deadline},
             deadline_provisional = ${reading.provisional}
      where id = ${app.id}`;
    await recordAudit(tx, {
      at,
      actorAccountId,
      action: 'deadline_recomputed',
      subjectType: 'application',
      subjectId: app.id,
      detail: {
        from: app.deadline,
        to: reading.deadline,
        provisional: reading.provisional,
        reason: 'calendar_changed',
      },
    });
    changed += 1;
  }
  return changed;
}

/** When the calendar moved an application's deadline: its timeline says so. */
export type DeadlineChange = { at: Date; from: string | null; to: string; provisional: boolean };

export async function deadlineChangesOf(db: Db, applicationId: string): Promise<DeadlineChange[]> {
  const rows = await db<
    { at: Date; detail: { from: string | null; to: string; provisional: boolean } }[]
  >`
    select occurred_at as at, detail from audit_events
    where subject_type = 'application' and subject_id = ${applicationId}
      and action = 'deadline_recomputed'
    order by occurred_at`;
  return rows.map((r) => ({ at: r.at, ...r.detail }));
}
