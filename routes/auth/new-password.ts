import type { RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { chooseOwnPassword, PASSWORD_RULES } from '../../lib/identity/index.js';
import type { FormErrors } from '../../lib/platform/index.js';
import { fieldErrors, formatErrors, inputLimits, noErrors } from '../../lib/platform/index.js';
import type { Services } from '../../lib/services/index.js';
import { homeOf, paths } from '../paths.js';
import { PASSWORD_MAX } from './login.js';

const newPasswordForm = z.object({
  password: z
    .string({ error: '请输入新密码' })
    .min(1, '请输入新密码')
    .max(PASSWORD_MAX, `密码过长，最多${PASSWORD_MAX}个字符`),
  confirm: z
    .string({ error: '请再次输入新密码' })
    .min(1, '请再次输入新密码')
    .max(PASSWORD_MAX, `密码过长，最多${PASSWORD_MAX}个字符`),
});
const LIMITS = inputLimits(newPasswordForm);

/**
 * Until a user who signed in with a one-time password has chosen their own, every page but this
 * one and logging out leads here (GET) or is refused (anything else goes nowhere).
 */
export const requireOwnPassword: RequestHandler = (req, res, next) => {
  if (!req.user?.mustChangePassword) return next();
  if (req.path === paths.newPassword || req.path === paths.logout) return next();
  res.redirect(303, paths.newPassword);
};

/** The page where such a user sets their own password (at least 10 characters, letters and digits). */
export function newPasswordPage(router: Router, { sql, clock }: Services): void {
  const render = (res: Response, errors: FormErrors) =>
    res.render('pages/new-password', {
      title: '设置您的密码',
      rules: PASSWORD_RULES,
      limits: LIMITS,
      errors,
    });

  router.get(paths.newPassword, (req, res) => {
    if (!req.user) return res.redirect(303, paths.home);
    if (!req.user.mustChangePassword) return res.redirect(303, homeOf[req.user.kind]);
    render(res, noErrors);
  });

  router.post(paths.newPassword, async (req, res) => {
    const user = req.user;
    if (!user) return res.redirect(303, paths.home);
    if (!user.mustChangePassword) return res.redirect(303, homeOf[user.kind]);
    // Passwords are taken as typed: no trimming, nothing echoed back.
    const parsed = newPasswordForm.safeParse(req.body);
    if (!parsed.success) return render(res.status(422), formatErrors(parsed.error));
    const { password, confirm } = parsed.data;
    if (confirm !== password) {
      return render(
        res.status(422),
        fieldErrors({ confirm: '两次输入的密码不一致，请重新输入。' }),
      );
    }
    const chosen = await chooseOwnPassword(sql, user.id, password, clock.now());
    if ('problem' in chosen)
      return render(res.status(422), fieldErrors({ password: chosen.problem }));
    res.redirect(303, homeOf[user.kind]);
  });
}
