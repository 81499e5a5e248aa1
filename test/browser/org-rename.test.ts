import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openItem, requestCorrections } from '../../lib/corrections/index.js';
import { DEMO_PASSWORD, demoEnterprises } from '../../lib/demo/index.js';
import { RENAME_REFUSED } from '../../lib/enterprise/index.js';
import { LICENCE_TYPES } from '../../lib/reference/index.js';
import { paths } from '../../routes/paths.js';
import type { PageProblems } from '../support/browser.js';
import {
  browserSuite,
  expectAccessibleAndFitting,
  LoginPage,
  navigating,
  openPage,
  PHONE,
  visit,
} from '../support/browser.js';
import {
  addRegistration,
  createEnterprise,
  createPerson,
  insertApplication,
  NOW,
  officerAccountId,
  PASSWORD,
  TINY_PDF,
} from '../support/fixtures.js';

// The enterprise's rename (rule 9) and its correction items (材料补正, rule 12) in real Chromium at
// 375 px: the rename filed and withdrawn with JavaScript on and off, the page that refuses a
// rename, and the licence and material items supplied from the application page.

const xijian = demoEnterprises.find((e) => e.creditCode === '91320211136012847C')!;
const REGISTRY_NAME = '无锡锡建建设集团有限公司';

const suite = browserSuite();

let fileDir: string;
let businessLicence: string;
let nameChangeNotice: string;
let correctionScan: string;
beforeAll(async () => {
  fileDir = await mkdtemp(path.join(os.tmpdir(), 'jsreg-org-rename-'));
  businessLicence = path.join(fileDir, '营业执照.pdf');
  nameChangeNotice = path.join(fileDir, '名称变更通知书.pdf');
  correctionScan = path.join(fileDir, '社保缴纳证明.pdf');
  for (const file of [businessLicence, nameChangeNotice, correctionScan]) {
    await writeFile(file, TINY_PDF);
  }
});
afterAll(async () => {
  if (fileDir) await rm(fileDir, { recursive: true, force: true });
});

const text = (page: Page, selector: string) =>
  page.$eval(selector, (el) => el.textContent?.trim() ?? '');

const pathname = (page: Page) => new URL(page.url()).pathname;

/** The error summary's links, as text and href; empty when there is none. */
const errorLinks = (page: Page) =>
  page.$$eval('[data-testid="error-summary"] a', (links) =>
    links.map((a) => ({ text: a.textContent?.trim() ?? '', href: a.getAttribute('href') ?? '' })),
  );

/** Which element has the focus, by its data-testid or id. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el?.getAttribute('data-testid') ?? el?.id ?? el?.tagName ?? null;
  });

/**
 * axe, the width and the CSP listener need JavaScript in the page; the listener's record lasts
 * one document, hence a look at every page.
 */
function checker(page: Page, problems: PageProblems, javaScript: boolean) {
  return async () => {
    if (!javaScript) return;
    await expectAccessibleAndFitting(page);
    expect(await problems.cspViolations(), page.url()).toEqual([]);
  };
}

/**
 * Console errors but Chromium's note of the refused submissions, which answer 422 on purpose
 * ("Failed to load resource: the server responded with a status of 422").
 */
const unexpected = (errors: string[]) => errors.filter((e) => !/status of 422\b/.test(e));

async function attach(page: Page, selector: string, file: string) {
  const input = (await page.$(selector)) as ElementHandle<HTMLInputElement> | null;
  expect(input, selector).not.toBeNull();
  await input!.uploadFile(file);
}

describe('enterprise rename', () => {
  for (const javaScript of [true, false]) {
    it(
      `shows the registry's name, asks for the proofs and the commitment, files and withdraws (JS ${javaScript ? 'on' : 'off'})`,
      { timeout: 90_000 },
      async () => {
        const context = await suite.browser.createBrowserContext();
        const { page, problems } = await openPage(context, PHONE, { javaScript });
        const check = checker(page, problems, javaScript);
        try {
          const login = new LoginPage(page, suite.url(paths.login.enterprise));
          await login.open();
          await login.logIn(xijian.creditCode, DEMO_PASSWORD);
          expect(pathname(page)).toBe(paths.org.home);
          await check();

          // The rename page, from the home page's link.
          await navigating(page, () => page.click(`main a[href="${paths.org.rename}"]`));
          expect(pathname(page)).toBe(paths.org.rename);
          expect(await text(page, '[data-testid="registry-name"]')).toBe(REGISTRY_NAME);
          expect(await page.$('[data-testid="rename-form"]')).not.toBeNull();
          expect(await page.$('[data-testid="rename-refused"]')).toBeNull();
          await check();

          // Nothing: both proofs and the commitment are asked for.
          await navigating(page, () => page.click('[data-testid="rename-submit"]'));
          expect(await page.$('[data-testid="error-summary"]')).not.toBeNull();
          expect(await errorLinks(page)).toEqual([
            { text: '请上传更名后的营业执照扫描件', href: '#business-licence' },
            { text: '请上传企业名称变更通知书扫描件', href: '#name-change-notice' },
            { text: '请阅读并勾选承诺后再提交', href: '#commitment' },
          ]);
          // public/js/app.js moves the focus to the error summary.
          if (javaScript) expect(await focused(page)).toBe('error-summary');
          await check();

          // The commitment and both proofs: filed, waiting for the authority.
          await page.click('label[for="commitment"]');
          expect(await page.$eval('#commitment', (el) => (el as HTMLInputElement).checked)).toBe(
            true,
          );
          await attach(page, '#business-licence', businessLicence);
          await attach(page, '#name-change-notice', nameChangeNotice);
          await navigating(page, () => page.click('[data-testid="rename-submit"]'));
          expect(pathname(page)).toBe(paths.org.rename);
          expect(new URL(page.url()).searchParams.get('done')).toBe('filed');
          expect(await page.$('[data-testid="error-summary"]')).toBeNull();
          expect(await page.$('[data-testid="done"]')).not.toBeNull();
          expect(await text(page, '[data-testid="rename-state"]')).toBe('待受理');
          expect(await text(page, '[data-testid="rename-application"]')).toContain(
            `${xijian.name} → ${REGISTRY_NAME}`,
          );
          expect(await page.$('[data-testid="rename-form"]')).toBeNull();
          await check();

          // Withdrawn: the form is back, for the next run to file again.
          await navigating(page, () => page.click('[data-testid="rename-withdraw"]'));
          expect(new URL(page.url()).searchParams.get('done')).toBe('withdrawn');
          expect(await page.$('[data-testid="done"]')).not.toBeNull();
          expect(await text(page, '[data-testid="rename-state"]')).toBe('已撤回');
          expect(await page.$('[data-testid="rename-withdraw"]')).toBeNull();
          expect(await page.$('[data-testid="rename-form"]')).not.toBeNull();
          await check();

          expect(problems.pageErrors).toEqual([]);
          expect(unexpected(problems.consoleErrors)).toEqual([]);
        } finally {
          await context.close();
        }
      },
    );
  }

  it('is refused, with no form, while the registry holds the current name', async () => {
    const { sql } = suite.t.db;
    const enterprise = await createEnterprise(sql, NOW, { password: PASSWORD });
    await sql`insert into legal_person_registry (credit_code, name, updated_at)
      select credit_code, name, ${NOW} from enterprises where id = ${enterprise.enterpriseId}`;
    const [{ name } = { name: '' }] = await sql<{ name: string }[]>`
      select name from enterprises where id = ${enterprise.enterpriseId}`;
    const context = await suite.browser.createBrowserContext();
    const { page, problems } = await openPage(context, PHONE);
    const check = checker(page, problems, true);
    try {
      const login = new LoginPage(page, suite.url(paths.login.enterprise));
      await login.open();
      await login.logIn(enterprise.creditCode, PASSWORD);
      await navigating(page, () => page.click(`main a[href="${paths.org.rename}"]`));
      expect(pathname(page)).toBe(paths.org.rename);
      expect(await text(page, '[data-testid="registry-name"]')).toBe(name);
      expect(await text(page, '[data-testid="rename-refused"]')).toContain(RENAME_REFUSED);
      expect(RENAME_REFUSED).toBe('如法人库非更名后企业名称，请勿申请');
      expect(await page.$('[data-testid="rename-form"]')).toBeNull();
      await check();
      expect(problems.pageErrors).toEqual([]);
      expect(problems.consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

/**
 * A fresh enterprise with two open items: its licence on an architect's completed application
 * (rule 12, not blocking), and materials the authority asks for on a constructor's application
 * under review.
 */
async function enterpriseWithItems() {
  const { sql } = suite.t.db;
  const enterprise = await createEnterprise(sql, NOW, { password: PASSWORD });
  const architect = await createPerson(sql, NOW, { name: '蔡思远' });
  const registrationId = await addRegistration(
    sql,
    NOW,
    architect,
    enterprise,
    'architect',
    [],
    '2029-11-24',
  );
  const licenceApplication = await insertApplication(sql, NOW, {
    kind: 'initial',
    state: 'completed',
    profession: 'architect',
    personId: architect.personId,
    enterpriseId: enterprise.enterpriseId,
    registrationId,
  });
  const licenceItem = await sql.begin((tx) =>
    openItem(
      tx,
      licenceApplication,
      {
        addressedTo: 'enterprise',
        what: '企业资质类型及资质证号',
        why: '确认申请时选择了“暂无资质”',
        blocksReview: false,
        openedBy: null,
        asks: 'licence',
      },
      NOW,
    ),
  );
  const constructor = await createPerson(sql, NOW, { name: '陆雨晨' });
  const materialApplication = await insertApplication(sql, NOW, {
    kind: 'initial',
    state: 'under_review',
    profession: 'constructor',
    personId: constructor.personId,
    enterpriseId: enterprise.enterpriseId,
  });
  const officer = await officerAccountId(sql);
  await requestCorrections(suite.t.services, {
    applicationId: materialApplication,
    officerAccountId: officer,
    items: [{ addressedTo: 'enterprise', what: '社保缴纳证明', why: '需核实聘用关系' }],
  });
  const [materialItem] = await sql<{ id: string }[]>`
    select id from correction_items where application_id = ${materialApplication}`;
  return {
    enterprise,
    licence: { applicationId: licenceApplication, itemId: licenceItem },
    material: { applicationId: materialApplication, itemId: materialItem!.id },
  };
}

describe('correction items addressed to the enterprise', () => {
  for (const javaScript of [true, false]) {
    it(
      `are listed on the home page and supplied from the application page (JS ${javaScript ? 'on' : 'off'})`,
      { timeout: 90_000 },
      async () => {
        const { enterprise, licence, material } = await enterpriseWithItems();
        const itemLink = (item: { applicationId: string; itemId: string }) =>
          `[data-testid="open-item-list"] a[href="${paths.org.application(item.applicationId)}#item-${item.itemId}"]`;
        const context = await suite.browser.createBrowserContext();
        const { page, problems } = await openPage(context, PHONE, { javaScript });
        const check = checker(page, problems, javaScript);
        try {
          const login = new LoginPage(page, suite.url(paths.login.enterprise));
          await login.open();
          await login.logIn(enterprise.creditCode, PASSWORD);
          expect(pathname(page)).toBe(paths.org.home);
          expect(await text(page, '[data-testid="open-items"]')).toBe('2');
          const list = await text(page, '[data-testid="open-item-list"]');
          expect(list).toContain('企业资质类型及资质证号');
          expect(list).toContain('社保缴纳证明');
          expect(await page.$(itemLink(licence))).not.toBeNull();
          expect(await page.$(itemLink(material))).not.toBeNull();
          await check();

          // The licence item: refused empty, then supplied.
          const licenceField = `correction-${licence.itemId}`;
          const licenceForm = `#item-${licence.itemId} form`;
          await navigating(page, () => page.click(itemLink(licence)));
          expect(pathname(page)).toBe(paths.org.application(licence.applicationId));
          expect(await page.$(`#${licenceField}-licenceType`)).not.toBeNull();
          await check();
          await navigating(page, () => page.click(`${licenceForm} button[type="submit"]`));
          expect(await errorLinks(page)).toEqual([
            { text: '请选择资质类型', href: `#${licenceField}-licenceType` },
            { text: '请填写资质证号', href: `#${licenceField}-licenceNumber` },
          ]);
          if (javaScript) expect(await focused(page)).toBe('error-summary');
          await check();
          await page.select(`#${licenceField}-licenceType`, LICENCE_TYPES[0]);
          await page.type(`#${licenceField}-licenceNumber`, 'A132000001');
          await navigating(page, () => page.click(`${licenceForm} button[type="submit"]`));
          expect(pathname(page)).toBe(paths.org.application(licence.applicationId));
          expect(new URL(page.url()).searchParams.get('done')).toBe('supplied');
          expect(await page.$('[data-testid="error-summary"]')).toBeNull();
          expect(await page.$('[data-testid="done"]')).not.toBeNull();
          const record = await text(page, '[data-testid="corrections-record"]');
          expect(record).toContain(LICENCE_TYPES[0]);
          expect(record).toContain('证号 A132000001');
          expect(await page.$(`#item-${licence.itemId}`)).toBeNull();
          await check();

          // The material item, from the home page, which now lists it alone.
          await visit(page, suite.url(paths.org.home));
          expect(pathname(page)).toBe(paths.org.home);
          expect(await text(page, '[data-testid="open-items"]')).toBe('1');
          expect(await page.$(itemLink(licence))).toBeNull();
          await check();
          const materialField = `correction-${material.itemId}`;
          await navigating(page, () => page.click(itemLink(material)));
          expect(pathname(page)).toBe(paths.org.application(material.applicationId));
          await check();
          await page.type(`#${materialField}-note`, '2026年1月至10月社保缴纳证明');
          await attach(page, `#${materialField}`, correctionScan);
          await navigating(page, () =>
            page.click(`#item-${material.itemId} form button[type="submit"]`),
          );
          expect(new URL(page.url()).searchParams.get('done')).toBe('supplied');
          expect(await page.$('[data-testid="error-summary"]')).toBeNull();
          expect(await page.$('[data-testid="done"]')).not.toBeNull();
          const materials = await text(page, '[data-testid="corrections-record"]');
          expect(materials).toContain('社保缴纳证明');
          expect(materials).toContain('2026年1月至10月社保缴纳证明');
          expect(await page.$('[data-testid="corrections-record"] a')).not.toBeNull();
          expect(await page.$(`#item-${material.itemId}`)).toBeNull();
          await check();

          expect(problems.pageErrors).toEqual([]);
          expect(unexpected(problems.consoleErrors)).toEqual([]);
        } finally {
          await context.close();
        }

        const items = await suite.t.db.sql<{ id: string; supplied: unknown }[]>`
          select id, supplied from correction_items
          where id in ${suite.t.db.sql([licence.itemId, material.itemId])} and closed_at is not null`;
        expect(items).toHaveLength(2);
      },
    );
  }
});
