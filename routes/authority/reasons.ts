import type { Request, Response, Router } from 'express';
import {
  addReason,
  newReasonForm,
  reasonEditForm,
  reasonsOf,
  reasonUseNames,
  saveReason,
} from '../../lib/authority/index.js';
import type { FormErrors } from '../../lib/platform/index.js';
import {
  formatErrors,
  inputLimits,
  noErrors,
  NotFoundError,
  trimmed,
} from '../../lib/platform/index.js';
import type { Services } from '../../lib/services/index.js';
import { requireAdmin } from '../middleware/auth.js';
import { paths } from '../paths.js';

const LIMITS = inputLimits(reasonEditForm);

/**
 * The reason catalogue: every officer reads it; an admin edits a reason's standard wording, its
 * order, and whether officers are offered it.
 */
export function reasonPages(router: Router, { sql, clock }: Services): void {
  const renderList = async (req: Request, res: Response, values: object, errors: FormErrors) => {
    res.render('pages/authority/reasons', {
      title: '理由目录',
      reasons: await reasonsOf(sql),
      useNames: reasonUseNames,
      saved: typeof req.query.saved === 'string' ? req.query.saved : undefined,
      values,
      errors,
      limits: LIMITS,
    });
  };

  router.get(paths.authority.reasons, (req, res) =>
    renderList(req, res, { position: '100', active: 'yes' }, noErrors),
  );

  // An admin adds a reason; the list comes back with it, or with the errors beside the fields.
  router.post(paths.authority.reasons, requireAdmin, async (req, res) => {
    const values = trimmed(req.body);
    const parsed = newReasonForm.safeParse(values);
    if (!parsed.success) {
      return renderList(req, res.status(422), values, formatErrors(parsed.error));
    }
    const code = await addReason(sql, {
      reason: parsed.data,
      adminAccountId: req.user!.id,
      at: clock.now(),
    });
    res.redirect(303, `${paths.authority.reasons}?saved=${encodeURIComponent(code)}`);
  });

  const renderEdit = async (req: Request, res: Response, values: object, errors: FormErrors) => {
    const reason = (await reasonsOf(sql)).find((r) => r.code === req.params.code);
    if (!reason) throw new NotFoundError();
    res.render('pages/authority/reason', {
      title: `修改理由：${reason.title}`,
      reason,
      useNames: reasonUseNames,
      values,
      errors,
      limits: LIMITS,
    });
  };

  router.get(paths.authority.reason.pattern, requireAdmin, async (req, res) => {
    const reason = (await reasonsOf(sql)).find((r) => r.code === req.params.code);
    if (!reason) throw new NotFoundError();
    await renderEdit(
      req,
      res,
      {
        title: reason.title,
        wording: reason.wording,
        position: String(reason.position),
        active: reason.active ? 'yes' : '',
      },
      noErrors,
    );
  });

  router.post(paths.authority.reason.pattern, requireAdmin, async (req, res) => {
    const values = trimmed(req.body);
    const parsed = reasonEditForm.safeParse(values);
    if (!parsed.success) {
      return renderEdit(req, res.status(422), values, formatErrors(parsed.error));
    }
    const code = String(req.params.code);
    await saveReason(sql, {
      code,
      edit: parsed.data,
      adminAccountId: req.user!.id,
      at: clock.now(),
    });
    res.redirect(303, `${paths.authority.reasons}?saved=${encodeURIComponent(code)}`);
  });
}
