import type { Request, Response } from 'express';
import { z } from 'zod';
import { professionChoices, startApplication } from '../../lib/filing/index.js';
import type { FormErrors } from '../../lib/platform/index.js';
import { formatErrors, noErrors, trimmed } from '../../lib/platform/index.js';
import { PROFESSIONS, professions } from '../../lib/reference/index.js';
import type { Pages } from '../area.js';
import { onRefusal, problemErrors } from '../middleware/refusals.js';
import { paths } from '../paths.js';

export const KIND_CHOICES = [
  {
    value: 'initial',
    label: '初始注册',
    hint: '首次注册，或注销、不予注册后重新注册，或变更执业单位',
  },
  {
    value: 'demonstration_zone',
    label: '长三角示范区注册',
    hint: '仅限二级注册建造师，聘用企业工商注册地须为苏州市吴江区',
  },
  { value: 'additional', label: '增项注册', hint: '在已有注册上增加注册专业' },
  { value: 'renewal', label: '延续注册', hint: '注册有效期满前90日至30日之间申请' },
  { value: 'cancellation', label: '注销注册', hint: '变更执业单位或到外省注册前须先注销' },
  { value: 'personal_change', label: '个人自然情况变更', hint: '学历等个人信息发生变化' },
] as const;
export type KindChoice = (typeof KIND_CHOICES)[number]['value'];

const kindChoice = z.enum(KIND_CHOICES.map((k) => k.value) as [KindChoice, ...KindChoice[]], {
  error: '请选择申请事项',
});

const kindForm = z.object({ kind: kindChoice });

const professionForm = z
  .object({
    kind: kindChoice,
    profession: z.enum(PROFESSIONS, { error: '请选择注册类别' }),
  })
  .refine((v) => v.kind !== 'demonstration_zone' || v.profession === 'constructor', {
    path: ['profession'],
    message: '长三角示范区注册仅限二级注册建造师',
  });

/** Apply (注册申报): the kind, then the profession; the application's own steps follow. */
export const applyPages: Pages = ({ pages }, services) => {
  const renderKind = (res: Response, values: object, errors: FormErrors) => {
    res.render('pages/me/apply-kind', {
      title: '注册申报：选择申请事项',
      choices: KIND_CHOICES,
      values,
      errors,
    });
  };
  pages.get(paths.me.apply, (_req, res) => renderKind(res, {}, noErrors));
  pages.post(paths.me.apply, (req, res) => {
    const values = trimmed(req.body);
    const parsed = kindForm.safeParse(values);
    if (!parsed.success) return renderKind(res.status(422), values, formatErrors(parsed.error));
    res.redirect(303, `${paths.me.applyProfession}?kind=${parsed.data.kind}`);
  });

  const renderProfession = async (
    req: Request,
    res: Response,
    kind: unknown,
    values: object,
    errors: FormErrors,
  ) => {
    const choice = KIND_CHOICES.find((k) => k.value === kind);
    if (!choice) return res.redirect(303, paths.me.apply);
    // Only the professions the person may apply in (rules 13 and 14); the others say why not.
    const { offered, missing } = await professionChoices(services.sql, req.user!.id, {
      demonstrationZone: kind === 'demonstration_zone',
    });
    res.render('pages/me/apply-profession', {
      title: '注册申报：选择注册类别',
      kind: choice,
      options: offered.map((p) => ({ value: p, label: professions[p].name })),
      missing,
      values,
      errors,
    });
  };
  // ?profession= preselects one (a renewal reminder's link names the registration's).
  pages.get(paths.me.applyProfession, (req, res) =>
    renderProfession(
      req,
      res,
      req.query.kind,
      { profession: typeof req.query.profession === 'string' ? req.query.profession : undefined },
      noErrors,
    ),
  );
  pages.post(paths.me.applyProfession, async (req, res) => {
    const values = trimmed(req.body);
    const parsed = professionForm.safeParse(values);
    if (!parsed.success) {
      return renderProfession(
        req,
        res.status(422),
        values.kind,
        values,
        formatErrors(parsed.error),
      );
    }
    const { kind, profession } = parsed.data;
    // An application already open in the same place: this page again, leading to it.
    onRefusal(
      req,
      res,
      (problems) =>
        renderProfession(
          req,
          res,
          values.kind,
          values,
          problemErrors(problems, { at: '#profession' }),
        ),
      { conflicts: true },
    );
    const app = await startApplication(services, req.user!.id, {
      kind: kind === 'demonstration_zone' ? 'initial' : kind,
      profession,
      demonstrationZone: kind === 'demonstration_zone',
    });
    res.redirect(303, paths.me.step(app.id, 'eligibility'));
  });
};
