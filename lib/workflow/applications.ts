import type { Db, Tx } from '../platform/index.js';
import type { Profession } from '../reference/index.js';
import type { ApplicationKind, Role, State } from './table.js';
import { businessDate, isUuid } from '../platform/index.js';

/** An application row as the workflow reads it. */
export type ApplicationRow = {
  id: string;
  applicationNumber: string;
  kind: ApplicationKind;
  profession: Profession | null;
  personId: string | null;
  enterpriseId: string | null;
  registrationId: string | null;
  demonstrationZone: boolean;
  state: State;
  version: number;
  draft: unknown;
  snapshot: unknown;
  snapshotVersion: number;
  snapshotHash: string | null;
  startedAt: Date;
  stateChangedAt: Date;
  /** The statutory clock's deadline (lib/calendar), once accepted; provisional (暂定) or not. */
  deadline: string | null;
  deadlineProvisional: boolean | null;
  /** When it first reached the authority. */
  submittedAt: Date | null;
  /** The officer who has it (claimed, or assigned by an admin). */
  assignedOfficerId: string | null;
};

const APPLICATION_COLUMNS = `
  id, application_number as "applicationNumber", kind, profession, person_id as "personId",
  enterprise_id as "enterpriseId", registration_id as "registrationId",
  demonstration_zone as "demonstrationZone", state, version, draft, snapshot,
  snapshot_version as "snapshotVersion", snapshot_hash as "snapshotHash",
  started_at as "startedAt", state_changed_at as "stateChangedAt",
  to_char(deadline, 'YYYY-MM-DD') as deadline, deadline_provisional as "deadlineProvisional",
  submitted_at as "submittedAt", assigned_officer_id as "assignedOfficerId"`;

/** An application as it is now, without locking it (pages). */
export async function readApplication(db: Db, id: string): Promise<ApplicationRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.unsafe<ApplicationRow[]>(
    `select ${APPLICATION_COLUMNS} from applications where id = $1`,
    [id],
  );
  return row;
}

/** The application, locked for the rest of the caller's transaction. */
export async function lockApplication(tx: Tx, id: string): Promise<ApplicationRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await tx.unsafe<ApplicationRow[]>(
    `select ${APPLICATION_COLUMNS} from applications where id = $1 for update`,
    [id],
  );
  return row;
}

/** An application row without its draft and snapshot, as a job moving thousands reads them. */
export type BulkApplicationRow = Omit<ApplicationRow, 'draft' | 'snapshot'>;

const BULK_COLUMNS = APPLICATION_COLUMNS.replace('draft, snapshot,', '');

/** Many applications, locked in id order (so two callers cannot deadlock on them). */
export async function lockApplications(
  tx: Tx,
  ids: readonly string[],
): Promise<BulkApplicationRow[]> {
  if (ids.length === 0) return [];
  return tx<BulkApplicationRow[]>`
    select ${tx.unsafe(BULK_COLUMNS)} from applications
    where id = any(${ids as string[]}::uuid[]) order by id for update`;
}

/**
 * Whether the authority has accepted the application: it has been under review (only acceptance
 * leads there first), so corrections asked now lead back to review rather than to 待受理.
 */
export async function wasAccepted(db: Db, applicationId: string): Promise<boolean> {
  const [row] = await db`
    select 1 from application_events
    where application_id = ${applicationId} and to_state = 'under_review' limit 1`;
  return row !== undefined;
}

/** Human-facing application numbers: SQ + the Shanghai date + a serial, e.g. SQ20261125000042. */
export async function nextApplicationNumber(tx: Tx, at: Date): Promise<string> {
  const [row] = await tx<{ n: string }[]>`select nextval('application_serial')::text as n`;
  return `SQ${businessDate(at).replaceAll('-', '')}${row!.n.padStart(6, '0')}`;
}

/** The first event of a new application (a draft): who started it and when. */
export async function recordStart(
  tx: Tx,
  applicationId: string,
  actor: { role: Exclude<Role, 'system' | 'officer'>; accountId: string },
  at: Date,
): Promise<void> {
  await tx`
    insert into application_events
      (application_id, version, action, actor_role, actor_account_id, to_state, occurred_at)
    values (${applicationId}, 0, 'start', ${actor.role}, ${actor.accountId}, 'draft', ${at})`;
}

export type ApplicationEvent = {
  version: number;
  action: string;
  actorRole: string;
  fromState: State | null;
  toState: State;
  reason: string | null;
  occurredAt: Date;
};

/** An application's timeline: its events, oldest first. */
export async function eventsOf(db: Db, applicationId: string): Promise<ApplicationEvent[]> {
  return db<ApplicationEvent[]>`
    select version, action, actor_role as "actorRole", from_state as "fromState",
           to_state as "toState", reason, occurred_at as "occurredAt"
    from application_events where application_id = ${applicationId} order by version`;
}
