import { addDays } from '../platform/index.js';

/**
 * Chinese working days (DESIGN.md §5a): Monday to Friday, minus the State Council's holidays, plus
 * its make-up working days (调休). Each year's schedule is its own; a year with none (or one not yet
 * published) is computed on weekdays alone, and every answer that leans on it says provisional.
 * Dates are 'YYYY-MM-DD' business dates (Asia/Shanghai).
 */

export type DayKind = 'holiday' | 'workday';

/** One year's schedule, as the notice gives it. */
export type CalendarYear = {
  year: number;
  published: boolean;
  source: string;
  noticeDate: string | null;
  /** The year's holidays and make-up working days, by date. */
  days: ReadonlyMap<string, DayKind>;
};

export type Calendar = { years: ReadonlyMap<number, CalendarYear> };

export function calendarOf(years: CalendarYear[]): Calendar {
  return { years: new Map(years.map((y) => [y.year, y])) };
}

/** Whether the year's schedule is known: a published row. */
export function isScheduled(calendar: Calendar, year: number): boolean {
  return calendar.years.get(year)?.published === true;
}

/** Whether a date is a working day, and whether that rests on a year with no schedule. */
export function workingDay(
  calendar: Calendar,
  date: string,
): { working: boolean; provisional: boolean } {
  const year = calendar.years.get(Number(date.slice(0, 4)));
  const marked = year?.days.get(date);
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  const working = marked ? marked === 'workday' : weekday !== 0 && weekday !== 6;
  return { working, provisional: year?.published !== true };
}

/** The dates from `from` through `to`, both included. */
export function* datesFrom(from: string, to: string): Generator<string> {
  for (let d = from; d <= to; d = addDays(d, 1)) yield d;
}

/**
 * The working days from the day after `from` through `to` (negative when `to` is before `from`:
 * the working days it is past), and whether the count leans on a year with no schedule. Reply
 * deadlines and "working days left" on queues are read with it.
 */
export function workingDaysBetween(
  calendar: Calendar,
  from: string,
  to: string,
): { days: number; provisional: boolean } {
  const [start, end, sign] = to >= from ? [from, to, 1] : [to, from, -1];
  let days = 0;
  let provisional = false;
  for (const date of datesFrom(addDays(start, 1), end)) {
    const day = workingDay(calendar, date);
    provisional ||= day.provisional;
    if (day.working) days += 1;
  }
  return { days: sign * days, provisional };
}

/** The `n`th working day after `from`, and whether it leans on a year with no schedule. */
export function addWorkingDays(
  calendar: Calendar,
  from: string,
  n: number,
): { date: string; provisional: boolean } {
  let date = from;
  let provisional = false;
  for (let counted = 0, i = 0; counted < n; i++) {
    if (i > 3 * 366) throw new Error(`no working day ${n} after ${from}`);
    date = addDays(date, 1);
    const day = workingDay(calendar, date);
    provisional ||= day.provisional;
    if (day.working) counted += 1;
  }
  return { date, provisional };
}
