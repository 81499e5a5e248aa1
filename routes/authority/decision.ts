import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { DecisionChoice, Review } from '../../lib/authority/index.js';
import { decide, REASON_USE_OF, reasonsOf, reviewOf } from '../../lib/authority/index.js';
import { showWrittenDecision } from './written-decision.js';
import { loadCalendar } from '../../lib/calendar/index.js';
import type { FormErrors } from '../../lib/platform/index.js';
import { formatErrors, inputLimits, noErrors, trimmed } from '../../lib/platform/index.js';
import { renewedValidity, validityFrom } from '../../lib/registrations/index.js';
import { businessDate } from '../../lib/platform/index.js';
import type { Services } from '../../lib/services/index.js';
import { findTransition, postedVersion } from '../../lib/workflow/index.js';
import { onRefusal } from '../middleware/refusals.js';
import { paths } from '../paths.js';

const CHOICES: readonly DecisionChoice[] = ['approve', 'refuse', 'not_accept'];
const choiceNames: Record<DecisionChoice, string> = {
  approve: '准予',
  refuse: '不予准予',
  not_accept: '不予受理',
};

export const decisionForm = z.object({
  choice: z.enum(CHOICES, { error: '请选择决定' }),
  reasons: z
    .preprocess(
      (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? (v as unknown[]) : [v]),
      z.array(z.string()),
    )
    .default([]),
  note: z.string().trim().max(500, '补充说明最多500个字').default(''),
  version: z.string().default(''),
  confirmed: z.string().optional(),
  edit: z.string().optional(),
});

const LIMITS = inputLimits(decisionForm);

/** The choices the table allows for this application now. */
function choicesFor(review: Review): DecisionChoice[] {
  const a = review.application;
  return CHOICES.filter((c) => findTransition(a.kind, a.state, c, 'officer', review.accepted));
}

/** What the decision will do, said on the confirmation step before the officer confirms. */
function effectsOf(review: Review, choice: DecisionChoice, today: string): string[] {
  const a = review.application;
  if (choice !== 'approve') {
    return [
      '申请办结，不产生注册或变更。',
      '理由和决定书将送达申请人和聘用企业，决定书载明行政复议和行政诉讼的途径和期限。',
    ];
  }
  switch (a.kind) {
    case 'initial':
      return [
        `生成新的注册编号，有效期自${today}至${a.profession ? validityFrom(today, a.profession) : ''}。`,
        '注册在公告后生效并可查询；公告前申请显示为“准予注册，待公告”。',
      ];
    case 'additional':
      return ['增项专业在公告后加入注册，有效期不变。'];
    case 'renewal':
      return review.registration && a.profession
        ? [
            `注册有效期自原有效期届满次日起延续至${renewedValidity(review.registration.validUntil, a.profession).until}，立即生效，申请办结。`,
          ]
        : ['注册有效期延续，立即生效，申请办结。'];
    case 'personal_change':
      return ['申请人的个人信息按申请内容变更，立即生效，申请办结。'];
    case 'out_of_province_qualification':
      return ['省外资格信息录入生效，申请人可以据此申请该专业的注册。'];
    default:
      return ['企业名称变更生效，该企业的全部注册显示新名称。'];
  }
}

/**
 * The decision (决定): approve, refuse or not accept, with reasons from the catalogue and a note;
 * a confirmation step lists what will be decided before anything is written. Another officer who
 * decided first is a conflict shown on this page.
 */
export function decisionPages(router: Router, services: Services): void {
  const { sql, clock, config } = services;

  const load = async (req: Request) =>
    reviewOf(sql, await loadCalendar(sql), config.rules, String(req.params.id), clock.now());

  const renderForm = async (
    req: Request,
    res: Response,
    values: Record<string, unknown>,
    errors: FormErrors,
  ) => {
    const review = await load(req);
    const choices = choicesFor(review);
    res.render('pages/authority/decision', {
      title: '作出决定',
      a: review.application,
      choices: choices.map((c) => ({ value: c, label: choiceNames[c] })),
      refusalReasons: choices.includes('refuse')
        ? await reasonsOf(sql, { use: 'refusal', activeOnly: true })
        : [],
      notAcceptedReasons: choices.includes('not_accept')
        ? await reasonsOf(sql, { use: 'not_accepted', activeOnly: true })
        : [],
      values,
      errors,
      limits: LIMITS,
    });
  };

  router.get(paths.authority.decision.pattern, async (req, res) => {
    const choice = typeof req.query.choice === 'string' ? req.query.choice : '';
    const reason = typeof req.query.reason === 'string' ? req.query.reason : '';
    await renderForm(req, res, { choice, reasons: reason ? [reason] : [] }, noErrors);
  });

  router.post(paths.authority.decision.pattern, async (req, res) => {
    const values = trimmed(req.body);
    const parsed = decisionForm.safeParse(values);
    if (!parsed.success) {
      return renderForm(req, res.status(422), values, formatErrors(parsed.error));
    }
    const form = parsed.data;
    const review = await load(req);
    const a = review.application;
    if (!choicesFor(review).includes(form.choice)) {
      return renderForm(req, res.status(409), values, {
        summary: [{ href: '#main', text: '这项申请当前不能作出这一决定，请刷新页面查看。' }],
        fields: {},
      });
    }
    const use = REASON_USE_OF[form.choice];
    const catalogue = use ? await reasonsOf(sql, { use, activeOnly: true }) : [];
    const reasons = catalogue.filter((r) => form.reasons.includes(r.code));
    if (use && reasons.length === 0) {
      const field = use === 'refusal' ? 'reasons' : 'notAcceptedReasons';
      return renderForm(req, res.status(422), values, {
        summary: [{ href: `#${field}`, text: `${choiceNames[form.choice]}须选择至少一项理由` }],
        fields: { [field]: `${choiceNames[form.choice]}须选择至少一项理由` },
      });
    }
    if (form.edit === 'yes') return renderForm(req, res, values, noErrors);
    if (form.confirmed !== 'yes') {
      // The confirmation step: nothing is written yet.
      return res.render('pages/authority/decision-confirm', {
        title: '确认决定',
        a,
        choice: form.choice,
        choiceName: choiceNames[form.choice],
        reasons,
        note: form.note,
        version: form.version,
        effects: effectsOf(review, form.choice, businessDate(clock.now())),
      });
    }
    // Refused or overtaken: the form again, with the application as it now stands (its version).
    onRefusal(
      req,
      res,
      (problems) =>
        renderForm(
          req,
          res,
          { ...values, version: '' },
          {
            summary: problems.map((p) => ({ href: '#main', text: p.message })),
            fields: {},
          },
        ),
      { conflicts: true },
    );
    await decide(services, {
      applicationId: a.id,
      officerAccountId: req.user!.id,
      choice: form.choice,
      reasonCodes: reasons.map((r) => r.code),
      note: form.note,
      expectedVersion: postedVersion(form.version),
    });
    res.redirect(303, `${paths.authority.application(a.id)}?done=decided`);
  });

  router.get(paths.authority.decisionDocument.pattern, async (req, res) => {
    const { application } = await load(req);
    await showWrittenDecision(
      res,
      sql,
      application.id,
      paths.authority.application(application.id),
    );
  });
}
