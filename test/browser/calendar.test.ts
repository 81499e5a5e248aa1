import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../lib/demo/index.js';
import { paths } from '../../routes/paths.js';
import {
  browserSuite,
  checkPage,
  LoginPage,
  navigating,
  openPage,
  PHONE,
  visit,
} from '../support/browser.js';

// The admin's working-day calendar (issue 11) in a real Chromium: at 375 px and on a desktop,
// with JavaScript on and off; axe-clean, no sideways scrolling, errors beside the fields.

const suite = browserSuite();
const DESKTOP = { width: 1280, height: 900 };

async function typeInto(page: Page, selector: string, text: string) {
  await page.click(selector, { count: 3 });
  await page.keyboard.press('Backspace');
  if (text) await page.type(selector, text);
}

describe.each([
  ['375 px, JS on', PHONE, true, 2031],
  ['375 px, JS off', PHONE, false, 2032],
  ['desktop, JS on', DESKTOP, true, 2033],
  ['desktop, JS off', DESKTOP, false, 2034],
] as const)('the admin calendar page (%s)', (_label, viewport, javaScript, year) => {
  it('lists the years, refuses a bad entry beside its field, and saves a good one', async () => {
    const context = await suite.browser.createBrowserContext();
    try {
      const { page, problems } = await openPage(context, viewport, { javaScript });
      const login = new LoginPage(page, suite.url(paths.login.staff));
      await login.open();
      await login.logIn('guanli01', DEMO_PASSWORD);
      await visit(page, suite.url(paths.authority.calendar));
      expect(await page.$eval('[data-testid="calendar-years"]', (el) => el.textContent)).toContain(
        '2026年',
      );
      await checkPage(page, 'calendar', javaScript);

      await typeInto(page, '#year', String(year));
      await typeInto(page, '#source', '');
      await typeInto(page, '#holidays', `${year}-01-01 元旦\n${year}-02-30 春节`);
      const submit = () =>
        navigating(page, () => page.click('[data-testid="calendar-form"] button[type="submit"]'));
      await submit();
      const summary = await page.$$eval('[data-testid="error-summary"] a', (links) =>
        links.map((a) => a.getAttribute('href')),
      );
      expect(summary).toEqual(['#source', '#holidays']);
      if (javaScript) {
        expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
          'error-summary',
        );
      }
      expect(await page.$eval('#holidays', (el) => (el as HTMLTextAreaElement).value)).toContain(
        `${year}-02-30 春节`,
      );
      await checkPage(page, 'calendar refused', javaScript);

      await typeInto(page, '#source', `国务院办公厅关于${year}年部分节假日安排的通知`);
      await typeInto(page, '#holidays', `${year}-01-01 元旦`);
      await submit();
      expect(await page.$eval('[data-testid="calendar-saved"]', (el) => el.textContent)).toContain(
        `${year}年工作日历已保存`,
      );
      expect(await page.$eval('[data-testid="calendar-years"]', (el) => el.textContent)).toContain(
        `${year}年`,
      );
      await checkPage(page, 'calendar saved', javaScript);
      expect(problems.pageErrors).toEqual([]);
    } finally {
      await context.close();
      await suite.t.db.sql`delete from calendar_years where year = ${year}`;
    }
  });
});
