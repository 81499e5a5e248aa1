import type { Request, Response, Router } from 'express';
import type { ReviewReason } from '../../lib/authority/index.js';
import { officerApplicationOf, reasonsOf } from '../../lib/authority/index.js';
import type { NewItem } from '../../lib/corrections/index.js';
import { requestCorrections } from '../../lib/corrections/index.js';
import type { FormErrors } from '../../lib/platform/index.js';
import { fieldErrors, inputLimits, noErrors, trimmed } from '../../lib/platform/index.js';
import { z } from 'zod';
import type { Services } from '../../lib/services/index.js';
import { postedVersion } from '../../lib/workflow/index.js';
import { onRefusal } from '../middleware/refusals.js';
import { paths } from '../paths.js';

/** Rows of the form: everything needed is asked at once (一次性告知); empty rows are left out. */
export const CORRECTION_ROWS = 5;
/** One row's note, appended to the reason's standard wording. */
export const correctionRowForm = z.object({
  note: z.string().max(300, '补充说明最多300个字'),
});
const NOTE_MAX = inputLimits(correctionRowForm).note!;
/** The form's text fields and their limits: a note per row. */
export const CORRECTION_LIMITS = Object.fromEntries(
  Array.from({ length: CORRECTION_ROWS }, (_, i) => [`note-${i + 1}`, NOTE_MAX]),
);

type Row = { reason: string; party: string; note: string };

/** The items the form asks for, or the errors beside the rows that are wrong. */
function itemsOf(
  values: Record<string, unknown>,
  catalogue: ReviewReason[],
): { items: NewItem[]; errors: Record<string, string> } {
  const items: NewItem[] = [];
  const errors: Record<string, string> = {};
  for (let n = 1; n <= CORRECTION_ROWS; n++) {
    const text = (name: string) => {
      const value = values[`${name}-${n}`];
      return typeof value === 'string' ? value : '';
    };
    const row: Row = { reason: text('reason'), party: text('party'), note: text('note') };
    if (!row.reason) {
      if (row.note) errors[`reason-${n}`] = `请为第${n}项选择补正理由`;
      continue;
    }
    const reason = catalogue.find((r) => r.code === row.reason);
    if (!reason) {
      errors[`reason-${n}`] = `第${n}项的补正理由不在理由目录中`;
      continue;
    }
    if (row.note.length > NOTE_MAX) errors[`note-${n}`] = `第${n}项的补充说明最多${NOTE_MAX}个字`;
    if (reason.code === 'other_material' && !row.note) {
      errors[`note-${n}`] = `第${n}项选择了“${reason.title}”，请在补充说明中写明需要补充的材料`;
    }
    const addressedTo =
      row.party === 'person' || row.party === 'enterprise' ? row.party : reason.addressedTo!;
    items.push({
      addressedTo,
      what: reason.title,
      why: row.note ? `${reason.wording}${row.note}` : reason.wording,
      reasonCode: reason.code,
    });
  }
  if (items.length === 0 && Object.keys(errors).length === 0) {
    errors['reason-1'] = '请至少选择一项需要补正的材料';
  }
  return { items, errors };
}

/**
 * The correction request (材料补正通知): up to five items at once, each a reason from the catalogue,
 * addressed to the person or the enterprise (the reason's usual addressee unless chosen), with a
 * note; the reply deadline follows from the calendar and is shown to the parties.
 */
export function correctionPages(router: Router, services: Services): void {
  const { sql, config } = services;

  const render = async (
    req: Request,
    res: Response,
    values: Record<string, unknown>,
    errors: FormErrors,
  ) => {
    res.render('pages/authority/corrections', {
      title: '要求材料补正',
      a: await officerApplicationOf(sql, String(req.params.id)),
      reasons: await reasonsOf(sql, { use: 'correction', activeOnly: true }),
      rows: Array.from({ length: CORRECTION_ROWS }, (_, i) => i + 1),
      replyWorkingDays: config.rules.correctionReplyWorkingDays,
      values,
      errors,
      noteMax: NOTE_MAX,
    });
  };

  // ?reason= (from a failed check on the review page) fills in the first row's reason.
  router.get(paths.authority.corrections.pattern, (req, res) => {
    const reason = typeof req.query.reason === 'string' ? req.query.reason : '';
    return render(req, res, { version: '', 'reason-1': reason }, noErrors);
  });

  router.post(paths.authority.corrections.pattern, async (req, res) => {
    const values = trimmed(req.body);
    const catalogue = await reasonsOf(sql, { use: 'correction', activeOnly: true });
    const { items, errors } = itemsOf(values, catalogue);
    if (Object.keys(errors).length > 0) {
      return render(req, res.status(422), values, fieldErrors(errors));
    }
    onRefusal(
      req,
      res,
      (problems) =>
        render(
          req,
          res,
          { ...values, version: '' },
          {
            summary: problems.map((p) => ({ href: '#reason-1', text: p.message })),
            fields: {},
          },
        ),
      { conflicts: true },
    );
    const applicationId = String(req.params.id);
    await requestCorrections(services, {
      applicationId,
      officerAccountId: req.user!.id,
      items,
      expectedVersion: postedVersion(values.version),
    });
    res.redirect(303, `${paths.authority.application(applicationId)}?done=corrections#corrections`);
  });
}
