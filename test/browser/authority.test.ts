import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, ElementHandle, Page, Viewport } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../lib/demo/index.js';
import { stateNames } from '../../lib/workflow/index.js';
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
import type { EnterpriseFixture, PersonFixture } from '../support/fixtures.js';
import {
  createEnterprise,
  createPerson,
  insertApplication,
  NOW,
  PASSWORD,
  TINY_PDF,
} from '../support/fixtures.js';

// The authority's pages (issue 12) in a real Chromium, at 375 px and on a desktop, with
// JavaScript on and off: an officer finds an application an enterprise submitted, accepts it,
// asks for a two-item correction (one item for the person, one for the enterprise); each party
// supplies its item through its own page; the officer accepts one and asks again for the other,
// which the person supplies; then the officer approves it in two steps and the written decision
// reaches the person and the enterprise. Every page visited passes axe-core and fits the window.

const suite = browserSuite();
const DESKTOP = { width: 1280, height: 900 };
const MINUTE = 60_000;

let dir: string;
let scan: string;

beforeAll(async () => {
  suite.t.clock.set(NOW);
  dir = await mkdtemp(path.join(os.tmpdir(), 'jsreg-authority-browser-'));
  scan = path.join(dir, '劳动合同（完整）.pdf');
  await writeFile(scan, TINY_PDF);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

type Submitted = {
  id: string;
  number: string;
  person: PersonFixture;
  enterprise: EnterpriseFixture;
};

/** An initial application the enterprise submitted (as authority-pages.test.ts makes it). */
async function submitted(name: string): Promise<Submitted> {
  const { sql } = suite.t.db;
  const now = suite.t.clock.now();
  const person = await createPerson(sql, now, { password: PASSWORD, name });
  const enterprise = await createEnterprise(sql, now, { password: PASSWORD });
  const id = await insertApplication(sql, now, {
    kind: 'initial',
    state: 'submitted',
    profession: 'constructor',
    personId: person.personId,
    enterpriseId: enterprise.enterpriseId,
    draft: {
      specialties: ['建筑工程'],
      employment: { position: '项目经理', contractStart: '2025-01-01', contractEnd: '2029-12-31' },
      person: { name, idNumber: person.idNumber, photoFileId: person.fileId },
    },
  });
  await sql`update applications set submitted_at = ${now} where id = ${id}`;
  const [row] = await sql<{ number: string }[]>`
    select application_number as number from applications where id = ${id}`;
  return { id, number: row!.number, person, enterprise };
}

const stateOf = async (id: string) =>
  (await suite.t.db.sql<{ state: string }[]>`select state from applications where id = ${id}`)[0]!
    .state;

const pathname = (page: Page) => new URL(page.url()).pathname;
const text = (page: Page, selector: string) =>
  page.$eval(selector, (el) => (el as HTMLElement).innerText.trim());
const click = (page: Page, selector: string) => navigating(page, () => page.click(selector));

async function typeInto(page: Page, selector: string, value: string) {
  await page.click(selector, { count: 3 });
  await page.keyboard.press('Backspace');
  if (value) await page.type(selector, value);
}

type Session = {
  context: BrowserContext;
  page: Page;
  /** checkPage, plus (with JavaScript on) no CSP violation on this document. */
  check(label: string): Promise<void>;
  /** No uncaught exception or console error on any page so far. */
  clean(options?: { refused?: boolean }): void;
};

/** A browser context of its own (its own cookies), signed in through the login form. */
async function signIn(
  viewport: Viewport,
  javaScript: boolean,
  who: 'staff' | 'person' | 'enterprise',
  loginId: string,
  password: string,
): Promise<Session> {
  const context = await suite.browser.createBrowserContext();
  try {
    const { page, problems } = await openPage(context, viewport, { javaScript });
    const check = async (label: string) => {
      await checkPage(page, label, javaScript);
      if (javaScript) expect.soft(await problems.cspViolations(), `${label}: CSP`).toEqual([]);
    };
    const login = new LoginPage(page, suite.url(paths.login[who]));
    await login.open();
    await login.logIn(loginId, password);
    expect(await login.signedInAs(), `${who} signed in`).not.toBeNull();
    const clean = ({ refused = false } = {}) => {
      expect(problems.pageErrors, 'page errors').toEqual([]);
      // A refused form answers 422, which Chromium logs as a failed resource: that is expected.
      const errors = problems.consoleErrors.filter(
        (e) => !(refused && /status of 422 \(Unprocessable Entity\)/.test(e)),
      );
      expect(errors, 'console errors').toEqual([]);
    };
    return { context, page, check, clean };
  } catch (error) {
    await context.close();
    throw error;
  }
}

/** The correction items listed on the review page: what each asks, and its element. */
async function reviewItems(page: Page) {
  const handles = await page.$$('[data-testid="correction-item"]');
  return Promise.all(
    handles.map(async (handle) => ({
      handle,
      text: await handle.evaluate((el) => (el as HTMLElement).innerText),
    })),
  );
}

/** The one supplied, not yet reviewed item on the review page whose text holds `what`. */
async function suppliedItem(page: Page, what: string): Promise<ElementHandle> {
  const items = [];
  for (const item of await reviewItems(page)) {
    if (item.text.includes(what) && (await item.handle.$('[data-testid="item-accept"]'))) {
      items.push(item.handle);
    }
  }
  expect(items, `one supplied item “${what}” to review`).toHaveLength(1);
  return items[0]!;
}

/** The open correction items on a party's page, as the ids in their forms' addresses. */
async function openItemIds(page: Page): Promise<string[]> {
  const actions = await page.$$eval('[data-testid="corrections"] form', (forms) =>
    forms.map((f) => f.getAttribute('action') ?? ''),
  );
  return actions.map((a) => a.split('/').pop()!);
}

/** Supplies a party's item through the form on its page: a note, and a file if given. */
async function supply(page: Page, itemId: string, note: string, file?: string) {
  const field = `correction-${itemId}`;
  await typeInto(page, `#${field}-note`, note);
  if (file) {
    const input = (await page.$(`#${field}`)) as ElementHandle<HTMLInputElement> | null;
    expect(input, `#${field}`).not.toBeNull();
    await input!.uploadFile(file);
  }
  await click(page, `[data-testid="corrections"] form[action$="/${itemId}"] button[type="submit"]`);
}

describe.each([
  ['375 px, JS on', PHONE, true, '韩雪梅'],
  ['375 px, JS off', PHONE, false, '周若兰'],
  ['desktop, JS on', DESKTOP, true, '陆明轩'],
  ['desktop, JS off', DESKTOP, false, '沈嘉禾'],
] as const)('the authority pages (%s)', (_label, viewport, javaScript, name) => {
  it(
    'accept an application, ask for a two-item correction, review what each party supplied, and approve it',
    { timeout: 240_000 },
    async () => {
      const app = await submitted(name);
      const sessions: Session[] = [];
      const tick = () => suite.t.clock.advance(2 * MINUTE);
      try {
        // 1. The officer finds the application in the queue by the person's ID number.
        const officer = await signIn(viewport, javaScript, 'staff', 'shenhe01', DEMO_PASSWORD);
        sessions.push(officer);
        const { page } = officer;
        expect(pathname(page)).toBe(paths.authority.home);
        await officer.check('queue');
        await typeInto(page, '#q', app.person.idNumber);
        await click(page, '[data-testid="queue-filters"] button[type="submit"]');
        expect(new URL(page.url()).searchParams.get('q')).toBe(app.person.idNumber);
        const rows = await page.$$eval('[data-testid="queue-row"]', (els) =>
          els.map((el) => el.getAttribute('data-number')),
        );
        expect(rows).toEqual([app.number]);
        await officer.check('queue, searched');

        // The reason catalogue, linked from the queue.
        await click(page, `main a[href="${paths.authority.reasons}"]`);
        expect(pathname(page)).toBe(paths.authority.reasons);
        expect(await text(page, '[data-testid="reasons-correction"]')).toContain('劳动合同不清晰');
        await officer.check('reasons (officer)');
        await page.goBack({ waitUntil: 'load' });

        await click(page, `[data-testid="queue-row"][data-number="${app.number}"] a`);
        expect(pathname(page)).toBe(paths.authority.application(app.id));
        expect(await text(page, '[data-testid="application-state"]')).toBe(stateNames.submitted);
        expect(await page.$('[data-testid="check-contract_period"]')).not.toBeNull();
        await officer.check('review, submitted');

        // 2. 受理.
        tick();
        await click(page, '[data-testid="accept"]');
        expect(pathname(page)).toBe(paths.authority.application(app.id));
        expect(await text(page, '[data-testid="done"]')).toContain('已受理');
        expect(await text(page, '[data-testid="application-state"]')).toBe(stateNames.under_review);
        expect(await page.$('[data-testid="accept"]')).toBeNull();
        await officer.check('review, accepted');

        // 3. 要求材料补正: one item for the person, one for the enterprise.
        await click(page, '[data-testid="request-corrections"]');
        expect(pathname(page)).toBe(paths.authority.corrections(app.id));
        expect(await page.$$('[data-testid="correction-row"]')).not.toHaveLength(0);
        await officer.check('corrections form');
        await page.select('#reason-1', 'contract_unclear');
        await page.select('#reason-2', 'social_insurance');
        await typeInto(page, '#note-2', '请提供2026年的记录。');
        tick();
        await click(page, '[data-testid="send-corrections"]');
        expect(pathname(page)).toBe(paths.authority.application(app.id));
        expect(await text(page, '[data-testid="done"]')).toContain('已发出材料补正通知');
        expect(await text(page, '[data-testid="application-state"]')).toBe(
          stateNames.correction_requested,
        );
        expect(await page.$$('[data-testid="correction-request"]')).toHaveLength(1);
        // Both items, in whatever order: the page orders a request's items by (opened_at, id), and
        // the ids are random, so it need not be the order they were entered in (第1项, 第2项).
        const asked = (await reviewItems(page)).map((i) => i.text);
        expect(asked).toHaveLength(2);
        expect(asked).toEqual(
          expect.arrayContaining([
            expect.stringMatching(/劳动合同不清晰（向申请人）[\s\S]*待申请人补正/),
            expect.stringMatching(/社保缴纳证明（向聘用企业）[\s\S]*请提供2026年的记录。/),
          ]),
        );
        await officer.check('review, correction requested');
        expect(await stateOf(app.id)).toBe('correction_requested');

        // 4. The person sees the item with its reply deadline and supplies it (a note and a file).
        const person = await signIn(viewport, javaScript, 'person', app.person.idNumber, PASSWORD);
        sessions.push(person);
        await visit(person.page, suite.url(paths.me.application(app.id)));
        expect(await text(person.page, '[data-testid="application-state"]')).toBe(
          stateNames.correction_requested,
        );
        expect(await text(person.page, '[data-testid="next-actor"]')).toContain('您、聘用企业');
        expect(await text(person.page, '[data-testid="corrections"]')).toContain('劳动合同不清晰');
        expect(await text(person.page, '[data-testid="corrections"]')).not.toContain(
          '社保缴纳证明',
        );
        expect(await text(person.page, '[data-testid="reply-by"]')).toMatch(
          /请于\s*\d{4}-\d{2}-\d{2}\s*前补正/,
        );
        await person.check('person: application, correction requested');
        const [contractItem, ...otherPersonItems] = await openItemIds(person.page);
        expect(otherPersonItems).toEqual([]);
        tick();
        await supply(person.page, contractItem!, '已重新上传完整的劳动合同。', scan);
        expect(pathname(person.page)).toBe(paths.me.application(app.id));
        expect(new URL(person.page.url()).searchParams.get('supplied')).toBe('1');
        expect(await person.page.$('[data-testid="error-summary"]')).toBeNull();
        expect(await person.page.$('[data-testid="corrections"]')).toBeNull();
        // The enterprise's item still holds the application.
        expect(await text(person.page, '[data-testid="application-state"]')).toBe(
          stateNames.correction_requested,
        );
        expect(await text(person.page, '[data-testid="next-actor"]')).toContain('聘用企业');
        await person.check('person: application, item supplied');

        // 5. The enterprise supplies its item (a note).
        const org = await signIn(
          viewport,
          javaScript,
          'enterprise',
          app.enterprise.creditCode,
          PASSWORD,
        );
        sessions.push(org);
        await visit(org.page, suite.url(paths.org.application(app.id)));
        expect(await text(org.page, '[data-testid="next-actor"]')).toContain('本单位');
        expect(await text(org.page, '[data-testid="corrections"]')).toContain('社保缴纳证明');
        expect(await text(org.page, '[data-testid="corrections"]')).toContain(
          '请提供2026年的记录。',
        );
        expect(await text(org.page, '[data-testid="reply-by"]')).toMatch(
          /请于\s*\d{4}-\d{2}-\d{2}\s*前补正/,
        );
        await org.check('enterprise: application, correction requested');
        const [insuranceItem, ...otherOrgItems] = await openItemIds(org.page);
        expect(otherOrgItems).toEqual([]);
        tick();
        await supply(org.page, insuranceItem!, '社保缴纳证明已按要求补充：2026年1月至10月。');
        expect(pathname(org.page)).toBe(paths.org.application(app.id));
        expect(await text(org.page, '[data-testid="done"]')).toContain('补正已提交');
        expect(await text(org.page, '[data-testid="application-state"]')).toBe(
          stateNames.under_review,
        );
        await org.check('enterprise: application, item supplied');
        expect(await stateOf(app.id)).toBe('under_review');

        // 6. The officer accepts the enterprise's item and asks again for the person's.
        await visit(page, suite.url(paths.authority.application(app.id)));
        expect(await text(page, '[data-testid="application-state"]')).toBe(stateNames.under_review);
        await officer.check('review, both items supplied');
        const insurance = await suppliedItem(page, '社保缴纳证明');
        expect(await insurance.evaluate((el) => (el as HTMLElement).innerText)).toContain(
          '2026年1月至10月',
        );
        tick();
        await navigating(page, async () =>
          (await insurance.$('[data-testid="item-accept"]'))!.click(),
        );
        expect(await text(page, '[data-testid="done"]')).toContain('已记录');
        expect(await text(page, '[data-testid="application-state"]')).toBe(stateNames.under_review);
        const contract = await suppliedItem(page, '劳动合同不清晰');
        expect(await contract.evaluate((el) => (el as HTMLElement).innerText)).toContain(
          '已重新上传完整的劳动合同。',
        );
        expect(
          await contract.$('a[href^="/files/"]'),
          'the supplied file is linked',
        ).not.toBeNull();
        const again = (await contract.$('form:has([data-testid="item-again"]) textarea'))!;
        expect(again).not.toBeNull();
        await again.type('上传的合同缺少企业盖章页，请重新上传。');
        tick();
        await navigating(page, async () =>
          (await contract.$('[data-testid="item-again"]'))!.click(),
        );
        expect(await text(page, '[data-testid="done"]')).toContain('已记录');
        expect(await text(page, '[data-testid="application-state"]')).toBe(
          stateNames.correction_requested,
        );
        expect(await page.$$('[data-testid="correction-request"]')).toHaveLength(2);
        const reviewed = (await reviewItems(page)).map((i) => i.text);
        expect(reviewed).toHaveLength(3);
        expect(reviewed.slice(0, 2)).toEqual(
          expect.arrayContaining([
            expect.stringMatching(/劳动合同不清晰[\s\S]*已要求重新补正/),
            expect.stringMatching(/社保缴纳证明[\s\S]*已认可/),
          ]),
        );
        // The item asked again, in a second request of its own, again for the person.
        expect(reviewed[2]).toMatch(
          /劳动合同不清晰（向申请人）[\s\S]*缺少企业盖章页[\s\S]*待申请人补正/,
        );
        await officer.check('review, asked again');

        // 7. The person supplies the item asked again (a note this time).
        await visit(person.page, suite.url(paths.me.application(app.id)));
        expect(await text(person.page, '[data-testid="corrections"]')).toContain('缺少企业盖章页');
        expect(await text(person.page, '[data-testid="reply-by"]')).toMatch(/\d{4}-\d{2}-\d{2}/);
        expect(await text(person.page, '[data-testid="next-actor"]')).toContain('您');
        await person.check('person: application, asked again');
        const [againItem, ...rest] = await openItemIds(person.page);
        expect(rest).toEqual([]);
        expect(againItem).not.toBe(contractItem);
        tick();
        await supply(person.page, againItem!, '已补充盖章页，见原合同第5页。', scan);
        expect(await text(person.page, '[data-testid="application-state"]')).toBe(
          stateNames.under_review,
        );
        expect(await text(person.page, '[data-testid="next-actor"]')).toContain('主管部门');
        expect(await stateOf(app.id)).toBe('under_review');

        // 8. 作出决定 → 准予 → 下一步 → 确认作出决定.
        await visit(page, suite.url(paths.authority.application(app.id)));
        const last = await suppliedItem(page, '缺少企业盖章页');
        tick();
        await navigating(page, async () => (await last.$('[data-testid="item-accept"]'))!.click());
        expect(await text(page, '[data-testid="application-state"]')).toBe(stateNames.under_review);
        expect(await text(page, '[data-testid="decide"]')).toBe('作出决定');
        await click(page, '[data-testid="decide"]');
        expect(pathname(page)).toBe(paths.authority.decision(app.id));
        await officer.check('decision form');
        await page.click('input[name="choice"][value="approve"]');
        expect(await page.$eval('input[name="choice"][value="approve"]', (el) => el.checked)).toBe(
          true,
        );
        await click(page, '[data-testid="decision-next"]');
        expect(await page.$('[data-testid="decision-confirm"]')).not.toBeNull();
        const summary = await text(page, '[data-testid="decision-summary"]');
        expect(summary).toContain('准予');
        expect(summary).toContain(app.number);
        expect(await stateOf(app.id)).toBe('under_review');
        await officer.check('decision confirmation');
        tick();
        await click(page, '[data-testid="decision-confirm"]');
        expect(pathname(page)).toBe(paths.authority.application(app.id));
        expect(await text(page, '[data-testid="done"]')).toContain('决定已作出');
        expect(await text(page, '[data-testid="application-state"]')).toBe(stateNames.approved);
        const documentLink = await text(page, '[data-testid="decision-document"]');
        expect(documentLink).toMatch(/准予注册决定书（苏建注准字〔2026〕第\d+号）/);
        const decisionNumber = /苏建注准字〔2026〕第\d+号/.exec(documentLink)![0];
        await officer.check('review, decided');
        expect(await stateOf(app.id)).toBe('approved');

        await click(page, '[data-testid="decision-document"]');
        expect(pathname(page)).toBe(paths.authority.decisionDocument(app.id));
        expect(await text(page, '[data-testid="written-decision"]')).toContain('准予注册决定书');
        expect(await text(page, '[data-testid="decision-number"]')).toBe(decisionNumber);
        expect(await page.$('[data-testid="decision-registration"]')).not.toBeNull();
        await officer.check('written decision (officer)');

        // Today's decisions in the queue.
        await visit(page, suite.url(`${paths.authority.home}?tab=decided_today`));
        expect.soft(await page.$(`[data-number="${app.number}"]`), 'decided today').not.toBeNull();
        await officer.check('queue, decided today');

        // 9. The person and the enterprise see the decision and its written form.
        await visit(person.page, suite.url(paths.me.application(app.id)));
        expect(await text(person.page, '[data-testid="application-state"]')).toBe(
          stateNames.approved,
        );
        const personDecision = await text(person.page, '[data-testid="decision"]');
        expect(personDecision).toContain('准予注册决定书');
        expect(personDecision).toContain(decisionNumber);
        await person.check('person: application, approved');
        await click(person.page, `[data-testid="decision"] a[href="${paths.me.decision(app.id)}"]`);
        expect(await text(person.page, '[data-testid="decision-number"]')).toBe(decisionNumber);
        await person.check('person: written decision');

        await visit(org.page, suite.url(paths.org.application(app.id)));
        expect(await text(org.page, '[data-testid="decision"]')).toContain(decisionNumber);
        await org.check('enterprise: application, approved');
        await click(org.page, `[data-testid="decision"] a[href="${paths.org.decision(app.id)}"]`);
        expect(await text(org.page, '[data-testid="written-decision"]')).toContain(
          '准予注册决定书',
        );
        await org.check('enterprise: written decision');

        for (const session of sessions) session.clean();
      } finally {
        for (const session of sessions) await session.context.close();
      }
    },
  );

  // An out-of-province entry is decided without acceptance: its decision form offers 准予,
  // 不予准予 and 不予受理 at once, so both lists of reasons are on the page.
  it(
    'offer every decision, with both lists of reasons, for an out-of-province entry',
    { timeout: 60_000 },
    async () => {
      const { sql } = suite.t.db;
      const now = suite.t.clock.now();
      const person = await createPerson(sql, now, { password: PASSWORD, name: `${name}（省外）` });
      const id = await insertApplication(sql, now, {
        kind: 'out_of_province_qualification',
        state: 'submitted',
        profession: 'architect',
        personId: person.personId,
        enterpriseId: null,
        draft: {
          outOfProvince: { examProvince: '浙江', certificateNumber: 'ZJ2019-001', passYear: 2019 },
          person: { name, idNumber: person.idNumber, photoFileId: person.fileId },
        },
      });
      await sql`update applications set submitted_at = ${now} where id = ${id}`;
      const officer = await signIn(viewport, javaScript, 'staff', 'shenhe01', DEMO_PASSWORD);
      try {
        const { page } = officer;
        await visit(page, suite.url(paths.authority.application(id)));
        await officer.check('review, out-of-province entry');
        await click(page, '[data-testid="decide"]');
        expect(pathname(page)).toBe(paths.authority.decision(id));
        const choices = await page.$$eval('input[name="choice"]', (els) =>
          els.map((el) => el.value),
        );
        expect(choices).toEqual(['approve', 'refuse', 'not_accept']);
        await officer.check('decision form, out-of-province entry');
        // Every label names its own box: ids are unique on the page.
        const duplicates = await page.$$eval('[id]', (els) => {
          const seen = new Map<string, number>();
          for (const el of els) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
          return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
        });
        expect.soft(duplicates, 'duplicate ids on the decision form').toEqual([]);
        // So a 不予受理 reason is ticked by its label (the larger target on a phone), not another.
        await page.click('input[name="choice"][value="not_accept"]');
        await page.click('label[for="notAcceptedReasons"]');
        const ticked = await page.$$eval('input[name="reasons"]', (els) =>
          els.map((el) => ({
            inNotAccepted: el.id.startsWith('notAcceptedReasons'),
            checked: el.checked,
          })),
        );
        expect
          .soft(
            ticked.filter((t) => t.checked),
            'the box its label names',
          )
          .toEqual([{ inNotAccepted: true, checked: true }]);
        officer.clean();
      } finally {
        await officer.context.close();
      }
    },
  );

  it(
    'show the reason catalogue and a reason’s edit form to an admin',
    { timeout: 60_000 },
    async () => {
      const admin = await signIn(viewport, javaScript, 'staff', 'guanli01', DEMO_PASSWORD);
      try {
        const { page } = admin;
        expect(pathname(page)).toBe(paths.authority.home);
        await click(page, `main a[href="${paths.authority.reasons}"]`);
        expect(pathname(page)).toBe(paths.authority.reasons);
        await admin.check('reasons (admin)');
        await click(
          page,
          `[data-testid="reasons-correction"] a[href="${paths.authority.reason('contract_unclear')}"]`,
        );
        expect(pathname(page)).toBe(paths.authority.reason('contract_unclear'));
        expect(await page.$eval('#title', (el) => (el as HTMLInputElement).value)).toBe(
          '劳动合同不清晰',
        );
        await admin.check('reason edit form');
        // A bad edit is refused beside its field; nothing is saved.
        await typeInto(page, '#title', '');
        await click(page, '[data-testid="reason-form"] button[type="submit"]');
        const links = await page.$$eval('[data-testid="error-summary"] a', (as) =>
          as.map((a) => a.getAttribute('href')),
        );
        expect(links).toEqual(['#title']);
        await admin.check('reason edit form, refused');
        admin.clean({ refused: true });
      } finally {
        await admin.context.close();
      }
    },
  );
});
