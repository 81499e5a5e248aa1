import { normaliseIdentifier } from '../identity/index.js';
import { businessDate } from '../platform/index.js';
import type { Profession } from '../reference/index.js';
import { EDUCATION_LEVELS, professions, PROVINCES } from '../reference/index.js';
import { z } from 'zod';

/** The forms of the wizard's steps, one schema each, with messages written for people. */

const DATE_TYPED_MAX = 20;

export const employerForm = z.object({
  enterpriseId: z.uuid({ error: '请从搜索结果中选择聘用企业' }),
});

/**
 * A date typed as the hint shows it (2025-03-01), or as people also write it: 2025/3/1, 2025.3.1,
 * 2025年3月1日, with full-width digits; kept as YYYY-MM-DD. A text field, not a date picker: the
 * date is on the contract in front of them, and a picker shows each browser's own format.
 */
const isoDate = (message: string) =>
  z
    .string({ error: message })
    .max(DATE_TYPED_MAX, message)
    .transform((typed) => {
      const parts = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(normaliseIdentifier(typed));
      return parts ? `${parts[1]}-${parts[2]!.padStart(2, '0')}-${parts[3]!.padStart(2, '0')}` : '';
    })
    .pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, message))
    .refine(
      (v) =>
        !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) &&
        businessDate(new Date(`${v}T12:00:00Z`)) === v,
      message,
    );

export const employmentForm = z
  .object({
    position: z.string().trim().min(1, '请填写聘用岗位').max(50, '聘用岗位最多50个字'),
    contractStart: isoDate('请填写劳动合同起始日期，例如 2025-03-01'),
    contractEnd: isoDate('请填写劳动合同终止日期，例如 2028-02-29'),
  })
  .refine((v) => v.contractEnd > v.contractStart, {
    path: ['contractEnd'],
    message: '劳动合同终止日期须晚于起始日期',
  });

export function specialtiesForm(profession: Profession) {
  const allowed = professions[profession].specialties;
  return z.object({
    specialties: z
      .preprocess(
        (v: unknown): unknown[] =>
          v === undefined ? [] : Array.isArray(v) ? (v as unknown[]) : [v],
        z.array(z.string().refine((s) => allowed.includes(s), '请从列表中选择专业')),
      )
      .refine((v) => v.length > 0, '请至少选择一个注册专业')
      // A specialty sent twice (a form posted by hand) is chosen once.
      .transform((v) => [...new Set(v)]),
  });
}

/**
 * Personal change (个人自然情况变更): what can change, field by field, so an approval can apply
 * it: the education; the name and ID number as the real-name login states them (read, not typed:
 * `identity` only says they changed); a new ID photo (uploaded on its own form); and a note.
 * At least one of them (the step checks, as the photo is not part of this form).
 */
export const changeForm = z.object({
  education: z
    .union([z.literal(''), z.enum(EDUCATION_LEVELS, { error: '请从列表中选择学历' })])
    .default(''),
  identity: z.union([z.literal(''), z.literal('yes')]).default(''),
  note: z.string({ error: '变更说明须是文字' }).trim().max(500, '变更说明最多500个字').default(''),
});

/** What a personal change holds once saved (applications.draft.change). */
export type PersonalChange = {
  education?: string;
  /** The name and ID number of the real-name login, when the person says they changed. */
  name?: string;
  idNumber?: string;
  photoFileId?: string;
  note?: string;
};

/** The fields whose presence makes a personal change (any one of them). */
export const CHANGE_FIELDS = ['education', 'name', 'photoFileId', 'note'] as const;

export function outOfProvinceForm(thisYear: number) {
  return z
    .object({
      examProvince: z.enum(PROVINCES, { error: '请选择报考地（省外）' }),
      certificateNumber: z.string().trim().min(1, '请填写资格证号').max(40, '资格证号最多40个字符'),
      // Digits as a Chinese keyboard may type them (full-width), like every other number field.
      passYear: z
        .string({ error: '请填写通过年度，例如 2019' })
        .max(10, '请填写通过年度，例如 2019')
        .transform(normaliseIdentifier)
        .pipe(
          z.coerce
            .number<string>({ error: '请填写通过年度，例如 2019' })
            .int('请填写通过年度，例如 2019')
            .min(1995, '通过年度不能早于1995年')
            .max(thisYear, `通过年度不能晚于${thisYear}年`),
        ),
      registeredElsewhere: z.enum(['yes', 'no'], { error: '请选择是否在省外做过初始注册' }),
      previousRegistration: z.string().trim().max(200, '原注册信息最多200个字'),
    })
    .refine((v) => v.registeredElsewhere === 'no' || v.previousRegistration !== '', {
      path: ['previousRegistration'],
      message: '在省外做过初始注册的，请填写原注册单位、注册证书编号和注册时间',
    });
}

export const commitmentForm = z.object({
  commitment: z.literal('yes', { error: '请阅读并勾选承诺后再确认提交' }),
});
