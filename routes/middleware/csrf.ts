import { csrfSync } from 'csrf-sync';
import type { RequestHandler } from 'express';

const { csrfSynchronisedProtection, generateToken } = csrfSync({
  size: 32,
  // Forms send `_csrf` in the body; htmx sends the `x-csrf-token` header set on <body hx-headers>.
  // Multipart forms: their routes (the upload routers in routes/) are mounted before the app-wide check and run
  // it themselves right after the upload parser (uploads.ts here); anywhere else a
  // multipart body is never parsed, so it carries no token and is refused.
  getTokenFromRequest: (req) => {
    const body = req.body as Record<string, unknown> | undefined;
    const fromBody = typeof body?._csrf === 'string' ? body._csrf : undefined;
    return fromBody ?? req.get('x-csrf-token');
  },
});

/** Refuses any state-changing request without the session's token (403). */
export const csrfProtection: RequestHandler = csrfSynchronisedProtection;

/** Makes the token available to views, made only when a view asks for it. */
export const csrfToken: RequestHandler = (req, res, next) => {
  res.locals.csrf = () => generateToken(req);
  next();
};
