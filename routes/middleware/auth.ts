import type { AccountKind } from '../../lib/identity/index.js';
import { ForbiddenError } from '../../lib/platform/index.js';
import { paths } from '../paths.js';
import type { RequestHandler } from 'express';

/**
 * Guards an area of the site for one kind of account. Not signed in: to that kind's login page,
 * coming back here afterwards. Signed in as another kind: 403.
 */
export function requireRole(kind: AccountKind): RequestHandler {
  return (req, res, next) => {
    if (!req.user) {
      if (req.method === 'GET') req.session.returnTo = req.originalUrl;
      res.redirect(303, paths.login[kind]);
      return;
    }
    if (req.user.kind !== kind) throw new ForbiddenError();
    next();
  };
}

/** Within the staff's area: only an admin (DESIGN.md §5a), others get 403. */
export const requireAdmin: RequestHandler = (req, _res, next) => {
  if (req.user?.kind !== 'staff' || req.user.staffRole !== 'admin') throw new ForbiddenError();
  next();
};
