import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db, Sql } from '../platform/index.js';
import { NotFoundError, recordAudit } from '../platform/index.js';
import type { CorrectionParty } from '../corrections/index.js';

/**
 * The reason catalogue: the standard wording an officer chooses from for a correction item, a
 * refusal or a 不予受理, edited by admins. A reason taken off the list (inactive) stays on what
 * already used it.
 */

export const REASON_USES = ['correction', 'refusal', 'not_accepted'] as const;
export type ReasonUse = (typeof REASON_USES)[number];

export const reasonUseNames: Record<ReasonUse, string> = {
  correction: '材料补正',
  refusal: '不予注册',
  not_accepted: '不予受理',
};

export type ReviewReason = {
  code: string;
  use: ReasonUse;
  title: string;
  wording: string;
  addressedTo: CorrectionParty | null;
  active: boolean;
  position: number;
};

const REASON_COLUMNS = `code, use, title, wording, addressed_to as "addressedTo", active, position`;

/** The catalogue, in its order; with `use`, only that use's; with `activeOnly`, only the listed. */
export async function reasonsOf(
  db: Db,
  options: { use?: ReasonUse; activeOnly?: boolean } = {},
): Promise<ReviewReason[]> {
  return db.unsafe<ReviewReason[]>(
    `select ${REASON_COLUMNS} from review_reasons
     where ($1::text is null or use = $1) and (not $2 or active)
     order by use, position, code`,
    [options.use ?? null, options.activeOnly ?? false],
  );
}

/** An admin's edit of one reason's wording, order and whether officers see it. */
export const reasonEditForm = z.object({
  title: z.string({ error: '请填写名称' }).trim().min(1, '请填写名称').max(40, '名称最多40个字'),
  wording: z
    .string({ error: '请填写标准表述' })
    .trim()
    .min(1, '请填写标准表述')
    .max(500, '标准表述最多500个字'),
  position: z
    .string({ error: '请填写排序' })
    .trim()
    .max(3, '排序须是0到999之间的整数')
    .regex(/^\d{1,3}$/, '排序须是0到999之间的整数')
    .transform(Number),
  active: z.preprocess((v) => v === 'yes', z.boolean()),
});
export type ReasonEdit = z.infer<typeof reasonEditForm>;

export async function saveReason(
  sql: Sql,
  request: { code: string; edit: ReasonEdit; adminAccountId: string; at: Date },
): Promise<void> {
  await sql.begin(async (tx) => {
    const [before] = await tx<
      { title: string; wording: string; position: number; active: boolean }[]
    >`
      select title, wording, position, active from review_reasons
      where code = ${request.code} for update`;
    if (!before) throw new NotFoundError();
    const { title, wording, position, active } = request.edit;
    await tx`
      update review_reasons
      set title = ${title}, wording = ${wording}, position = ${position}, active = ${active},
          updated_at = ${request.at}, updated_by_account_id = ${request.adminAccountId}
      where code = ${request.code}`;
    await recordAudit(tx, {
      at: request.at,
      actorAccountId: request.adminAccountId,
      action: 'review_reason_saved',
      subjectType: 'review_reason',
      subjectId: request.code,
      detail: { before, after: { title, wording, position, active } },
    });
  });
}

/** An admin's new reason: its use, and for a correction its usual addressee, then as an edit. */
export const newReasonForm = reasonEditForm
  .extend({
    use: z.enum(REASON_USES, { error: '请选择理由的用途' }),
    addressedTo: z.enum(['person', 'enterprise']).optional(),
  })
  .refine((r) => r.use !== 'correction' || r.addressedTo !== undefined, {
    message: '材料补正理由请选择通常的补正对象',
    path: ['addressedTo'],
  });
export type NewReason = z.infer<typeof newReasonForm>;

/** Adds a reason to the catalogue under a code of its own; returns the code. */
export async function addReason(
  sql: Sql,
  request: { reason: NewReason; adminAccountId: string; at: Date },
): Promise<string> {
  const { use, title, wording, position, active, addressedTo } = request.reason;
  const code = `custom_${randomBytes(5).toString('hex')}`;
  await sql.begin(async (tx) => {
    await tx`
      insert into review_reasons
        (code, use, title, wording, addressed_to, active, position, updated_at,
         updated_by_account_id)
      values (${code}, ${use}, ${title}, ${wording},
              ${use === 'correction' ? (addressedTo ?? null) : null}, ${active}, ${position},
              ${request.at}, ${request.adminAccountId})`;
    await recordAudit(tx, {
      at: request.at,
      actorAccountId: request.adminAccountId,
      action: 'review_reason_added',
      subjectType: 'review_reason',
      subjectId: code,
      detail: { use, title, wording, position, active },
    });
  });
  return code;
}
