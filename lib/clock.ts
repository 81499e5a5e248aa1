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
