import { businessDate } from '../platform/index.js';
import { digitsField } from '../identity/index.js';
import type { Profession } from '../reference/index.js';
import { EDUCATION_LEVELS, PROFESSIONS, professions, PROVINCES } from '../reference/index.js';
import { z } from 'zod';

/** The forms of the person's pages, one schema each, with messages written for people. */

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

export const kindForm = z.object({ kind: kindChoice });

export const professionForm = z
  .object({
    kind: kindChoice,
    profession: z.enum(PROFESSIONS, { error: '请选择注册类别' }),
  })
  .refine((v) => v.kind !== 'demonstration_zone' || v.profession === 'constructor', {
    path: ['profession'],
    message: '长三角示范区注册仅限二级注册建造师',
  });

export const employerForm = z.object({
  enterpriseId: z.uuid({ error: '请从搜索结果中选择聘用企业' }),
});

const isoDate = (message: string) =>
  z
    .string({ error: message })
    .regex(/^\d{4}-\d{2}-\d{2}$/, message)
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
      .refine((v) => v.length > 0, '请至少选择一个注册专业'),
  });
}

export const changeForm = z
  .object({
    education: z.union([z.literal(''), z.enum(EDUCATION_LEVELS, { error: '请从列表中选择学历' })]),
    note: z.string().trim().max(500, '变更说明最多500个字'),
  })
  .refine((v) => v.education !== '' || v.note !== '', {
    path: ['education'],
    message: '请选择新的学历，或写明要变更的其他信息',
  });

export function outOfProvinceForm(thisYear: number) {
  return z
    .object({
      examProvince: z.enum(PROVINCES, { error: '请选择报考地（省外）' }),
      certificateNumber: z.string().trim().min(1, '请填写资格证号').max(40, '资格证号最多40个字符'),
      passYear: z.coerce
        .number({ error: '请填写通过年度，例如 2019' })
        .int('请填写通过年度，例如 2019')
        .min(1995, '通过年度不能早于1995年')
        .max(thisYear, `通过年度不能晚于${thisYear}年`),
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

export const profileForm = z.object({
  phone: digitsField(/^1[3-9]\d{9}$/, '请输入11位手机号码，例如 13912345678'),
  email: z.email({ error: '请输入正确的电子邮箱地址，例如 name@example.com' }).max(100),
  address: z.string().trim().min(1, '请填写通讯地址').max(200, '通讯地址最多200个字'),
});

export const educationForm = z.object({
  education: z.enum(EDUCATION_LEVELS, { error: '请选择学历' }),
});

export const withdrawForm = z.object({ version: z.coerce.number().int() });
