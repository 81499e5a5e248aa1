import session from 'express-session';
import {
  destroySession,
  readSession,
  touchSession,
  writeSession,
} from '../../lib/identity/index.js';
import type { Clock, Sql } from '../../lib/platform/index.js';

type Callback<T = void> = (err?: unknown, value?: T) => void;

/**
 * express-session store on our postgres.js pool (the queries are lib/identity/sessions.ts).
 * connect-pg-simple would bring the `pg` driver as a second pool with its own settings and its
 * own table creation; this is the little the store contract needs.
 */
export class PgSessionStore extends session.Store {
  constructor(
    private readonly sql: Sql,
    private readonly clock: Clock,
    private readonly idleMs: number,
  ) {
    super();
  }

  // Idle expiry on our clock (express-session's cookie dates are on the system clock).
  private expiresAt(): Date {
    return new Date(this.clock.now().getTime() + this.idleMs);
  }

  override get(sid: string, cb: Callback<session.SessionData | null>): void {
    readSession(this.sql, sid, this.clock.now()).then(
      (sess) => cb(null, sess as session.SessionData | null),
      cb,
    );
  }

  override set(sid: string, sess: session.SessionData, cb?: Callback): void {
    writeSession(this.sql, sid, sess, this.expiresAt()).then(
      () => cb?.(),
      (e: unknown) => cb?.(e),
    );
  }

  override touch(sid: string, _sess: session.SessionData, cb?: Callback): void {
    touchSession(this.sql, sid, this.expiresAt()).then(
      () => cb?.(),
      (e: unknown) => cb?.(e),
    );
  }

  override destroy(sid: string, cb?: Callback): void {
    destroySession(this.sql, sid).then(
      () => cb?.(),
      (e: unknown) => cb?.(e),
    );
  }
}
