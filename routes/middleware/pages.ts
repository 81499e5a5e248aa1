import type { RequestHandler } from 'express';
import { Router } from 'express';
import type { Services } from '../../lib/services/index.js';
import { csrfToken } from './csrf.js';
import type { Authenticator } from './passport.js';
import { SESSION_COOKIE, sessions } from './session.js';

/** What every page's view reads, and the headers every page gets. */
export const pageLocals: RequestHandler = (req, res, next) => {
  // Pages carry personal data: never kept by the browser or a proxy (Back after logout too).
  res.set('Cache-Control', 'no-store');
  res.locals.user = req.user;
  res.locals.currentPath = req.path;
  res.vary('HX-Request');
  next();
};

/**
 * The middleware of pages: the session (read from PostgreSQL), the signed-in account (Passport),
 * the CSRF token for the page's forms, the page locals. `withSession` is for every page that has
 * forms or belongs to an account; `ifSession` is for public pages, which run it only for a visitor
 * who already has a session cookie (to say who is signed in): a visitor without one gets no
 * session object, no store round trip and no Passport.
 */
export function pageMiddleware(services: Services, authenticator: Authenticator) {
  const withSession = Router();
  withSession.use(
    sessions(services),
    authenticator.initialize() as RequestHandler,
    authenticator.session() as RequestHandler,
    csrfToken,
    pageLocals,
  );
  const cookieName = `${SESSION_COOKIE}=`;
  const ifSession: RequestHandler = (req, res, next) => {
    if (req.headers.cookie?.includes(cookieName)) return withSession(req, res, next);
    pageLocals(req, res, next);
  };
  return { withSession: withSession as RequestHandler, ifSession };
}
