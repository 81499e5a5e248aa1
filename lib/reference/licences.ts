import { z } from 'zod';

/** The enterprise licences an architect's or structural engineer's employer states (rule 12). */
export const LICENCE_TYPES = [
  '工程设计建筑行业资质',
  '工程设计建筑工程专业资质',
  '工程设计综合资质',
  '其他工程设计资质',
] as const;

export type Licence = { type: string; number: string };

/** A licence as the enterprise enters it, at confirmation or when it supplies it later. */
export const licenceFields = z
  .object({
    licenceType: z.string().trim().catch(''),
    licenceNumber: z
      .string({ error: '请填写资质证号' })
      .trim()
      .max(50, '资质证号最多50个字符')
      .default(''),
  })
  .superRefine((v, ctx) => {
    if (!(LICENCE_TYPES as readonly string[]).includes(v.licenceType)) {
      ctx.addIssue({ code: 'custom', path: ['licenceType'], message: '请选择资质类型' });
    }
    if (!v.licenceNumber) {
      ctx.addIssue({ code: 'custom', path: ['licenceNumber'], message: '请填写资质证号' });
    }
  });

export function isLicence(value: unknown): value is Licence {
  return licenceFields.safeParse({
    licenceType: (value as Partial<Licence> | null)?.type,
    licenceNumber: (value as Partial<Licence> | null)?.number,
  }).success;
}
