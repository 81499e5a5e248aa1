/** The one source of "now": business rules never call Date.now() or SQL now() directly. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can stand on any date with, and move forward. */
export class SettableClock implements Clock {
  #at: Date | undefined;
  constructor(at?: Date | string) {
    this.#at = at === undefined ? undefined : new Date(at);
  }
  now(): Date {
    return this.#at ? new Date(this.#at) : new Date();
  }
  set(at: Date | string): void {
    this.#at = new Date(at);
  }
  advance(ms: number): void {
    this.#at = new Date(this.now().getTime() + ms);
  }
  reset(): void {
    this.#at = undefined;
  }
}

const shanghaiDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Business dates are Asia/Shanghai calendar dates, as 'YYYY-MM-DD'. */
export function businessDate(at: Date): string {
  return shanghaiDate.format(at);
}

/** The first instant of a business date (Asia/Shanghai, which keeps no summer time). */
export function startOfBusinessDay(date: string): Date {
  return new Date(`${date}T00:00:00+08:00`);
}

/** A 'YYYY-MM-DD' date moved by whole days (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A 'YYYY-MM-DD' date moved by whole months; the 31st plus one month is the last day of it. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(
    Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0),
  ).getUTCDate();
  first.setUTCDate(Math.min(d, lastDay));
  return first.toISOString().slice(0, 10);
}
