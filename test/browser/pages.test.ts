import { mkdir } from 'node:fs/promises';
import type { Page, Viewport } from 'puppeteer-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoPersons } from '../../lib/demo/index.js';
import { paths } from '../../routes/paths.js';
import {
  axeViolations,
  browserSuite,
  expectAccessibleAndFitting,
  LoginPage,
  navigating,
  openPage,
  PHONE,
  visit,
} from '../support/browser.js';

const SCREENS = '/tmp/screens';
const phone = PHONE;
const desktop = { width: 1280, height: 800 };
const viewports = [
  { name: '375', viewport: phone },
  { name: '1280', viewport: desktop as Viewport },
];
const person = demoPersons[0];

const suite = browserSuite();
const url = suite.url;

beforeAll(async () => {
  if (process.env.SCREENSHOTS) await mkdir(SCREENS, { recursive: true });
});

async function screenshot(page: Page, name: string) {
  if (process.env.SCREENSHOTS) {
    await page.screenshot({ path: `${SCREENS}/${name}.png`, fullPage: true });
  }
}

describe.each(viewports)('the home page at $name px', ({ name, viewport }) => {
  it('is Chinese, starts with the skip link, fits the width, passes axe, logs no errors', async () => {
    const { page, problems } = await openPage(suite.browser, viewport);
    try {
      await visit(page, url(paths.home));
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');

      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement;
        const box = el?.getBoundingClientRect();
        return {
          skipLink: el?.classList.contains('skip-link') ?? false,
          href: el?.getAttribute('href'),
          visible: !!box && box.left >= 0 && box.top >= 0 && box.width > 0 && box.height > 0,
        };
      });
      expect(focused).toEqual({ skipLink: true, href: '#main', visible: true });
      await screenshot(page, `home-${name}-skip-link`);
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        viewport.width,
      );
      expect(await axeViolations(page)).toEqual([]);
      expect(problems.consoleErrors).toEqual([]);
      expect(problems.pageErrors).toEqual([]);
      expect(await problems.cspViolations()).toEqual([]);
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, `home-${name}`);
    } finally {
      await page.close();
    }
  });
});

describe('the person login page', () => {
  it.each(viewports)(
    'passes axe at $name px, empty and after an empty submit that shows and focuses the error summary',
    async ({ name, viewport }) => {
      const { page, problems } = await openPage(suite.browser, viewport);
      try {
        const login = new LoginPage(page, url(paths.login.person));
        await login.open();
        expect(await axeViolations(page)).toEqual([]);
        await screenshot(page, `login-${name}`);

        const res = await login.submit();
        expect(res?.status()).toBe(422);
        expect(
          await page.evaluate(() => document.activeElement?.hasAttribute('data-error-summary')),
        ).toBe(true);
        expect(await login.errorLinks()).toEqual([
          { text: '请输入居民身份证号码', href: '#loginId' },
          { text: '请输入密码', href: '#password' },
        ]);
        // Each link names a field that exists, is marked invalid, and takes the focus when followed.
        for (const { href } of await login.errorLinks()) {
          const field = await page.$eval(href, (el) => ({
            tag: el.tagName,
            invalid: el.getAttribute('aria-invalid'),
          }));
          expect(field).toEqual({ tag: 'INPUT', invalid: 'true' });
          await page.click(`[data-testid="error-summary"] a[href="${href}"]`);
          expect(await page.evaluate(() => `#${document.activeElement?.id}`)).toBe(href);
        }
        await page.focus('[data-error-summary]');
        await page.evaluate(() => window.scrollTo(0, 0));
        expect(await axeViolations(page)).toEqual([]);
        // Chromium logs the 422 of the page itself; that status is meant, and nothing else is logged.
        expect(problems.consoleErrors).toEqual([expect.stringContaining('status of 422')]);
        expect(problems.pageErrors).toEqual([]);
        expect(await problems.cspViolations()).toEqual([]);
        await screenshot(page, `login-errors-${name}`);
      } finally {
        await page.close();
      }
    },
  );
});

describe('with JavaScript off', () => {
  it('the demo person logs in with the form, sees their page, and logs out', async () => {
    const { page } = await openPage(suite.browser, phone, { javaScript: false });
    try {
      const login = new LoginPage(page, url(paths.login.person));
      await login.open();
      const res = await login.logIn(person.idNumber, DEMO_PASSWORD);
      expect(res?.status()).toBe(200);
      expect(new URL(page.url()).pathname).toBe(paths.me.home);
      expect(await login.signedInAs()).toBe(person.name);
      expect(await page.$eval('main', (el) => el.textContent)).toContain(person.name);
      await screenshot(page, 'me-375-no-js');

      await navigating(page, () => page.click('.site-header button[type="submit"]'));
      expect(new URL(page.url()).pathname).toBe(paths.home);
      expect(await login.signedInAs()).toBeNull();
      expect(await page.$('a[href="/login/person"]')).not.toBeNull();
    } finally {
      await page.close();
    }
  });
});

describe('htmx', () => {
  it('loads and runs under the CSP without being blocked', async () => {
    const { page, problems } = await openPage(suite.browser, desktop);
    try {
      await visit(page, url(paths.home));
      expect(await page.evaluate(() => typeof (window as { htmx?: unknown }).htmx)).toBe('object');
      // The htmx-config meta tag is read: htmx injects no inline style and never evaluates.
      const config = await page.evaluate(() => {
        const { htmx } = window as unknown as { htmx: { config: Record<string, unknown> } };
        return { styles: htmx.config.includeIndicatorStyles, eval: htmx.config.allowEval };
      });
      expect(config).toEqual({ styles: false, eval: false });
      expect(await problems.cspViolations()).toEqual([]);
      expect(problems.consoleErrors).toEqual([]);
      expect(problems.pageErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe.each(viewports)('the help page at $name px', ({ viewport }) => {
  it('passes axe and fits the width, reached from the footer', async () => {
    const { page, problems } = await openPage(suite.browser, viewport);
    try {
      await visit(page, url(paths.home));
      await Promise.all([page.waitForNavigation(), page.click(`footer a[href="${paths.help}"]`)]);
      expect(await page.$eval('h1', (h) => h.textContent)).toBe('办事指南');
      await expectAccessibleAndFitting(page);
      expect(problems.pageErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
