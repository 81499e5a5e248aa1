import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoEnterprises } from '../../lib/demo/index.js';
import { paths } from '../../routes/paths.js';
import {
  axeViolations,
  browserSuite,
  expectAccessibleAndFitting,
  fetchAs,
  LoginPage,
  navigating,
  openPage,
  PHONE,
} from '../support/browser.js';

// An enterprise with incomplete information is led to complete it, at 375 px, JS on and off.

const phone = PHONE;
const incomplete = demoEnterprises.find((e) => e.name === '南京新城建设工程有限公司')!;

const suite = browserSuite();

/** From the enterprise's list of applications, the one of the person named. */
async function openApplicationOf(page: Page, name: string): Promise<void> {
  const href = await page.$$eval(
    '[data-testid="applications"] a',
    (links, person) => links.find((a) => a.textContent?.includes(person))?.getAttribute('href'),
    name,
  );
  expect(href, `${name}'s application in the list`).toBeTruthy();
  await navigating(page, () => page.click(`[data-testid="applications"] a[href="${href}"]`));
}

describe('the enterprise information form', () => {
  for (const javaScript of [true, false]) {
    it(`is where the enterprise lands, and completing it opens the to-do list (JS ${javaScript ? 'on' : 'off'})`, async () => {
      await suite.t.db.sql`update enterprises set information_completed_at = null
                     where credit_code = ${incomplete.creditCode}`;
      const context = await suite.browser.createBrowserContext();
      const { page } = await openPage(context, phone, { javaScript });
      try {
        const login = new LoginPage(page, suite.url(paths.login.enterprise));
        await login.open();
        await login.logIn(incomplete.creditCode, DEMO_PASSWORD);
        expect(new URL(page.url()).pathname).toBe(paths.org.information);
        if (javaScript) expect(await axeViolations(page)).toEqual([]);
        for (const [field, value] of [
          ['legalRepresentative', '周建新'],
          ['address', '南京市秦淮区中山南路100号'],
          ['districtCode', '32010'],
          ['contactName', '王丽'],
          ['contactPhone', '025-84000123'],
        ]) {
          await page.click(`#${field}`, { count: 3 });
          await page.keyboard.press('Backspace');
          await page.type(`#${field}`, value!);
        }
        await navigating(page, () => page.click('main form button[type="submit"]'));
        expect(await page.$('[data-testid="error-summary"]')).not.toBeNull();
        if (javaScript) expect(await axeViolations(page)).toEqual([]);
        await page.click('#districtCode', { count: 3 });
        await page.keyboard.press('Backspace');
        await page.type('#districtCode', '320104');
        await navigating(page, () => page.click('main form button[type="submit"]'));
        expect(new URL(page.url()).pathname).toBe(paths.org.home);
        expect(await page.$('[data-testid="to-do"]')).not.toBeNull();
        if (javaScript) {
          await expectAccessibleAndFitting(page);
        }
      } finally {
        await context.close();
      }
    });
  }
});

describe('an employee’s application', () => {
  it('list, page and refused confirmation pass axe and fit 375 px', async () => {
    const ningyuan = demoEnterprises.find((e) => e.name === '南京宁远工程造价咨询有限公司')!;
    const context = await suite.browser.createBrowserContext();
    const { page, problems } = await openPage(context, phone);
    const check = async () => {
      await expectAccessibleAndFitting(page);
    };
    try {
      const login = new LoginPage(page, suite.url(paths.login.enterprise));
      await login.open();
      await login.logIn(ningyuan.creditCode, DEMO_PASSWORD);
      await navigating(page, () => page.click(`a[href="${paths.org.applications}"]`));
      await check();
      // 李娜's, waiting for the enterprise (the list's order depends on the hour of seeding).
      await openApplicationOf(page, '李娜');
      await check();
      await navigating(page, () => page.click('[data-testid="confirm"]'));
      expect(await page.$('[data-testid="error-summary"]')).not.toBeNull();
      await check();
      expect(await problems.cspViolations()).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('the employees list', () => {
  for (const javaScript of [true, false]) {
    it(`is searched by name and narrowed to validity ending soon, at 375 px (JS ${javaScript ? 'on' : 'off'})`, async () => {
      const huajian = demoEnterprises.find((e) => e.name === '江苏华建建设工程有限公司')!;
      const context = await suite.browser.createBrowserContext();
      const { page, problems } = await openPage(context, phone, { javaScript });
      const check = async () => {
        if (!javaScript) return;
        await expectAccessibleAndFitting(page);
      };
      try {
        const login = new LoginPage(page, suite.url(paths.login.enterprise));
        await login.open();
        await login.logIn(huajian.creditCode, DEMO_PASSWORD);
        await navigating(page, () => page.click(`a[href="${paths.org.employees}"]`));
        await check();
        const names = () =>
          page.$$eval('[data-testid="employees"] strong', (els) => els.map((e) => e.textContent));
        expect(await names()).toEqual(expect.arrayContaining(['张伟', '陈静']));
        await page.type('#q', '陈');
        await navigating(page, () => page.click('form[role="search"] button[type="submit"]'));
        expect(new Set(await names())).toEqual(new Set(['陈静']));
        await check();
        await page.click('#q', { count: 3 });
        await page.keyboard.press('Backspace');
        await page.click('#soon');
        await navigating(page, () => page.click('form[role="search"] button[type="submit"]'));
        expect(await names()).toEqual(['张伟']);
        await check();
        expect(await problems.cspViolations()).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});

describe('an application waiting for its signed form', () => {
  for (const javaScript of [true, false]) {
    it(`offers its form as a PDF to download, at 375 px (JS ${javaScript ? 'on' : 'off'})`, async () => {
      const huajian = demoEnterprises.find((e) => e.name === '江苏华建建设工程有限公司')!;
      const context = await suite.browser.createBrowserContext();
      const { page, problems } = await openPage(context, phone, { javaScript });
      try {
        const login = new LoginPage(page, suite.url(paths.login.enterprise));
        await login.open();
        await login.logIn(huajian.creditCode, DEMO_PASSWORD);
        await navigating(page, () => page.click(`a[href="${paths.org.applications}"]`));
        await openApplicationOf(page, '钱宇航');
        if (javaScript) await expectAccessibleAndFitting(page);
        const download = await page.$eval('[data-testid="download-form"]', (a) => ({
          href: a.getAttribute('href'),
          text: a.textContent,
        }));
        expect(download.text).toContain('下载申请表（PDF，第1版）');
        // The link is the enterprise's own PDF of the form, sent as a download.
        const { response, bytes } = await fetchAs(context, page, download.href!);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('application/pdf');
        expect(response.headers.get('content-disposition')).toMatch(/^attachment;/);
        expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
        expect(await problems.cspViolations()).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
