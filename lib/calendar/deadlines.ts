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
