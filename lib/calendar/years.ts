import type { Sql, Tx } from '../platform/index.js';
import { businessDate, recordAudit, ValidationError } from '../platform/index.js';
import { lockClockedApplications, recomputeDeadlines } from './deadlines.js';
import type { DayKind } from './working-days.js';
import { datesFrom } from './working-days.js';
import { z } from 'zod';

/** An admin enters a year's schedule from the State Council's notice, or corrects one. */

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (v: string) => {
  const d = new Date(`${v}T00:00:00Z`);
  return ISO_DATE.test(v) && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
};

/** One line of a list as typed: full-width digits and dashes made plain, spaces collapsed. */
const linesOf = (text: string) =>
  text
    .normalize('NFKC')
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean);

/**
 * The admin page's form for a year: the notice it comes from, and its holidays (one range a line:
 * `2027-01-01 至 2027-01-03 元旦`, or one day) and make-up working days (`2027-02-07 春节`).
 */
export const calendarYearForm = z
  .object({
    year: z
      .string({ error: '请填写年份，例如 2027' })
      .trim()
      .max(4, '请填写年份，例如 2027')
      .transform((v) => v.normalize('NFKC'))
      .pipe(z.string().regex(/^20\d\d$/, '请填写年份，例如 2027'))
      .transform(Number),
    source: z
      .string({ error: '请填写通知名称和文号' })
      .trim()
      .min(1, '请填写通知名称和文号')
      .max(200, '通知名称和文号最多200个字'),
    noticeDate: z
      .string({ error: '发布日期请按“年-月-日”填写，例如 2026-11-20' })
      .trim()
      .max(20, '发布日期请按“年-月-日”填写，例如 2026-11-20')
      .refine((v) => v === '' || isDate(v), '发布日期请按“年-月-日”填写，例如 2026-11-20')
      .default(''),
    published: z.union([z.literal(''), z.literal('yes')]).default(''),
    holidays: z
      .string({ error: '请填写放假安排' })
      .max(4000, '放假安排最多4000个字')
      .default('')
      .transform((text, ctx) => {
        const holidays: YearEntry['holidays'] = [];
        for (const line of linesOf(text)) {
          const m = /^(\S+)(?: ?(?:至|~|到) ?(\S+))? ?(.*)$/.exec(line)!;
          const [from, to = from, name = ''] = [m[1]!, m[2], m[3]];
          if (!isDate(from) || !isDate(to) || to < from) {
            ctx.addIssue({
              code: 'custom',
              message: `“${line}”不是一段放假日期，请写成“2027-01-01 至 2027-01-03 元旦”`,
            });
            continue;
          }
          holidays.push({ from, to, name: name.slice(0, 50) });
        }
        return holidays;
      }),
    workdays: z
      .string({ error: '请填写调休上班日' })
      .max(2000, '调休上班日最多2000个字')
      .default('')
      .transform((text, ctx) => {
        const workdays: YearEntry['workdays'] = [];
        for (const line of linesOf(text)) {
          const [day = '', ...name] = line.split(' ');
          if (!isDate(day)) {
            ctx.addIssue({
              code: 'custom',
              message: `“${line}”不是一个日期，请写成“2027-02-07 春节”`,
            });
            continue;
          }
          workdays.push({ day, name: name.join(' ').slice(0, 50) });
        }
        return workdays;
      }),
  })
  .transform((v, ctx): YearEntry => {
    const { holidays, workdays } = v;
    const entry: YearEntry = {
      year: v.year,
      source: v.source,
      noticeDate: v.noticeDate || null,
      published: v.published === 'yes',
      holidays,
      workdays,
    };
    for (const p of entryProblems(entry)) {
      ctx.addIssue({ code: 'custom', path: [p.field], message: p.message });
    }
    return entry;
  });

export type YearEntry = {
  year: number;
  source: string;
  noticeDate: string | null;
  published: boolean;
  /** Holiday ranges, each with its name (元旦, 春节...). */
  holidays: { from: string; to: string; name: string }[];
  /** Make-up working days (调休). */
  workdays: { day: string; name: string }[];
};

function daysOf(entry: YearEntry): Map<string, { kind: DayKind; name: string }> {
  const days = new Map<string, { kind: DayKind; name: string }>();
  for (const range of entry.holidays) {
    for (const day of datesFrom(range.from, range.to)) {
      days.set(day, { kind: 'holiday', name: range.name });
    }
  }
  for (const w of entry.workdays) days.set(w.day, { kind: 'workday', name: w.name });
  return days;
}

/** What makes a year's entry impossible: a day outside the year, a day both off and on. */
export function entryProblems(
  entry: YearEntry,
): { field: 'holidays' | 'workdays'; message: string }[] {
  const problems: { field: 'holidays' | 'workdays'; message: string }[] = [];
  const inYear = (day: string) => Number(day.slice(0, 4)) === entry.year;
  for (const h of entry.holidays) {
    if (!inYear(h.from) || !inYear(h.to)) {
      problems.push({ field: 'holidays', message: `${h.from}至${h.to}不在${entry.year}年内` });
    }
  }
  const off = new Set(entry.holidays.flatMap((h) => [...datesFrom(h.from, h.to)]));
  for (const w of entry.workdays) {
    if (!inYear(w.day)) {
      problems.push({ field: 'workdays', message: `${w.day}不在${entry.year}年内` });
    } else if (off.has(w.day)) {
      problems.push({ field: 'workdays', message: `${w.day}不能既是放假日又是调休上班日` });
    }
  }
  return problems;
}

/**
 * Enters a year's schedule, or replaces it, in one transaction: the year, its days, the audit
 * event, and the new deadline of every open application whose clock it changes (each audited).
 */
export async function saveCalendarYear(
  sql: Sql,
  entry: YearEntry,
  actorAccountId: string,
  at: Date,
): Promise<{ recomputed: number }> {
  const [problem] = entryProblems(entry);
  if (problem) throw new ValidationError(problem.message);
  const days = daysOf(entry);
  return sql.begin(async (tx: Tx) => {
    // First the applications whose clock the year may move, as a transition locks its own row
    // before it reads the calendar: a transition under way finishes first (and is recomputed
    // below), one that comes later waits and reads the new calendar. No lock order is reversed.
    await lockClockedApplications(tx);
    const [before] = await tx<{ published: boolean }[]>`
      select published from calendar_years where year = ${entry.year} for update`;
    await tx`
      insert into calendar_years (year, source, notice_date, published, updated_at, updated_by_account_id)
      values (${entry.year}, ${entry.source}, ${entry.noticeDate}, ${entry.published}, ${at},
              ${actorAccountId})
      on conflict (year) do update
      set source = excluded.source, notice_date = excluded.notice_date,
          published = excluded.published, updated_at = excluded.updated_at,
          updated_by_account_id = excluded.updated_by_account_id`;
    await tx`delete from calendar_days where year = ${entry.year}`;
    if (days.size > 0) {
      await tx`insert into calendar_days ${tx(
        [...days].map(([day, d]) => ({ day, year: entry.year, kind: d.kind, name: d.name })),
      )}`;
    }
    await recordAudit(tx, {
      at,
      actorAccountId,
      action: before ? 'calendar_year_corrected' : 'calendar_year_entered',
      subjectType: 'calendar_year',
      detail: {
        year: entry.year,
        source: entry.source,
        published: entry.published,
        holidays: entry.holidays,
        workdays: entry.workdays,
      },
    });
    const recomputed = await recomputeDeadlines(tx, businessDate(at), at, actorAccountId);
    return { recomputed };
  });
}
