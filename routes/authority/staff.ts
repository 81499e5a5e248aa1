import type { Request, Response, Router } from 'express';
import type { Problem } from '../../lib/platform/index.js';
import {
  createStaffMember,
  newStaffForm,
  resetStaffPassword,
  setStaffDisabled,
  staffMember,
  staffMembers,
  staffRoleNames,
} from '../../lib/authority/index.js';
import type { FormErrors } from '../../lib/platform/index.js';
import {
  fieldErrors,
  formatErrors,
  inputLimits,
  noErrors,
  trimmed,
} from '../../lib/platform/index.js';
import type { Services } from '../../lib/services/index.js';
import { requireAdmin } from '../middleware/auth.js';
import { onRefusal } from '../middleware/refusals.js';
import { paths } from '../paths.js';

const LIMITS = inputLimits(newStaffForm);

/** What the member page says after an action (?done=…). */
const DONE: Record<string, string> = {
  disabled: '账号已停用：该工作人员不能再登录，已登录的会话已结束。',
  enabled: '账号已启用：该工作人员可以用原密码登录。',
};

/**
 * Staff accounts (admin only): the list with each one's role, state and last sign-in; a new
 * officer or admin; one member's page, where an admin disables or enables the account or resets
 * its password. A one-time password is shown once, on the page that answers the post, never in an
 * address or a later page.
 */
export function staffPages(router: Router, { sql, clock }: Services): void {
  router.get(paths.authority.staff, requireAdmin, async (_req, res) => {
    res.render('pages/authority/staff', {
      title: '工作人员账号',
      members: await staffMembers(sql),
      roleNames: staffRoleNames,
    });
  });

  const renderNew = (res: Response, values: object, errors: FormErrors) =>
    res.render('pages/authority/staff-new', {
      title: '新建工作人员账号',
      values,
      errors,
      limits: LIMITS,
      roleOptions: Object.entries(staffRoleNames).map(([value, label]) => ({
        value,
        label:
          value === 'admin'
            ? `${label}（还可管理账号、工作日历、定时任务）`
            : `${label}（审核、作出决定）`,
      })),
    });

  router.get(paths.authority.staffNew, requireAdmin, (_req, res) => {
    renderNew(res, { role: 'officer' }, noErrors);
  });

  router.post(paths.authority.staffNew, requireAdmin, async (req, res) => {
    const values = trimmed(req.body);
    const parsed = newStaffForm.safeParse(values);
    if (!parsed.success) return renderNew(res.status(422), values, formatErrors(parsed.error));
    const created = await createStaffMember(sql, parsed.data, req.user!.id, clock.now());
    if ('problems' in created)
      return renderNew(res.status(422), values, fieldErrors(created.problems));
    showPassword(res, await staffMember(sql, created.accountId), created.password, 'created');
  });

  const renderMember = async (req: Request, res: Response, problems: readonly Problem[] = []) => {
    const member = await staffMember(sql, String(req.params.id));
    const done = typeof req.query.done === 'string' ? DONE[req.query.done] : undefined;
    res.render('pages/authority/staff-member', {
      title: `工作人员：${member.name}`,
      member,
      roleNames: staffRoleNames,
      self: member.accountId === req.user!.id,
      done,
      errors: {
        fields: {},
        summary: problems.map((p) => ({ href: '#account-actions', text: p.message })),
      },
    });
  };

  router.get(paths.authority.staffMember.pattern, requireAdmin, (req, res) =>
    renderMember(req, res),
  );

  router.post(paths.authority.staffMember.pattern, requireAdmin, async (req, res) => {
    const accountId = String(req.params.id);
    const { action } = req.body as { action?: unknown };
    onRefusal(req, res, (problems) => renderMember(req, res, problems));
    if (action === 'disable' || action === 'enable') {
      await setStaffDisabled(sql, {
        accountId,
        disabled: action === 'disable',
        adminAccountId: req.user!.id,
        at: clock.now(),
      });
      return res.redirect(303, `${paths.authority.staffMember(accountId)}?done=${action}d`);
    }
    if (action === 'reset') {
      const password = await resetStaffPassword(sql, {
        accountId,
        adminAccountId: req.user!.id,
        at: clock.now(),
      });
      return showPassword(res, await staffMember(sql, accountId), password, 'reset');
    }
    await renderMember(req, res.status(422), [
      { code: 'unknown_action', message: '请选择要进行的操作。' },
    ]);
  });
}

/** The one-time password, once, not cached: for the admin to hand over in person. */
function showPassword(
  res: Response,
  member: Awaited<ReturnType<typeof staffMember>>,
  password: string,
  why: 'created' | 'reset',
): void {
  res.set('Cache-Control', 'no-store');
  res.render('pages/authority/staff-password', {
    title: why === 'created' ? '账号已创建' : '密码已重置',
    member,
    password,
    why,
    roleNames: staffRoleNames,
  });
}
