import session from 'express-session';
import type { Clock } from './clock.js';
import type { Sql } from './db.js';

type Callback<T = void> = (err?: unknown, value?: T) => void;

/**
 * express-session store on our postgres.js pool. connect-pg-simple would bring the `pg` driver as a
 * second pool with its own settings and its own table creation; this is the little the store
 * contract needs, on the `sessions` table our migrations own.
 */
export class PgSessionStore extends session.Store {
  constructor(
    private readonly sql: Sql,
    private readonly clock: Clock,
    private readonly idleMs: number,
  ) {
    super();
  }

  // Idle expiry on our clock (express-session's cookie dates are on the system clock), so tests
  // that move the clock move sessions with it.
  private expiresAt(): Date {
    return new Date(this.clock.now().getTime() + this.idleMs);
  }

  override get(sid: string, cb: Callback<session.SessionData | null>): void {
    this.sql<{ sess: session.SessionData }[]>`
      select sess from sessions where sid = ${sid} and expires_at > ${this.clock.now()}`.then(
      (rows) => cb(null, rows[0]?.sess ?? null),
      cb,
    );
  }

  override set(sid: string, sess: session.SessionData, cb?: Callback): void {
    const json = this.sql.json(JSON.parse(JSON.stringify(sess)) as never);
    this.sql`
      insert into sessions (sid, sess, expires_at) values (${sid}, ${json}, ${this.expiresAt()})
      on conflict (sid) do update set sess = excluded.sess, expires_at = excluded.expires_at`.then(
      () => cb?.(),
      (e: unknown) => cb?.(e),
    );
  }

  override touch(sid: string, _sess: session.SessionData, cb?: Callback): void {
    this.sql`update sessions set expires_at = ${this.expiresAt()} where sid = ${sid}`.then(
      () => cb?.(),
      (e: unknown) => cb?.(e),
    );
  }

  override destroy(sid: string, cb?: Callback): void {
    this.sql`delete from sessions where sid = ${sid}`.then(
      () => cb?.(),
      (e: unknown) => cb?.(e),
    );
  }
}

/** Deletes expired sessions; run by the session-cleanup job. */
export async function deleteExpiredSessions(sql: Sql, now: Date): Promise<number> {
  const result = await sql`delete from sessions where expires_at <= ${now}`;
  return result.count;
}
