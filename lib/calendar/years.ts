import type { Sql, Tx } from '../platform/index.js';
import { businessDate, recordAudit, ValidationError } from '../platform/index.js';
import { recomputeDeadlines } from './deadlines.js';
import type { DayKind } from './working-days.js';
import { datesFrom } from './working-days.js';

/** An admin enters a year's schedule from the State Council's notice, or corrects one. */

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
  const days = new Map<string, { kind: DayKind; name: string }>();
  for (const range of entry.holidays) {
    for (const day of datesFrom(range.from, range.to)) {
      days.set(day, { kind: 'holiday', name: range.name });
    }
  }
  for (const w of entry.workdays) {
    if (days.get(w.day)?.kind === 'holiday') {
      throw new ValidationError(`${w.day}不能既是假日又是调休上班日。`);
    }
    days.set(w.day, { kind: 'workday', name: w.name });
  }
  for (const day of days.keys()) {
    if (Number(day.slice(0, 4)) !== entry.year) {
      throw new ValidationError(`${day}不在${entry.year}年内。`);
    }
  }
  return sql.begin(async (tx: Tx) => {
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
