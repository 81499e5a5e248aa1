import { createRequire } from 'node:module';
import type { Db, Sql } from '../platform/index.js';

import type { Calendar, CalendarYear, DayKind } from './working-days.js';
import { calendarOf } from './working-days.js';

/** The calendar as the database holds it: every year with a schedule, and its marked days. */
export async function loadCalendar(db: Db): Promise<Calendar> {
  // Both at once: one round trip's wait, not two (every page with a deadline reads it).
  const [years, days] = await Promise.all([
    db<{ year: number; published: boolean; source: string; noticeDate: string | null }[]>`
      select year, published, source, to_char(notice_date, 'YYYY-MM-DD') as "noticeDate"
      from calendar_years order by year`,
    db<{ day: string; year: number; kind: DayKind; name: string }[]>`
      select to_char(day, 'YYYY-MM-DD') as day, year, kind, name from calendar_days order by day`,
  ]);
  return calendarOf(
    years.map((y): CalendarYear => ({
      ...y,
      days: new Map(days.filter((d) => d.year === y.year).map((d) => [d.day, d.kind])),
    })),
  );
}

/** A year as the admin page lists it. */
export type CalendarYearRow = {
  year: number;
  source: string;
  noticeDate: string | null;
  published: boolean;
  holidays: number;
  workdays: number;
  updatedAt: Date;
};

export async function calendarYears(db: Db): Promise<CalendarYearRow[]> {
  return db<CalendarYearRow[]>`
    select y.year, y.source, to_char(y.notice_date, 'YYYY-MM-DD') as "noticeDate", y.published,
           y.updated_at as "updatedAt",
           count(*) filter (where d.kind = 'holiday')::int as holidays,
           count(*) filter (where d.kind = 'workday')::int as workdays
    from calendar_years y left join calendar_days d on d.year = y.year
    group by y.year order by y.year desc`;
}

/** The marked days of one year, as the admin page shows them for correcting. */
export async function calendarDaysOf(
  db: Db,
  year: number,
): Promise<{ day: string; kind: DayKind; name: string }[]> {
  return db`
    select to_char(day, 'YYYY-MM-DD') as day, kind, name from calendar_days
    where year = ${year} order by day`;
}

// ---- Seeding from the chinese-days package ----

type PackageData = {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
};

/** The years the package knows that this service can still need (older ones decide nothing). */
const SEEDED_FROM_YEAR = 2020;
const PACKAGE_SOURCE = '国务院办公厅部分节假日安排通知（chinese-days 1.5.7 收录）';

/**
 * Puts the years the chinese-days package holds into the calendar, each as published, unless the
 * year is there already (an admin's entry is never overwritten). Safe to run on every start and
 * from every instance.
 */
export async function seedCalendar(sql: Sql, at: Date): Promise<number[]> {
  const data = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json') as PackageData;
  const byYear = new Map<number, { day: string; kind: DayKind; name: string }[]>();
  const add = (entries: Record<string, string>, kind: DayKind) => {
    for (const [day, value] of Object.entries(entries)) {
      const year = Number(day.slice(0, 4));
      if (year < SEEDED_FROM_YEAR) continue;
      // "Spring Festival,春节,4": the Chinese name is the second part.
      const name = value.split(',')[1] ?? '';
      byYear.set(year, [...(byYear.get(year) ?? []), { day, kind, name }]);
    }
  };
  add(data.holidays, 'holiday');
  add(data.workdays, 'workday');
  const seeded: number[] = [];
  await sql.begin(async (tx) => {
    for (const [year, days] of [...byYear].sort(([a], [b]) => a - b)) {
      const inserted = await tx`
        insert into calendar_years (year, source, published, updated_at)
        values (${year}, ${PACKAGE_SOURCE}, true, ${at})
        on conflict (year) do nothing returning year`;
      if (inserted.count === 0) continue;
      await tx`insert into calendar_days ${tx(days.map((d) => ({ ...d, year })))}`;
      seeded.push(year);
    }
  });
  return seeded;
}
