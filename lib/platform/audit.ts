import type { Db } from './db.js';
import type { JSONValue } from 'postgres';

export type AuditEvent = {
  at: Date;
  actorAccountId: string | null;
  action: string;
  subjectType?: string;
  subjectId?: string;
  detail?: Record<string, JSONValue>;
};

/** Appends an audit row; call it with the transaction that makes the change it records. */
export async function recordAudit(tx: Db, event: AuditEvent): Promise<void> {
  await tx`
    insert into audit_events (occurred_at, actor_account_id, action, subject_type, subject_id, detail)
    values (${event.at}, ${event.actorAccountId}, ${event.action}, ${event.subjectType ?? null},
            ${event.subjectId ?? null}, ${tx.json(event.detail ?? {})})`;
}
