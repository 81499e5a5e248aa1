import type { Services } from '../../lib/services/index.js';
import session from 'express-session';
import { PgSessionStore } from './session-store.js';
import type { RequestHandler } from 'express';

export const SESSION_COOKIE = 'jsreg.sid';

/** Sessions in PostgreSQL; the cookie is HttpOnly, SameSite=Lax, Secure in production. */
export function sessions({ config, sql, clock }: Services): RequestHandler {
  const idleMs = config.sessionIdleMinutes * 60_000;
  return session({
    name: SESSION_COOKIE,
    secret: config.sessionSecret,
    store: new PgSessionStore(sql, clock, idleMs),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: config.production, maxAge: idleMs },
  });
}
