import type { Page, Viewport } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../lib/demo/index.js';
import { paths } from '../../routes/paths.js';
import { browserSuite, checkPage, LoginPage, openPage, PHONE, visit } from '../support/browser.js';

// The service-level dashboard (issue 14 item 3) in a real Chromium, at 375 px and on a desktop,
// with JavaScript on and off, over the demo data (seeded relative to today, so its decisions fall
// in the last weeks): axe-core finds nothing, the page fits the window, the SVG chart's bars say
// what the table beside it says, and the table (not the chart) is what screen readers and print get.

const suite = browserSuite();
const DESKTOP: Viewport = { width: 1280, height: 900 };

/** Each bar of the chart: its week and total, as its data attributes and its printed value. */
function chartBars(page: Page) {
  return page.$$eval('[data-testid="decisions-chart"] [data-testid="chart-bar"]', (bars) =>
    bars.map((bar) => ({
      week: bar.getAttribute('data-week'),
      total: Number(bar.getAttribute('data-total')),
      shown: Number(bar.querySelector('[data-testid="chart-value"]')?.textContent),
      height: Number(bar.querySelector('rect')?.getAttribute('height')),
    })),
  );
}

/** Each row of the weeks table: its week and the figures in its cells. */
function tableWeeks(page: Page) {
  return page.$$eval('[data-testid="weeks-table"] [data-testid="week-row"]', (rows) =>
    rows.map((row) => {
      const figure = (name: string) =>
        Number(row.querySelector(`[data-figure="${name}"]`)?.textContent?.trim());
      return {
        week: row.getAttribute('data-week'),
        approval: figure('approval'),
        refusal: figure('refusal'),
        notAccepted: figure('notAccepted'),
        total: figure('total'),
      };
    }),
  );
}

describe.each([
  ['375 px, JS on', PHONE, true, 'shenhe01'],
  ['375 px, JS off', PHONE, false, 'guanli01'],
  ['desktop, JS on', DESKTOP, true, 'guanli01'],
  ['desktop, JS off', DESKTOP, false, 'shenhe01'],
] as const)('the dashboard (%s)', (label, viewport, javaScript, loginId) => {
  it('is accessible, fits the window, and its chart and table give the same figures', async () => {
    const context = await suite.browser.createBrowserContext();
    try {
      const { page, problems } = await openPage(context, viewport, { javaScript });
      const login = new LoginPage(page, suite.url(paths.login.staff));
      await login.open();
      await login.logIn(loginId, DEMO_PASSWORD);
      expect(await login.signedInAs()).not.toBeNull();

      await visit(page, suite.url(paths.authority.dashboard));
      expect(await page.$eval('h1', (h) => h.textContent)).toBe('办理情况');
      await checkPage(page, `dashboard ${label}`, javaScript);
      if (javaScript) expect(await problems.cspViolations()).toEqual([]);

      const bars = await chartBars(page);
      const weeks = await tableWeeks(page);
      expect(bars).toHaveLength(12);
      expect(bars.map((b) => ({ week: b.week, total: b.total }))).toEqual(
        weeks.map((w) => ({ week: w.week, total: w.total })),
      );
      expect(bars.every((b) => b.shown === b.total)).toBe(true);
      // Each row's total is its kinds' sum, and a taller bar is a larger total.
      expect(weeks.every((w) => w.total === w.approval + w.refusal + w.notAccepted)).toBe(true);
      for (const a of bars) {
        for (const b of bars) if (a.total > b.total) expect(a.height).toBeGreaterThan(b.height);
      }
      // The demo's decisions fall in these weeks: the chart is not empty.
      expect(bars.some((b) => b.total > 0)).toBe(true);

      // Screen readers get the table: the chart is hidden from them.
      expect(
        await page.$eval('[data-testid="decisions-chart"]', (svg) =>
          svg.getAttribute('aria-hidden'),
        ),
      ).toBe('true');
      // Print gets the table, not the chart.
      await page.emulateMediaType('print');
      expect(
        await page.$eval('[data-testid="decisions-chart"]', (svg) => svg.getClientRects().length),
      ).toBe(0);
      expect(
        await page.$eval('[data-testid="weeks-table"]', (t) => t.getClientRects().length),
      ).toBeGreaterThan(0);
      await page.emulateMediaType('screen');

      // On a desktop the chart and the table stand side by side; on a phone, one above the other.
      const [chartBox, tableBox] = await Promise.all(
        ['[data-testid="decisions-chart"]', '[data-testid="weeks-table"]'].map((s) =>
          page.$eval(s, (el) => {
            const r = el.getBoundingClientRect();
            return { top: r.top, bottom: r.bottom, left: r.left };
          }),
        ),
      );
      if (viewport.width >= 800) {
        expect(tableBox!.left).toBeGreaterThan(chartBox!.left);
        expect(tableBox!.top).toBeLessThan(chartBox!.bottom);
      } else {
        expect(tableBox!.top).toBeGreaterThanOrEqual(chartBox!.bottom);
      }
      expect(problems.pageErrors).toEqual([]);
      expect(problems.consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
