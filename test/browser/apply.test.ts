import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../routes/paths.js';
import {
  browserSuite,
  expectAccessibleAndFitting,
  fetchAs,
  LoginPage,
  navigating,
  openPage,
  PHONE,
} from '../support/browser.js';
import {
  addRegistryQualification,
  createEnterprise,
  createPerson,
  NOW,
  PASSWORD,
} from '../support/fixtures.js';

// A person walks an initial application from the dashboard to confirmation on a phone-sized
// screen, with JavaScript on (axe-core on every step) and off.

const phone = PHONE;

let contractScan: string;
const suite = browserSuite();
const url = suite.url;

beforeAll(async () => {
  suite.t.clock.set(NOW);
  await createEnterprise(suite.t.db.sql, NOW, { name: '南京金陵工程造价咨询有限公司' });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'scan-'));
  contractScan = path.join(dir, 'contract.pdf');
  await writeFile(contractScan, '%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
});

const click = (page: Page, selector: string) => navigating(page, () => page.click(selector));
const submit = (page: Page) => click(page, 'main form[method="post"] button[type="submit"]');
const setValue = (page: Page, selector: string, value: string) =>
  page.$eval(selector, (el, v) => ((el as HTMLInputElement).value = v), value);

for (const javaScript of [true, false]) {
  describe(`with JavaScript ${javaScript ? 'on' : 'off'}`, () => {
    it('files an initial application step by step and sees it wait for the enterprise', async () => {
      const person = await createPerson(suite.t.db.sql, NOW, { password: PASSWORD, name: '赵敏' });
      await addRegistryQualification(suite.t.db.sql, person, 'cost_engineer', '安装工程');
      const context = await suite.browser.createBrowserContext(); // its own cookies
      const { page, problems } = await openPage(context, phone, { javaScript });
      const axeChecked: string[] = [];
      const checkPage = async () => {
        if (!javaScript) return;
        await expectAccessibleAndFitting(page, new URL(page.url()).pathname);
        axeChecked.push(new URL(page.url()).pathname);
        if (process.env.SCREENSHOTS) {
          await page.screenshot({
            path: `/tmp/screens/apply-${axeChecked.length}.png`,
            fullPage: true,
          });
        }
      };
      try {
        const login = new LoginPage(page, url(paths.login.person));
        await login.open();
        await login.logIn(person.idNumber, PASSWORD);
        expect(new URL(page.url()).pathname).toBe(paths.me.home);
        await checkPage();

        await click(page, '[data-testid="start-application"]');
        await checkPage();
        await page.click('#kind'); // 初始注册
        await submit(page);
        await checkPage();
        await page.click('input[name="profession"][value="cost_engineer"]');
        await submit(page);

        expect(await page.$('[data-testid="eligible"]')).not.toBeNull();
        await checkPage();
        await submit(page);

        await page.type('#q', '金陵');
        await click(page, 'form[role="search"] button');
        await checkPage();
        await page.click('#enterpriseId');
        await submit(page);

        await checkPage();
        await page.type('#position', '造价员');
        await setValue(page, '#contractStart', '2025-03-01');
        await setValue(page, '#contractEnd', '2028-02-29');
        await submit(page);

        await checkPage();
        await page.click('input[name="specialties"][value="安装工程"]');
        await submit(page);

        await checkPage();
        const input = await page.$('input#upload-contract');
        await input!.uploadFile(contractScan);
        await click(page, 'form[enctype="multipart/form-data"] button[type="submit"]');
        expect(await page.$eval('[data-testid="materials"]', (el) => el.textContent)).toContain(
          'contract.pdf',
        );
        await click(page, 'main > div > form:last-of-type button[type="submit"]');

        const answers = await page.$eval(
          '[data-testid="application-answers"]',
          (el) => el.textContent ?? '',
        );
        expect(answers).toContain('南京金陵工程造价咨询有限公司');
        expect(answers).toContain('安装工程');
        await checkPage();
        // The preview of the form to be printed, marked 预览: the person's own PDF.
        const preview = await page.$eval('[data-testid="form-preview"] a', (el) =>
          el.getAttribute('href'),
        );
        const { response, bytes } = await fetchAs(context, page, preview!);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('application/pdf');
        expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
        await page.click('#commitment');
        await click(page, '[data-testid="confirm-application"]');

        const state = await page.$eval('[data-testid="application-state"]', (el) => el.textContent);
        expect(state).toBe('待企业确认');
        await checkPage();
        if (javaScript) {
          expect(axeChecked.length).toBe(10);
          expect(problems.pageErrors).toEqual([]);
          expect(await problems.cspViolations()).toEqual([]);
        }
      } finally {
        await context.close();
      }
    });
  });
}
