import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths, businessDate } from '../../lib/platform/index.js';
import { DEMO_PASSWORD, demoEnterprises, demoPersons } from '../../lib/demo/index.js';
import { paths } from '../../routes/paths.js';
import { stateNames } from '../../lib/workflow/index.js';
import { confirmDraft, saveDraft, startApplication } from '../../lib/filing/index.js';
import {
  browserSuite,
  expectAccessibleAndFitting,
  LoginPage,
  navigating,
  openPage,
  PHONE,
} from '../support/browser.js';
import { addRegistryQualification, createPerson, TINY_PDF } from '../support/fixtures.js';

// The enterprise portal end to end, at 375 px, with JavaScript on and off: an enterprise with
// incomplete information logs in, completes it, confirms an employee's application, prints the
// form, uploads the signed scan and submits it to the authority.

const xincheng = demoEnterprises.find((e) => e.name === '南京新城建设工程有限公司')!;
const zhuChen = demoPersons.find((p) => p.idNumber === '320104199306153736')!;

const suite = browserSuite();

let scanDir: string;
let signedScan: string;
beforeAll(async () => {
  scanDir = await mkdtemp(path.join(os.tmpdir(), 'jsreg-signed-form-'));
  signedScan = path.join(scanDir, '申请表扫描件.pdf');
  await writeFile(signedScan, TINY_PDF);
});
afterAll(async () => {
  if (scanDir) await rm(scanDir, { recursive: true, force: true });
});

type Walked = { id: string; applicationNumber: string; snapshotVersion: number; name: string };

/** 南京新城 as seeded: its information yet to be completed (the JS-on run completes it). */
async function resetEnterprise() {
  await suite.t.db.sql`
    update enterprises
    set information_completed_at = null, legal_representative = null, address = null,
        contact_name = null, contact_phone = null
    where credit_code = ${xincheng.creditCode}`;
}

/** 朱晨's seeded initial application, which the demo leaves waiting for 南京新城. */
async function zhuChensApplication(): Promise<Walked> {
  const [row] = await suite.t.db.sql<(Walked & { state: string })[]>`
    select a.id, a.application_number as "applicationNumber",
           a.snapshot_version as "snapshotVersion", p.name, a.state
    from applications a
      join persons p on p.id = a.person_id
      join enterprises e on e.id = a.enterprise_id
    where p.id_number = ${zhuChen.idNumber} and e.credit_code = ${xincheng.creditCode}`;
  expect(row?.state).toBe('awaiting_enterprise');
  return row!;
}

/**
 * A second application waiting for 南京新城, for the other run. 朱晨's is submitted by then, and
 * the workflow has no way back from 'submitted' to 'awaiting_enterprise'. So a new person files an
 * initial constructor application through the workflow itself (started, filled in, confirmed), with
 * a contract the submit guard accepts (three years from the 1st of four months ago, as the demo's).
 */
async function freshApplication(): Promise<Walked> {
  const { sql } = suite.t.db;
  const { services } = suite.t;
  const now = suite.t.clock.now();
  const name = '钱嘉怡';
  const person = await createPerson(sql, now, { name });
  await addRegistryQualification(sql, person, 'constructor', '市政公用工程');
  const [enterprise] = await sql<{ id: string }[]>`
    select id from enterprises where credit_code = ${xincheng.creditCode}`;
  const contractStart = `${addMonths(businessDate(now), -4).slice(0, 8)}01`;
  const app = await startApplication(services, person.accountId, {
    kind: 'initial',
    profession: 'constructor',
  });
  await saveDraft(services, person.accountId, app.id, {
    eligibilityChecked: true,
    enterpriseId: enterprise!.id,
    employment: {
      position: '施工员',
      contractStart,
      contractEnd: addDays(addMonths(contractStart, 36), -1),
    },
    specialties: ['市政公用工程'],
    uploads: { contract: person.fileId! },
  });
  const confirmed = await confirmDraft(services, person.accountId, app.id, app.version);
  return {
    id: confirmed.id,
    name,
    applicationNumber: confirmed.applicationNumber,
    snapshotVersion: confirmed.snapshotVersion,
  };
}

const text = (page: Page, selector: string) =>
  page.$eval(selector, (el) => el.textContent?.trim() ?? '');

describe('the enterprise portal, from login to submission', () => {
  for (const javaScript of [true, false]) {
    // A dozen pages, each through axe with JavaScript on: more than the default 30 s under load.
    it(
      `completes the information, confirms, prints, uploads and submits (JS ${javaScript ? 'on' : 'off'})`,
      { timeout: 90_000 },
      async () => {
        await resetEnterprise();
        const application = javaScript ? await zhuChensApplication() : await freshApplication();
        const context = await suite.browser.createBrowserContext();
        const { page, problems } = await openPage(context, PHONE, { javaScript });
        const pathname = () => new URL(page.url()).pathname;
        const done = () => new URL(page.url()).searchParams.get('done');
        // axe, the width and the CSP listener need JavaScript in the page (the listener's record
        // lasts one document, hence a look at every page rather than at the end only).
        const check = async () => {
          if (!javaScript) return;
          await expectAccessibleAndFitting(page);
          expect(await problems.cspViolations(), page.url()).toEqual([]);
        };
        try {
          // 1. Logging in leads to the information form, which must be completed first (rule 1).
          const login = new LoginPage(page, suite.url(paths.login.enterprise));
          await login.open();
          await check();
          await login.logIn(xincheng.creditCode, DEMO_PASSWORD);
          expect(pathname()).toBe(paths.org.information);
          await check();
          for (const [field, value] of [
            ['legalRepresentative', '周建新'],
            ['address', '南京市秦淮区中山南路100号'],
            ['districtCode', '320104'],
            ['contactName', '王丽'],
            ['contactPhone', '025-84000123'],
          ] as const) {
            await page.click(`#${field}`, { count: 3 });
            await page.keyboard.press('Backspace');
            await page.type(`#${field}`, value);
          }
          await navigating(page, () => page.click('main form button[type="submit"]'));
          expect(pathname()).toBe(paths.org.home);
          expect(Number(await text(page, '[data-testid="to-confirm"]'))).toBeGreaterThanOrEqual(1);
          await check();

          // 2. The application, its frozen snapshot, and the enterprise's confirmation.
          await navigating(page, () => page.click(`main a[href="${paths.org.applications}"]`));
          expect(pathname()).toBe(paths.org.applications);
          await check();
          await navigating(page, () =>
            page.click(
              `[data-testid="applications"] a[href="${paths.org.application(application.id)}"]`,
            ),
          );
          expect(pathname()).toBe(paths.org.application(application.id));
          expect(await text(page, '[data-testid="application-answers"]')).toContain(
            application.name,
          );
          expect(await text(page, '[data-testid="application-state"]')).toBe(
            stateNames.awaiting_enterprise,
          );
          await check();
          await page.click('label[for="commitment"]');
          expect(await page.$eval('input[name="commitment"]', (el) => el.checked)).toBe(true);
          await navigating(page, () => page.click('[data-testid="confirm"]'));
          expect(done()).toBe('confirmed');
          expect(await page.$('[data-testid="done"]')).not.toBeNull();
          expect(await text(page, '[data-testid="application-state"]')).toBe('待企业上传申请表');
          await check();

          // 3. The print-ready form of this snapshot version, and back.
          await navigating(page, () => page.click('[data-testid="print-form"]'));
          expect(pathname()).toBe(paths.org.form(application.id));
          const form = await text(page, '[data-testid="application-form"]');
          expect(form).toContain(application.applicationNumber);
          expect(form).toMatch(new RegExp(`申请表版本\\s*${application.snapshotVersion}\\b`));
          expect(form).toContain(application.name);
          await check();
          await navigating(page, () =>
            page.click(
              `[data-testid="application-form"] a[href="${paths.org.application(application.id)}"]`,
            ),
          );
          expect(pathname()).toBe(paths.org.application(application.id));
          await check();

          // 4. The signed and stamped scan, then submission to the authority.
          const input = (await page.$('#signedForm')) as ElementHandle<HTMLInputElement> | null;
          expect(input).not.toBeNull();
          await input!.uploadFile(signedScan);
          await navigating(page, () =>
            page.click('form[action$="/signed-form"] button[type="submit"]'),
          );
          expect(done()).toBe('uploaded');
          expect(await page.$('[data-testid="done"]')).not.toBeNull();
          expect(await page.$('[data-testid="error-summary"]')).toBeNull();
          await check();
          await navigating(page, () => page.click('[data-testid="submit"]'));
          expect(done()).toBe('submitted');
          expect(await page.$('[data-testid="done"]')).not.toBeNull();
          expect(await text(page, '[data-testid="application-state"]')).toBe('待受理');
          await check();

          expect(problems.pageErrors).toEqual([]);
          expect(problems.consoleErrors).toEqual([]);
          expect(await problems.cspViolations()).toEqual([]);
        } finally {
          await context.close();
        }

        const [row] = await suite.t.db.sql<
          { state: string; snapshotVersion: number; signedVersion: number | null }[]
        >`
        select state, snapshot_version as "snapshotVersion",
               signed_form_snapshot_version as "signedVersion"
        from applications where id = ${application.id}`;
        expect(row).toEqual({
          state: 'submitted',
          snapshotVersion: application.snapshotVersion,
          signedVersion: application.snapshotVersion,
        });
      },
    );
  }
});
