import type { Sql } from '../platform/index.js';

/**
 * Sessions in the `sessions` table our migrations own, as plain queries; the express-session
 * store on top of them is routes/middleware/session-store.ts. Expiry is on our clock, so tests
 * that move the clock move sessions with it.
 */

export async function readSession(sql: Sql, sid: string, now: Date): Promise<unknown> {
  const [row] = await sql<{ sess: unknown }[]>`
    select sess from sessions where sid = ${sid} and expires_at > ${now}`;
  return row?.sess ?? null;
}

export async function writeSession(
  sql: Sql,
  sid: string,
  sess: unknown,
  expiresAt: Date,
): Promise<void> {
  const json = sql.json(JSON.parse(JSON.stringify(sess)) as never);
  await sql`
    insert into sessions (sid, sess, expires_at) values (${sid}, ${json}, ${expiresAt})
    on conflict (sid) do update set sess = excluded.sess, expires_at = excluded.expires_at`;
}

export async function touchSession(sql: Sql, sid: string, expiresAt: Date): Promise<void> {
  await sql`update sessions set expires_at = ${expiresAt} where sid = ${sid}`;
}

export async function destroySession(sql: Sql, sid: string): Promise<void> {
  await sql`delete from sessions where sid = ${sid}`;
}

/** Deletes expired sessions; run by the session-cleanup job. */
export async function deleteExpiredSessions(sql: Sql, now: Date): Promise<number> {
  const result = await sql`delete from sessions where expires_at <= ${now}`;
  return result.count;
}
