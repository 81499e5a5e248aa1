import type { Request, Response, Router } from 'express';
import {
  calendarDaysOf,
  calendarYearForm,
  calendarYears,
  saveCalendarYear,
} from '../../lib/calendar/index.js';
import type { FormErrors } from '../../lib/platform/index.js';
import {
  addDays,
  businessDate,
  formatErrors,
  inputLimits,
  noErrors,
  trimmed,
} from '../../lib/platform/index.js';
import type { Services } from '../../lib/services/index.js';
import { requireAdmin } from '../middleware/auth.js';
import { paths } from '../paths.js';

/** The form's text fields and their limits (the schema's input side). */
const LIMITS = inputLimits(calendarYearForm);

/**
 * The working-day calendar (admin only): the years with a schedule, and a form to enter a year
 * from the State Council's notice or correct one; saving recomputes the open deadlines.
 */
export function calendarPage(router: Router, { sql, clock }: Services): void {
  const render = async (req: Request, res: Response, values: object, errors: FormErrors) => {
    res.render('pages/authority/calendar', {
      title: '工作日历',
      years: await calendarYears(sql),
      values,
      errors,
      limits: LIMITS,
      saved:
        typeof req.query.saved === 'string' && /^\d{4}$/.test(req.query.saved)
          ? req.query.saved
          : undefined,
      recomputed: Number(req.query.recomputed ?? 0) || 0,
    });
  };

  router.get(paths.authority.calendar, requireAdmin, async (req, res) => {
    // ?year=2027 fills the form with that year as it stands, to correct it.
    const year = Number(req.query.year);
    const existing = Number.isInteger(year)
      ? (await calendarYears(sql)).find((y) => y.year === year)
      : undefined;
    if (!existing) {
      const next = Number(businessDate(clock.now()).slice(0, 4)) + 1;
      return render(req, res, { year: String(next), published: 'yes' }, noErrors);
    }
    const days = await calendarDaysOf(sql, existing.year);
    await render(
      req,
      res,
      {
        year: String(existing.year),
        source: existing.source,
        noticeDate: existing.noticeDate ?? '',
        published: existing.published ? 'yes' : '',
        holidays: holidayLines(days),
        workdays: days
          .filter((d) => d.kind === 'workday')
          .map((d) => `${d.day} ${d.name}`.trim())
          .join('\n'),
      },
      noErrors,
    );
  });

  router.post(paths.authority.calendar, requireAdmin, async (req, res) => {
    const values = trimmed(req.body);
    const parsed = calendarYearForm.safeParse(values);
    if (!parsed.success) return render(req, res.status(422), values, formatErrors(parsed.error));
    const { recomputed } = await saveCalendarYear(sql, parsed.data, req.user!.id, clock.now());
    res.redirect(
      303,
      `${paths.authority.calendar}?saved=${parsed.data.year}&recomputed=${recomputed}`,
    );
  });
}

/** A year's holidays as the form's lines: consecutive days with one name as one range. */
function holidayLines(days: { day: string; kind: string; name: string }[]): string {
  const lines: { from: string; to: string; name: string }[] = [];
  for (const d of days.filter((x) => x.kind === 'holiday')) {
    const last = lines.at(-1);
    if (last && last.name === d.name && addDays(last.to, 1) === d.day) last.to = d.day;
    else lines.push({ from: d.day, to: d.day, name: d.name });
  }
  return lines
    .map((l) => (l.from === l.to ? `${l.from} ${l.name}` : `${l.from} 至 ${l.to} ${l.name}`).trim())
    .join('\n');
}
