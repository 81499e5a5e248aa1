import { Router } from 'express';
import type { AccountKind, SessionUser } from '../../lib/identity/index.js';
import { ACCOUNT_KINDS } from '../../lib/identity/index.js';
import {
  fieldErrors,
  formatErrors,
  noErrors,
  recordAudit,
  trimmed,
} from '../../lib/platform/index.js';
import { asError, settle } from '../callbacks.js';
import type { Authenticator, LoginFailure } from '../middleware/passport.js';
import type { FormErrors } from '../../lib/platform/index.js';
import { loginPages, loginSchema, TOO_MANY_FAILURES } from './login-form.js';
import { SESSION_COOKIE } from '../middleware/session.js';
import { homeOf, paths } from '../paths.js';
import type { Services } from '../../lib/services/index.js';
import type { Request, RequestHandler, Response } from 'express';

export function authRoutes(services: Services, authenticator: Authenticator): Router {
  const { sql, clock, loginThrottle, config } = services;
  const router = Router();

  const renderLogin = (
    res: Response,
    kind: AccountKind,
    values: Record<string, unknown>,
    errors: FormErrors,
  ) => {
    res.render('pages/login', {
      ...loginPages[kind],
      kind,
      action: paths.login[kind],
      values: { loginId: values.loginId ?? '' }, // the password is never sent back
      errors,
    });
  };

  /** Passport's authenticate as a promise: the user, or the failure info of the strategy. */
  const authenticate = (kind: AccountKind, req: Request, res: Response) =>
    new Promise<{ user: SessionUser | false; failure?: LoginFailure }>((resolve, reject) => {
      const handler = authenticator.authenticate(
        kind,
        (err: unknown, user: SessionUser | false, failure?: LoginFailure) =>
          err ? reject(asError(err)) : resolve({ user, failure }),
      ) as RequestHandler;
      void handler(req, res, () => {});
    });

  for (const kind of ACCOUNT_KINDS) {
    router.get(paths.login[kind], (req, res) => {
      if (req.user?.kind === kind) return res.redirect(303, homeOf[kind]);
      renderLogin(res, kind, {}, noErrors);
    });

    router.post(paths.login[kind], async (req, res) => {
      const values = trimmed(req.body);
      const parsed = loginSchema(kind, clock.now()).safeParse(values);
      if (!parsed.success) {
        return renderLogin(res.status(422), kind, values, formatErrors(parsed.error));
      }
      const { loginId } = parsed.data;
      const address = req.ip ?? 'unknown';
      if (!(await loginThrottle.allowed(kind, loginId, address))) {
        const message = TOO_MANY_FAILURES(config.loginThrottle.windowMinutes);
        return renderLogin(res.status(429), kind, values, fieldErrors({ loginId: message }));
      }

      req.body = { ...values, loginId };
      const { user, failure } = await authenticate(kind, req, res);
      if (!user) {
        await loginThrottle.recordFailure(kind, loginId, address);
        if (failure?.accountId) {
          await recordAudit(sql, {
            at: clock.now(),
            actorAccountId: failure.accountId,
            action: 'login_failed',
            subjectType: 'account',
            subjectId: failure.accountId,
          });
        }
        const message = loginPages[kind].wrongCredentials;
        return renderLogin(res.status(401), kind, values, fieldErrors({ loginId: message }));
      }

      const returnTo = req.session.returnTo;
      await settle((done) => req.logIn(user, done)); // regenerates the session id
      await loginThrottle.recordSuccess(kind, loginId);
      await recordAudit(sql, {
        at: clock.now(),
        actorAccountId: user.id,
        action: 'login',
        subjectType: 'account',
        subjectId: user.id,
      });
      const home = homeOf[kind];
      res.redirect(303, returnTo?.startsWith(home) ? returnTo : home);
    });
  }

  router.post(paths.logout, async (req, res) => {
    const user = req.user;
    await settle((done) => req.logout(done));
    await settle((done) => req.session.destroy(done));
    if (user) {
      await recordAudit(sql, {
        at: clock.now(),
        actorAccountId: user.id,
        action: 'logout',
        subjectType: 'account',
        subjectId: user.id,
      });
    }
    res.clearCookie(SESSION_COOKIE);
    res.redirect(303, paths.home);
  });

  return router;
}
