import type { Profession } from '../reference/index.js';
import { professions } from '../reference/index.js';
import type { Db } from '../platform/index.js';

/**
 * Registration numbers (注册编号), one format for all four professions (DESIGN.md §6):
 *
 *     苏 + profession digit + year (4 digits) + serial (6 digits, zero-padded)
 *
 * e.g. 苏12026000001: a constructor (digit 1, `professions[p].digit`) registered in 2026, serial 1.
 * The year is that of the registration's first day (valid_from, an Asia/Shanghai date). The serial
 * comes from the `registration_serial` sequence, which is shared by every profession and year, so
 * the serial alone is unique; it never wraps (past 999999 it simply has more digits). Each initial
 * registration gets a new number; additional registration and renewal keep it.
 */
export function registrationNumber(profession: Profession, year: number, serial: number): string {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) {
    throw new RangeError(`expected a 4-digit year, got ${year}`);
  }
  if (!Number.isSafeInteger(serial) || serial < 1) {
    throw new RangeError(`expected a positive serial, got ${serial}`);
  }
  return `苏${professions[profession].digit}${year}${String(serial).padStart(6, '0')}`;
}

/** A registration number of the format above. */
export const REGISTRATION_NUMBER_PATTERN = /^苏[1-4]\d{4}\d{6,}$/u;

/** Takes the next serial of `registration_serial` for a registration starting on `validFrom`. */
export async function nextRegistrationNumber(
  db: Db,
  profession: Profession,
  validFrom: string,
): Promise<string> {
  const [row] = await db<{ n: string }[]>`select nextval('registration_serial')::text as n`;
  return registrationNumber(profession, Number(validFrom.slice(0, 4)), Number(row!.n));
}
