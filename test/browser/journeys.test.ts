import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, ElementHandle, HTTPRequest, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveDraft, startApplication, stepsFor, stepTitles } from '../../lib/filing/index.js';
import type { StepId } from '../../lib/filing/index.js';
import { readApplication } from '../../lib/workflow/index.js';
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
import type { PersonFixture } from '../support/fixtures.js';
import {
  addRegistration,
  addRegistryQualification,
  createEnterprise,
  createPerson,
  insertApplication,
  NOW,
  PASSWORD,
  TINY_PDF,
} from '../support/fixtures.js';

// The journeys of issue 10 (items 6, 8 and 15) in a real Chromium at 375 px: what
// test/integration/journeys.test.ts checks in the HTML, checked here as a person on a phone sees
// and uses it. Every page visited passes axe and fits the width.

const suite = browserSuite();
const url = suite.url;
let dir: string;
let contractScan: string;
let emptyScan: string;

beforeAll(async () => {
  suite.t.clock.set(NOW);
  dir = await mkdtemp(path.join(os.tmpdir(), 'jsreg-journeys-browser-'));
  contractScan = path.join(dir, '劳动合同.pdf');
  emptyScan = path.join(dir, '空白合同.pdf');
  await writeFile(contractScan, TINY_PDF);
  await writeFile(emptyScan, Buffer.alloc(0));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const pathname = (page: Page) => new URL(page.url()).pathname;
const click = (page: Page, selector: string) => navigating(page, () => page.click(selector));
/** The main form's own button (the header holds the logout form's). */
const submit = (page: Page) => click(page, 'main form[method="post"] button[type="submit"]');

/** A browser context of its own (its own cookies), a phone-sized page, signed in as the person. */
async function signedIn(
  person: PersonFixture,
  { javaScript = true }: { javaScript?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page; check: (label?: string) => Promise<void> }> {
  const context = await suite.browser.createBrowserContext();
  const { page, problems } = await openPage(context, PHONE, { javaScript });
  const check = async (label = pathname(page)) => {
    await checkPage(page, label, javaScript);
    expect(problems.pageErrors, label).toEqual([]);
  };
  const login = new LoginPage(page, url(paths.login.person));
  await login.open();
  await check('login');
  await login.logIn(person.idNumber, PASSWORD);
  expect(pathname(page)).toBe(paths.me.home);
  await check('dashboard');
  return { context, page, check };
}

/**
 * Where an element is drawn: its text as shown (innerText), and whether it is wholly on the
 * first screen of a 375 px window, not hidden, and not cut off.
 */
function onScreen(page: Page, selector: string) {
  return page.$eval(
    selector,
    (el, width) => {
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return {
        text: (el as HTMLElement).innerText.trim(),
        shown:
          box.width > 0 &&
          box.height > 0 &&
          box.left >= 0 &&
          box.top >= 0 &&
          box.right <= Math.min(width, window.innerWidth) &&
          box.bottom <= window.innerHeight &&
          style.visibility === 'visible' &&
          Number(style.opacity) > 0 &&
          el.scrollWidth <= el.clientWidth,
      };
    },
    PHONE.width,
  );
}

async function upload(page: Page, purpose: string, file: string) {
  const input = (await page.$(`#upload-${purpose}`)) as ElementHandle<HTMLInputElement> | null;
  expect(input, `#upload-${purpose}`).not.toBeNull();
  await input!.uploadFile(file);
  return click(page, `form[action$="/uploads/${purpose}"] button[type="submit"]`);
}

describe('the wizard’s step count (issue 10, item 8)', () => {
  it('each step of an initial cost-engineer application shows 第 n 步，共 m 步 and its name on the first screen', async () => {
    const { sql } = suite.t.db;
    const person = await createPerson(sql, NOW, { password: PASSWORD, name: '周步' });
    await addRegistryQualification(sql, person, 'cost_engineer', '土木建筑工程');
    await createEnterprise(sql, NOW, { name: '常州步步高工程造价咨询有限公司' });
    const app = await startApplication(suite.t.services, person.accountId, {
      kind: 'initial',
      profession: 'cost_engineer',
    });
    const steps: StepId[] = [
      'eligibility',
      'employer',
      'employment',
      'specialties',
      'uploads',
      'check',
    ];
    expect(stepsFor('initial', 'cost_engineer')).toEqual(steps);

    const { context, page, check } = await signedIn(person);
    const seen: { step: string; n: number; m: number }[] = [];
    /** The page is the step's; its count and name are on the first screen. */
    const atStep = async (step: StepId) => {
      expect(pathname(page)).toBe(paths.me.step(app.id, step));
      const count = await onScreen(page, '[data-testid="step-count"]');
      const name = await onScreen(page, 'main h1');
      expect(count.shown, `${step}: the step count on screen`).toBe(true);
      expect(name, step).toEqual({ text: stepTitles[step], shown: true });
      const match = /^第 (\d+) 步，共 (\d+) 步$/.exec(count.text);
      expect(match, `${step}: ${count.text}`).not.toBeNull();
      seen.push({ step, n: Number(match![1]), m: Number(match![2]) });
      await check(step);
    };
    try {
      await visit(page, url(paths.me.step(app.id, 'eligibility')));
      await atStep('eligibility');
      expect(await page.$('[data-testid="eligible"]')).not.toBeNull();
      await submit(page);

      await atStep('employer');
      await page.type('#q', '步步高');
      await click(page, 'form[role="search"] button');
      await check('employer search results');
      await page.click('#enterpriseId');
      await submit(page);

      await atStep('employment');
      await page.type('#position', '造价员');
      await page.type('#contractStart', '2026-01-01');
      await page.type('#contractEnd', '2029-12-31');
      await submit(page);

      await atStep('specialties');
      await page.click('input[name="specialties"][value="土木建筑工程"]');
      await submit(page);

      await atStep('uploads');
      await upload(page, 'contract', contractScan);
      await check('uploads, with the contract');
      await click(page, `main form[action="${paths.me.step(app.id, 'uploads')}"] button`);

      await atStep('check');
      expect(await page.$('[data-testid="confirm-application"]')).not.toBeNull();
    } finally {
      await context.close();
    }
    expect(seen).toEqual(steps.map((step, i) => ({ step, n: i + 1, m: steps.length })));
  });
});

describe('refused at the step where it is known (issue 10, item 6)', () => {
  it('the specialty step of an additional registration offers only the possible specialties', async () => {
    const { sql } = suite.t.db;
    const person = await createPerson(sql, NOW, { password: PASSWORD, name: '吴增' });
    const enterprise = await createEnterprise(sql, NOW);
    for (const specialty of ['土木建筑工程', '安装工程', '水利工程']) {
      await addRegistryQualification(sql, person, 'cost_engineer', specialty);
    }
    await addRegistration(
      sql,
      NOW,
      person,
      enterprise,
      'cost_engineer',
      ['安装工程'],
      '2028-06-30',
    );
    const app = await startApplication(suite.t.services, person.accountId, {
      kind: 'additional',
      profession: 'cost_engineer',
    });
    const { context, page, check } = await signedIn(person);
    try {
      await visit(page, url(paths.me.step(app.id, 'specialties')));
      await check('additional specialties');
      const offered = await page.$$eval('main input[name="specialties"]', (inputs) =>
        inputs.map((i) => ({
          value: i.value,
          type: i.type,
          label: i.labels?.[0]?.innerText.trim(),
        })),
      );
      // Qualified in three, registered in 安装工程 already, not qualified in 交通运输工程.
      expect(offered).toEqual([
        { value: '土木建筑工程', type: 'checkbox', label: '土木建筑工程' },
        { value: '水利工程', type: 'checkbox', label: '水利工程' },
      ]);
      await page.click('input[name="specialties"][value="水利工程"]');
      await submit(page);
      expect(pathname(page)).toBe(paths.me.step(app.id, 'uploads'));
      expect((await readApplication(sql, app.id))!.draft).toMatchObject({
        specialties: ['水利工程'],
      });
    } finally {
      await context.close();
    }
  });

  it('a blocked self-check shows why with links, offers no 继续, and its 个人信息 link works from the keyboard', async () => {
    const { sql } = suite.t.db;
    const person = await createPerson(sql, NOW, { password: PASSWORD, name: '郑缺' });
    await addRegistryQualification(sql, person, 'constructor', '建筑工程');
    await sql`update persons set phone = null where id = ${person.personId}`;
    const app = await startApplication(suite.t.services, person.accountId, {
      kind: 'initial',
      profession: 'constructor',
    });
    const { context, page, check } = await signedIn(person);
    try {
      await visit(page, url(paths.me.step(app.id, 'eligibility')));
      await check('blocked eligibility');
      const reasons = await page.$$eval('[data-testid="not-eligible"] li', (items) =>
        items.map((li) => ({
          text: li.innerText.trim(),
          links: [...li.querySelectorAll('a')].map((a) => a.getAttribute('href')),
        })),
      );
      expect(reasons.length).toBeGreaterThan(0);
      expect(reasons.every((r) => r.links.length > 0)).toBe(true);
      expect(reasons.flatMap((r) => r.links)).toContain(paths.me.profile);
      // No button that would only repeat the refusal: the main part has no form at all.
      const buttons = await page.$$eval('main button', (list) =>
        list.map((b) => b.textContent?.trim()),
      );
      expect(buttons).not.toContain('继续');
      expect(
        await page.$(`main form[action="${paths.me.step(app.id, 'eligibility')}"]`),
      ).toBeNull();

      // Tab through the page, as a keyboard user does, to the profile link; Enter follows it.
      const profileLink = `[data-testid="not-eligible"] a[href="${paths.me.profile}"]`;
      let reached = false;
      for (let i = 0; i < 30 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = await page.$eval(profileLink, (a) => a === document.activeElement);
      }
      expect(reached, 'the 个人信息 link is reached with Tab').toBe(true);
      await navigating(page, () => page.keyboard.press('Enter'));
      expect(pathname(page)).toBe(paths.me.profile);
      await check('profile, from the blocked self-check');
    } finally {
      await context.close();
    }
  });

  it('the employer step refuses another enterprise than the open application’s: the summary is on top, focused, and links to it', async () => {
    const { sql } = suite.t.db;
    const person = await createPerson(sql, NOW, { password: PASSWORD, name: '冯两' });
    await addRegistryQualification(sql, person, 'constructor', '建筑工程');
    const a = await createEnterprise(sql, NOW, { name: '甲方建设有限公司' });
    const b = await createEnterprise(sql, NOW, { name: '乙方建设有限公司' });
    const waiting = await insertApplication(sql, NOW, {
      kind: 'initial',
      state: 'awaiting_enterprise',
      profession: 'cost_engineer',
      personId: person.personId,
      enterpriseId: a.enterpriseId,
    });
    const number = (await readApplication(sql, waiting))!.applicationNumber;
    const app = await startApplication(suite.t.services, person.accountId, {
      kind: 'initial',
      profession: 'constructor',
    });
    const { context, page, check } = await signedIn(person);
    try {
      await visit(page, url(paths.me.step(app.id, 'employer')));
      await page.type('#q', '乙方建设');
      await click(page, 'form[role="search"] button');
      await check('employer search results');
      expect(await page.$eval('label[for="enterpriseId"]', (l) => l.textContent)).toBe(
        '乙方建设有限公司',
      );
      expect(await page.$eval('#enterpriseId', (i) => (i as HTMLInputElement).value)).toBe(
        b.enterpriseId,
      );
      await page.click('#enterpriseId');
      const res = await submit(page);
      expect(res?.status()).toBe(422);
      expect(pathname(page)).toBe(paths.me.step(app.id, 'employer'));

      const summary = await page.evaluate(() => {
        const el = document.querySelector<HTMLElement>('[data-error-summary]');
        const h1 = document.querySelector('main h1');
        if (!el || !h1) return null;
        const box = el.getBoundingClientRect();
        return {
          focused: document.activeElement === el,
          // At the top: before the page's heading, and on the first screen.
          beforeHeading: Boolean(el.compareDocumentPosition(h1) & Node.DOCUMENT_POSITION_FOLLOWING),
          onFirstScreen: box.top >= 0 && box.bottom <= window.innerHeight,
          links: [...el.querySelectorAll('a')].map((a) => ({
            href: a.getAttribute('href'),
            text: a.innerText.trim(),
          })),
        };
      });
      expect(summary).toMatchObject({ focused: true, beforeHeading: true, onFirstScreen: true });
      const toWaiting = summary!.links.filter((l) => l.href === paths.me.application(waiting));
      expect(toWaiting).toHaveLength(1);
      expect(toWaiting[0]!.text).toContain(number);
      await check('employer refused');
      expect((await readApplication(sql, app.id))!.enterpriseId).toBeNull();

      await click(page, `[data-error-summary] a[href="${paths.me.application(waiting)}"]`);
      expect(pathname(page)).toBe(paths.me.application(waiting));
      expect(await page.$eval('main', (m) => m.innerText)).toContain(number);
      await check('the open application');
    } finally {
      await context.close();
    }
  });
});

describe('a refused upload (issue 10, item 15)', () => {
  for (const javaScript of [true, false]) {
    it(`an empty file comes back at the uploads step’s own address, and a reload neither shows it again nor posts (JavaScript ${javaScript ? 'on' : 'off'})`, async () => {
      const { sql } = suite.t.db;
      const person = await createPerson(sql, NOW, { password: PASSWORD, name: '陈空' });
      await addRegistryQualification(sql, person, 'cost_engineer', '安装工程');
      const enterprise = await createEnterprise(sql, NOW);
      const app = await startApplication(suite.t.services, person.accountId, {
        kind: 'initial',
        profession: 'cost_engineer',
      });
      await saveDraft(suite.t.services, person.accountId, app.id, {
        eligibilityChecked: true,
        enterpriseId: enterprise.enterpriseId,
        employment: { position: '造价员', contractStart: '2026-01-01', contractEnd: '2029-12-31' },
        specialties: ['安装工程'],
      });
      const uploadsStep = paths.me.step(app.id, 'uploads');
      const files = async () =>
        (
          await sql<{ n: number }[]>`
          select count(*)::int as n from files where owner_account_id = ${person.accountId}`
        )[0]!.n;
      const before = await files();

      const { context, page, check } = await signedIn(person, { javaScript });
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      try {
        await visit(page, url(uploadsStep));
        await check('uploads step');
        const res = await upload(page, 'contract', emptyScan);
        // Post/Redirect/Get: the upload's POST answered with a redirect to the page.
        const chain = res!.request().redirectChain();
        expect(chain.map((r) => [r.method(), new URL(r.url()).pathname])).toEqual([
          ['POST', paths.me.upload(app.id, 'contract')],
        ]);
        expect(res!.request().method()).toBe('GET');
        expect(res!.status()).toBe(200);
        expect(page.url()).toBe(url(uploadsStep));

        const shown = await page.evaluate(() => ({
          beside: document.querySelector<HTMLElement>('#upload-contract-error')?.innerText ?? null,
          describedBy: document.querySelector('#upload-contract')?.getAttribute('aria-describedby'),
          inSameForm:
            document.querySelector('#upload-contract-error')?.closest('form') ===
            document.querySelector('#upload-contract')?.closest('form'),
          summary: [...document.querySelectorAll<HTMLElement>('[data-error-summary] a')].map(
            (a) => ({ href: a.getAttribute('href'), text: a.innerText.trim() }),
          ),
        }));
        expect(shown.beside).toContain('所选文件是空的');
        expect(shown.describedBy).toBe('upload-contract-error');
        expect(shown.inSameForm).toBe(true);
        expect(shown.summary).toEqual([
          { href: '#upload-contract', text: expect.stringContaining('所选文件是空的') as string },
        ]);
        if (javaScript) {
          expect(
            await page.evaluate(() => document.activeElement?.hasAttribute('data-error-summary')),
          ).toBe(true);
        }
        await check('uploads step, refused');
        expect(await files()).toBe(before);

        // A reload asks for the page again (a GET), without a resubmit prompt, once, without why.
        const requests: HTTPRequest[] = [];
        const record = (r: HTTPRequest) => {
          if (r.isNavigationRequest()) requests.push(r);
        };
        page.on('request', record);
        const reloaded = await page.reload({ waitUntil: 'load' });
        page.off('request', record);
        expect(reloaded?.status()).toBe(200);
        expect(requests.map((r) => [r.method(), new URL(r.url()).pathname])).toEqual([
          ['GET', uploadsStep],
        ]);
        expect(dialogs).toEqual([]);
        expect(page.url()).toBe(url(uploadsStep));
        expect(await page.$('[data-error-summary]')).toBeNull();
        expect(await page.$('#upload-contract-error')).toBeNull();
        expect(await page.$eval('main', (m) => m.innerText)).not.toContain('所选文件是空的');
        await check('uploads step, reloaded');
        expect(await files()).toBe(before);
        const { draft } = (await readApplication(sql, app.id))!;
        expect((draft as { uploads?: object }).uploads ?? {}).toEqual({});
      } finally {
        await context.close();
      }
    });
  }
});
