import type { Sql } from './db.js';

/** What the workflow told an account (lib/workflow.ts notifyParties), shown on its home page. */
export type Notification = { id: string; message: string; createdAt: Date; read: boolean };

/** The account's latest notifications, newest first. */
export async function notificationsOf(
  sql: Sql,
  accountId: string,
  limit = 10,
): Promise<Notification[]> {
  return sql<Notification[]>`
    select id, message, created_at as "createdAt", read_at is not null as read
    from notifications where account_id = ${accountId}
    order by created_at desc, id limit ${limit}`;
}
