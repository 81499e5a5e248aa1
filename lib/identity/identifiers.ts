// Format and checksum checks for Chinese identity numbers.
// - 居民身份证号码 (resident identity card number): GB 11643-1999, ISO 7064 MOD 11-2 check character.
// - 统一社会信用代码 (unified social credit code): GB 32100-2015, MOD 31 check character.
// Pure functions.

import { businessDate } from '../platform/index.js';

export type CheckResult =
  | { ok: true; value: string }
  | { ok: false; reason: 'empty' | 'length' | 'characters' | 'birth_date' | 'checksum' };

/** NFKC-normalise (full-width → ASCII), drop all whitespace, upper-case. */
export function normaliseIdentifier(raw: string): string {
  return raw.normalize('NFKC').replace(/\s+/gu, '').toUpperCase();
}

// ---- 居民身份证 (GB 11643-1999) ----

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS = '10X98765432';

export function idNumberCheckCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('expected 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK_CHARS[sum % 11]!;
}

function isValidBirthDate(yyyymmdd: string, today: Date): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (year < 1900 || month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return false;
  const iso = `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
  return iso <= businessDate(today);
}

export function checkIdNumber(raw: string, today: Date): CheckResult {
  const value = normaliseIdentifier(raw);
  if (value === '') return { ok: false, reason: 'empty' };
  if (value.length !== 18) return { ok: false, reason: 'length' };
  if (!/^\d{17}[\dX]$/.test(value)) return { ok: false, reason: 'characters' };
  if (!isValidBirthDate(value.slice(6, 14), today)) return { ok: false, reason: 'birth_date' };
  if (idNumberCheckCharacter(value.slice(0, 17)) !== value[17]) {
    return { ok: false, reason: 'checksum' };
  }
  return { ok: true, value };
}

/** 'YYYY-MM-DD' from a value that already passed checkIdNumber. */
export function birthDateFromIdNumber(value: string): string {
  return `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
}

/** 17th digit odd = male, even = female (value must have passed checkIdNumber). */
export function genderFromIdNumber(value: string): 'male' | 'female' {
  return Number(value[16]) % 2 === 1 ? 'male' : 'female';
}

/** For logs and public pages: first 3 + asterisks + last 4 (18 chars → 110***********002X). */
export function maskIdNumber(value: string): string {
  if (value.length < 8) return '*'.repeat(value.length);
  return value.slice(0, 3) + '*'.repeat(value.length - 7) + value.slice(-4);
}

// ---- 统一社会信用代码 (GB 32100-2015) ----

const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const CREDIT_CHARS = new RegExp(`^[${CREDIT_ALPHABET}]{18}$`);

export function creditCodeCheckCharacter(first17: string): string {
  if (first17.length !== 17) throw new Error('expected 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_ALPHABET.indexOf(first17[i]!);
    if (v < 0) throw new Error(`invalid character at position ${i + 1}`);
    sum += v * CREDIT_WEIGHTS[i]!;
  }
  return CREDIT_ALPHABET[(31 - (sum % 31)) % 31]!;
}

export function checkCreditCode(raw: string): CheckResult {
  const value = normaliseIdentifier(raw);
  if (value === '') return { ok: false, reason: 'empty' };
  if (value.length !== 18) return { ok: false, reason: 'length' };
  if (!CREDIT_CHARS.test(value)) return { ok: false, reason: 'characters' };
  if (creditCodeCheckCharacter(value.slice(0, 17)) !== value[17]) {
    return { ok: false, reason: 'checksum' };
  }
  return { ok: true, value };
}
