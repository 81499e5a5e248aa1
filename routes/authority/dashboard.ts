import type { Router } from 'express';
import type { WeekDecisions } from '../../lib/authority/index.js';
import { DECISION_WEEKS, DURATION_WINDOW_DAYS, dashboardOf } from '../../lib/authority/index.js';
import { loadCalendar } from '../../lib/calendar/index.js';
import { jobNamed } from '../../lib/jobs/index.js';
import { NEARING_WORKING_DAYS } from '../../lib/reference/index.js';
import type { Services } from '../../lib/services/index.js';
import { paths, withQuery } from '../paths.js';

/** The publish job, whose next run the publication warning is about. */
const PUBLISH_JOB = 'publish-announcements';

/**
 * The service-level dashboard (/authority/dashboard), for every staff member: open applications,
 * deadlines nearing and passed, provisional deadlines, approvals that will miss the next
 * announcement, the working days clocks took, and decisions per week as a chart drawn here (an
 * inline SVG) with the same figures in a table, which is what screen readers and print get.
 */
export function dashboardPage(router: Router, { sql, clock, config }: Services): void {
  router.get(paths.authority.dashboard, async (req, res) => {
    const dashboard = await dashboardOf(sql, await loadCalendar(sql), clock.now(), {
      publishSchedule: config.schedules.publishAnnouncements,
    });
    const publishJob = jobNamed(PUBLISH_JOB);
    res.render('pages/authority/dashboard', {
      title: '办理情况',
      dashboard,
      nearingDays: NEARING_WORKING_DAYS,
      durationDays: DURATION_WINDOW_DAYS,
      chart: weeklyChart(dashboard.weeks),
      queueOf: (profession: string) =>
        withQuery(paths.authority.home, { tab: 'under_review', profession }),
      provisionalQueue: withQuery(paths.authority.home, { provisional: 'yes' }),
      publishJob: publishJob
        ? {
            title: publishJob.title,
            when: publishJob.when,
            // Only an admin may run a job by hand.
            href: req.user?.staffRole === 'admin' ? paths.authority.job(PUBLISH_JOB) : null,
          }
        : null,
    });
  });
}

/** The chart's drawing, in the SVG's own units (its viewBox); the page scales it to fit. */
export type WeeklyChart = {
  width: number;
  height: number;
  plot: { left: number; right: number; top: number; bottom: number };
  ticks: { value: number; y: number }[];
  bars: {
    weekStart: string;
    label: string;
    total: number;
    x: number;
    y: number;
    width: number;
    height: number;
    centre: number;
    /** Every other week, counted back from the current one, goes unlabelled: the labels fit. */
    minor: boolean;
  }[];
};

const WIDTH = 360;
const HEIGHT = 220;
const PLOT = { left: 34, right: WIDTH - 6, top: 18, bottom: HEIGHT - 26 };

/** The smallest of 1, 2, 5 times a power of ten at least `n` (n > 0). */
function niceStep(n: number): number {
  const power = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= n)!;
}

/** Bars of each week's total decisions, on an axis from 0 in round steps. */
export function weeklyChart(weeks: readonly WeekDecisions[]): WeeklyChart {
  const max = Math.max(0, ...weeks.map((w) => w.total));
  const step = max === 0 ? 1 : Math.max(1, niceStep(max / 4));
  const top = Math.max(step, Math.ceil(max / step) * step);
  const height = PLOT.bottom - PLOT.top;
  const y = (value: number) => PLOT.bottom - (value / top) * height;
  const slot = (PLOT.right - PLOT.left) / Math.max(weeks.length, DECISION_WEEKS);
  const round = (n: number) => Math.round(n * 10) / 10;
  const ticks: WeeklyChart['ticks'] = [];
  for (let value = 0; value <= top; value += step) ticks.push({ value, y: round(y(value)) });
  return {
    width: WIDTH,
    height: HEIGHT,
    plot: PLOT,
    ticks,
    bars: weeks.map((w, i) => {
      const x = PLOT.left + slot * i + slot * 0.2;
      return {
        weekStart: w.weekStart,
        label: `${Number(w.weekStart.slice(5, 7))}/${Number(w.weekStart.slice(8, 10))}`,
        total: w.total,
        x: round(x),
        y: round(y(w.total)),
        width: round(slot * 0.6),
        height: round(PLOT.bottom - y(w.total)),
        centre: round(x + slot * 0.3),
        minor: (weeks.length - 1 - i) % 2 === 1,
      };
    }),
  };
}
