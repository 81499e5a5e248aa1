import { creditCodeCheckCharacter } from '../lib/identity/index.js';

/** What the benchmarks share: their data's identifiers and their figures' formats. */

/** As test/support/fixtures.ts: bench accounts that never log in. */
export const NO_PASSWORD = '$argon2id$fixture-not-a-hash';

/** The i-th bench enterprise's unified social credit code, its check character computed. */
export function creditCode(i: number): string {
  const first17 = `91320100MA${String(i).padStart(7, '0')}`;
  return first17 + creditCodeCheckCharacter(first17);
}

/** The p-th quantile of a sample, nearest rank from below (p = 0.95: the 95th percentile). */
export const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const millis = (ms: number) => `${ms < 10 ? ms.toFixed(1) : ms.toFixed(0)} ms`;
export const thousands = (n: number) => n.toLocaleString('en');
