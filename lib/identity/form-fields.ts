import type { CheckResult } from './identifiers.js';
import { checkCreditCode, checkIdNumber, normaliseIdentifier } from './identifiers.js';
import { z } from 'zod';

type Reason = Extract<CheckResult, { ok: false }>['reason'];

const ID_NUMBER_MESSAGES: Record<Reason, string> = {
  empty: '请输入居民身份证号码',
  length: '居民身份证号码应为18位',
  characters: '居民身份证号码由17位数字和1位数字或字母X组成',
  birth_date: '居民身份证号码中的出生日期不正确，请核对',
  checksum: '居民身份证号码不正确，请核对后重新输入',
};

const CREDIT_CODE_MESSAGES: Record<Reason, string> = {
  empty: '请输入统一社会信用代码',
  length: '统一社会信用代码应为18位',
  characters: '统一社会信用代码由数字和大写字母组成，不含I、O、S、V、Z',
  birth_date: '统一社会信用代码不正确，请核对营业执照后重新输入',
  checksum: '统一社会信用代码不正确，请核对营业执照后重新输入',
};

/** How long a typed identifier may be before it is normalised (spaces, dashes, full-width). */
export const TYPED_IDENTIFIER_MAX = 40;

function checkedField(check: (raw: string) => CheckResult, messages: Record<Reason, string>) {
  return z
    .string({ error: messages.empty })
    .max(TYPED_IDENTIFIER_MAX, messages.length)
    .transform((raw, ctx) => {
      const result = check(raw);
      if (result.ok) return result.value;
      ctx.addIssue({ code: 'custom', message: messages[result.reason] });
      return z.NEVER;
    });
}

/** A 居民身份证号码 form field: normalised (full-width, spaces, lower-case x) and checked. */
export const idNumberField = (today: Date) =>
  checkedField((raw) => checkIdNumber(raw, today), ID_NUMBER_MESSAGES);

/** A 统一社会信用代码 form field: normalised and checked. */
export const creditCodeField = () => checkedField(checkCreditCode, CREDIT_CODE_MESSAGES);

export const requiredText = (message: string, max = 200) =>
  z.string({ error: message }).trim().min(1, message).max(max, `最多${max}个字`);

/**
 * A field of digits (a phone number, a 区划代码) as a Chinese keyboard may type it: normalised as
 * identifiers are (full-width digits and dashes made ASCII, spaces dropped) before it must match.
 */
export const digitsField = (pattern: RegExp, message: string) =>
  z
    .string({ error: message })
    .max(TYPED_IDENTIFIER_MAX, message)
    .transform(normaliseIdentifier)
    .pipe(z.string().regex(pattern, message));
