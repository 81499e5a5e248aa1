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
 * A session's idle expiry is moved forward at most this often: express-session touches the
 * session on every request it does not save, and writing the row each time would be one more
 * query per page for an expiry that moves by seconds. The expiry is then right to within a minute.
 */
const TOUCH_EVERY_MS = 60_000;
/** How many sessions' last write this process remembers (the oldest are forgotten first). */
const REMEMBERED = 10_000;

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

  /** When this process last wrote each session's expiry (only a saving: any instance may write). */
  private readonly written = new Map<string, number>();

  private remember(sid: string): void {
    this.written.delete(sid);
    this.written.set(sid, this.clock.now().getTime());
    if (this.written.size > REMEMBERED) {
      this.written.delete(this.written.keys().next().value!);
    }
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
      () => {
        this.remember(sid);
        cb?.();
      },
      (e: unknown) => cb?.(e),
    );
  }

  override touch(sid: string, _sess: session.SessionData, cb?: Callback): void {
    const last = this.written.get(sid);
    if (last !== undefined && this.clock.now().getTime() - last < TOUCH_EVERY_MS) {
      cb?.();
      return;
    }
    touchSession(this.sql, sid, this.expiresAt()).then(
      () => {
        this.remember(sid);
        cb?.();
      },
      (e: unknown) => cb?.(e),
    );
  }

  override destroy(sid: string, cb?: Callback): void {
    this.written.delete(sid);
    destroySession(this.sql, sid).then(
      () => cb?.(),
      (e: unknown) => cb?.(e),
    );
  }
}
