import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import type { AccountKind, SessionUser } from '../../lib/identity/index.js';
import {
  ACCOUNT_KINDS,
  creditCodeField,
  idNumberField,
  recordSignIn,
  requiredText,
} from '../../lib/identity/index.js';
import type { FormErrors } from '../../lib/platform/index.js';
import {
  fieldErrors,
  formatErrors,
  inputLimits,
  noErrors,
  recordAudit,
  trimmed,
} from '../../lib/platform/index.js';
import type { Services } from '../../lib/services/index.js';
import { asError, settle } from '../callbacks.js';
import type { Authenticator, LoginFailure } from '../middleware/passport.js';
import { homeOf, paths } from '../paths.js';

/** The longest password accepted (longer is refused before it is hashed). */
export const PASSWORD_MAX = 200;
const password = z
  .string({ error: '请输入密码' })
  .min(1, '请输入密码')
  .max(PASSWORD_MAX, `密码过长，最多${PASSWORD_MAX}个字符`);

/** The login form of each kind of account; the login id is normalised and checked. */
export function loginSchema(kind: AccountKind, today: Date) {
  const loginId = {
    person: idNumberField(today),
    enterprise: creditCodeField(),
    staff: requiredText('请输入用户名', 50),
  }[kind];
  return z.object({ loginId, password });
}

/** What each login page says, by kind. */
const loginTexts: Record<
  AccountKind,
  { title: string; loginIdLabel: string; loginIdHint: string; wrongCredentials: string }
> = {
  person: {
    title: '个人登录',
    loginIdLabel: '居民身份证号码',
    loginIdHint: '18位，最后一位可能是字母X',
    wrongCredentials: '居民身份证号码或密码不正确',
  },
  enterprise: {
    title: '企业法人登录',
    loginIdLabel: '统一社会信用代码',
    loginIdHint: '18位，见营业执照',
    wrongCredentials: '统一社会信用代码或密码不正确',
  },
  staff: {
    title: '主管部门工作人员登录',
    loginIdLabel: '用户名',
    loginIdHint: '',
    wrongCredentials: '用户名或密码不正确',
  },
};

const TOO_MANY_FAILURES = (minutes: number) =>
  `登录失败次数过多，为保护账户安全，请${minutes}分钟后再试。`;

/** The three login pages (one per kind of account), through Passport's strategy of that kind. */
export function loginPages(router: Router, services: Services, authenticator: Authenticator): void {
  const { sql, clock, loginThrottle, config } = services;

  const renderLogin = (
    res: Response,
    kind: AccountKind,
    values: Record<string, unknown>,
    errors: FormErrors,
  ) => {
    res.render('pages/login', {
      ...loginTexts[kind],
      kind,
      action: paths.login[kind],
      values: { loginId: values.loginId ?? '' }, // the password is never sent back
      errors,
      limits: inputLimits(loginSchema(kind, new Date())),
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
        const message = loginTexts[kind].wrongCredentials;
        return renderLogin(res.status(401), kind, values, fieldErrors({ loginId: message }));
      }

      const returnTo = req.session.returnTo;
      await settle((done) => req.logIn(user, done)); // regenerates the session id
      await loginThrottle.recordSuccess(kind, loginId);
      await recordSignIn(sql, user.id, clock.now());
      // A one-time password from an admin: the user's own first, then the page they came for.
      if (user.mustChangePassword) return res.redirect(303, paths.newPassword);
      const home = homeOf[kind];
      res.redirect(303, returnTo?.startsWith(home) ? returnTo : home);
    });
  }
}
