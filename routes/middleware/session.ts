import type { Services } from '../../lib/services/index.js';
import session from 'express-session';
import { PgSessionStore } from './session-store.js';
import type { RequestHandler } from 'express';

export const SESSION_COOKIE = 'jsreg.sid';

/**
 * Sessions in PostgreSQL; the cookie is HttpOnly, SameSite=Lax, Secure in production. The idle
 * time is kept where it is enforced, on the session's row (its expiry, moved by the store as the
 * visitor comes back); the cookie itself lasts as long as the browser, so it is sent only when the
 * session is new or changes, not re-signed on every response.
 */
export function sessions({ config, sql, clock }: Services): RequestHandler {
  const idleMs = config.sessionIdleMinutes * 60_000;
  return session({
    name: SESSION_COOKIE,
    secret: config.sessionSecret,
    store: new PgSessionStore(sql, clock, idleMs),
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: config.production },
  });
}
