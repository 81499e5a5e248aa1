import { UNREADABLE_QR_NOTE } from '../../lib/enterprise/index.js';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import {
  acceptApplication,
  assignApplication,
  claimApplication,
  officersOf,
  reviewOf,
} from '../../lib/authority/index.js';
import { loadCalendar } from '../../lib/calendar/index.js';
import {
  acceptSuppliedItem,
  askAgain,
  isOverdue,
  withdrawItem,
} from '../../lib/corrections/index.js';
import type { FormErrors } from '../../lib/platform/index.js';
import {
  businessDate,
  fieldErrors,
  formatErrors,
  inputLimits,
  noErrors,
  trimmed,
} from '../../lib/platform/index.js';
import type { Services } from '../../lib/services/index.js';
import type { Action } from '../../lib/workflow/index.js';
import {
  AUTHORITY_STATES,
  findTransition,
  kindNames,
  postedVersion,
} from '../../lib/workflow/index.js';
import { professions } from '../../lib/reference/index.js';
import { requireAdmin } from '../middleware/auth.js';
import { onRefusal } from '../middleware/refusals.js';
import { paths } from '../paths.js';

/** The officer's note on an item: why it is asked again, or why it is withdrawn. */
const itemNote = (missing: string) =>
  z.string({ error: missing }).trim().min(1, missing).max(500, '原因最多500个字');

/** The officer's review of one supplied (or open) correction item. */
const itemReviewForm = z.discriminatedUnion('verdict', [
  z.object({ verdict: z.literal('accept') }),
  z.object({ verdict: z.literal('again'), note: itemNote('请说明需要重新补正的原因') }),
  z.object({ verdict: z.literal('withdraw'), note: itemNote('请说明撤回的原因') }),
]);
const NOTE_LIMIT = inputLimits(z.object({ note: itemNote('') })).note;

/** What happened, said once on the page it leads back to. */
const DONE = {
  claimed: '已认领，这项申请由您承办。',
  assigned: '已分配承办人。',
  accepted: '已受理，法定办理期限自下一个工作日起计算。申请人和聘用企业已收到通知。',
  corrections: '已发出材料补正通知，申请人和聘用企业将在其页面看到补正事项和补正期限。',
  reviewed: '已记录对补正材料的审核意见。',
  decided: '决定已作出，决定书已送达申请人和聘用企业的页面。',
} as const;

/**
 * The review page (/authority/applications/:id): everything needed to decide, the checks beside
 * the facts, and the acts that do not need a form of their own (claim, assign, accept, the review
 * of supplied items). Corrections and decisions have their own pages (corrections.ts, decision.ts).
 */
export function reviewPages(router: Router, services: Services): void {
  const { sql, clock, config } = services;

  const render = async (req: Request, res: Response, errors: FormErrors, values: object = {}) => {
    const now = clock.now();
    const review = await reviewOf(
      sql,
      await loadCalendar(sql),
      config.rules,
      String(req.params.id),
      now,
    );
    const a = review.application;
    const today = businessDate(now);
    const withAuthority = AUTHORITY_STATES.includes(a.state);
    const allows = (action: Action) =>
      Boolean(findTransition(a.kind, a.state, action, 'officer', review.accepted));
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    res.render('pages/authority/review', {
      unreadableQrNote: UNREADABLE_QR_NOTE,
      title: `${a.personName ?? a.enterpriseName ?? ''}的${a.profession ? professions[a.profession].name : ''}${kindNames[a.kind]}申请`,
      review,
      a,
      today,
      done: done in DONE ? DONE[done as keyof typeof DONE] : null,
      officers: req.user!.staffRole === 'admin' ? await officersOf(sql) : [],
      // What the officer may do now: the table says, as the engine will.
      withAuthority,
      may: {
        claim: withAuthority && !a.assignedOfficerId,
        accept: allows('accept'),
        correct: allows('request_correction'),
        refuse: allows('refuse'),
        decide: allows('approve') || allows('refuse') || allows('not_accept'),
      },
      overdue: (request: { replyBy: string; open: number }) => isOverdue(request, today),
      errors,
      values,
      noteLimit: NOTE_LIMIT,
    });
  };

  const back = (res: Response, id: string, done: keyof typeof DONE, hash = '') =>
    res.redirect(303, `${paths.authority.application(id)}?done=${done}${hash}`);

  router.get(paths.authority.application.pattern, (req, res) => render(req, res, noErrors));

  router.post(paths.authority.claim.pattern, async (req, res) => {
    onRefusal(req, res, (problems) => render(req, res, problemsAsErrors(problems)), {
      conflicts: true,
    });
    await claimApplication(sql, {
      applicationId: String(req.params.id),
      officerAccountId: req.user!.id,
      at: clock.now(),
    });
    back(res, String(req.params.id), 'claimed');
  });

  router.post(paths.authority.assign.pattern, requireAdmin, async (req, res) => {
    // Nobody ('' or none), or one officer's id; anything else is refused as unknown.
    const posted = trimmed(req.body).officer;
    const officer = typeof posted === 'string' ? posted : 'unknown';
    onRefusal(req, res, (problems) => render(req, res, problemsAsErrors(problems)), {
      conflicts: true,
    });
    await assignApplication(sql, {
      applicationId: String(req.params.id),
      adminAccountId: req.user!.id,
      officerAccountId: officer === 'none' || officer === '' ? null : officer,
      at: clock.now(),
    });
    back(res, String(req.params.id), 'assigned');
  });

  router.post(paths.authority.accept.pattern, async (req, res) => {
    onRefusal(req, res, (problems) => render(req, res, problemsAsErrors(problems)), {
      conflicts: true,
    });
    await acceptApplication(services, {
      applicationId: String(req.params.id),
      officerAccountId: req.user!.id,
      expectedVersion: postedVersion(trimmed(req.body).version),
    });
    back(res, String(req.params.id), 'accepted');
  });

  router.post(paths.authority.itemReview.pattern, async (req, res) => {
    const values = trimmed(req.body);
    const applicationId = String(req.params.id);
    const itemId = String(req.params.itemId);
    const parsed = itemReviewForm.safeParse(values);
    if (!parsed.success) {
      const errors = formatErrors(parsed.error);
      // The note belongs to this item's form on the page.
      const field = `note-${itemId}`;
      const message = errors.fields.note ?? errors.summary[0]?.text ?? '请选择审核意见';
      return render(req, res.status(422), fieldErrors({ [field]: message }), {
        [field]: values.note,
      });
    }
    onRefusal(req, res, (problems) => render(req, res, problemsAsErrors(problems)), {
      conflicts: true,
    });
    const who = { applicationId, itemId, officerAccountId: req.user!.id };
    if (parsed.data.verdict === 'accept') await acceptSuppliedItem(services, who);
    else if (parsed.data.verdict === 'again') {
      await askAgain(services, { ...who, note: parsed.data.note });
    } else await withdrawItem(services, { ...who, reason: parsed.data.note });
    back(res, applicationId, 'reviewed', '#corrections');
  });
}

/** A refusal (or someone acting first) at the top of the review page. */
function problemsAsErrors(problems: { message: string; field?: string }[]): FormErrors {
  const fields = Object.fromEntries(
    problems.flatMap((p) => (p.field ? [[p.field, p.message]] : [])),
  );
  return {
    summary: problems.map((p) => ({ href: `#${p.field ?? 'actions'}`, text: p.message })),
    fields,
  };
}
