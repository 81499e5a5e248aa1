import type { BrowserContext, Page, Viewport } from 'puppeteer-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../lib/demo/index.js';
import { transition } from '../../lib/workflow/index.js';
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
import {
  createEnterprise,
  createPerson,
  insertApplication,
  NOW,
  officerAccountId,
  PASSWORD,
} from '../support/fixtures.js';

// Issue 13 in a real Chromium, at 375 px with JavaScript off and on a desktop with it on: an
// approved initial registration is published by an admin running the publish job from the jobs
// page; the public announcement lists it with its registration number; the person's pages show
// the registration in force and the announcement. Every page visited passes axe-core and fits.

const suite = browserSuite();
const DESKTOP = { width: 1280, height: 900 };

beforeAll(() => {
  suite.t.clock.set(NOW);
});

/** An initial application approved by the officer (the registration made, not yet public). */
async function approved(name: string) {
  const { sql } = suite.t.db;
  const person = await createPerson(sql, NOW, { password: PASSWORD, name });
  const enterprise = await createEnterprise(sql, NOW, { name: `${name}建设有限公司` });
  const id = await insertApplication(sql, NOW, {
    kind: 'initial',
    state: 'under_review',
    profession: 'constructor',
    personId: person.personId,
    enterpriseId: enterprise.enterpriseId,
    draft: {
      specialties: ['市政公用工程'],
      employment: { position: '项目经理', contractStart: '2025-01-01', contractEnd: '2029-12-31' },
    },
  });
  await transition(suite.t.services, {
    applicationId: id,
    action: 'approve',
    actor: { role: 'officer', accountId: await officerAccountId(sql) },
  });
  const [row] = await sql<{ registrationNumber: string; status: string }[]>`
    select r.registration_number as "registrationNumber", r.status
    from applications a join registrations r on r.id = a.registration_id where a.id = ${id}`;
  expect(row!.status).toBe('approved');
  return { id, person, registrationNumber: row!.registrationNumber };
}

type Session = { context: BrowserContext; page: Page; check(label: string): Promise<void> };

async function session(viewport: Viewport, javaScript: boolean): Promise<Session> {
  const context = await suite.browser.createBrowserContext();
  const { page, problems } = await openPage(context, viewport, { javaScript });
  return {
    context,
    page,
    async check(label) {
      await checkPage(page, label, javaScript);
      expect(problems.pageErrors, `${label}: page errors`).toEqual([]);
      expect(problems.consoleErrors, `${label}: console errors`).toEqual([]);
    },
  };
}

async function signedIn(
  viewport: Viewport,
  javaScript: boolean,
  who: 'staff' | 'person',
  loginId: string,
  password: string,
): Promise<Session> {
  const s = await session(viewport, javaScript);
  const login = new LoginPage(s.page, suite.url(paths.login[who]));
  await login.open();
  await login.logIn(loginId, password);
  expect(await login.signedInAs(), `${who} signed in`).not.toBeNull();
  return s;
}

const text = (page: Page, selector: string) =>
  page.$eval(selector, (el) => (el as HTMLElement).innerText.trim());

describe.each([
  ['375 px, JS off', PHONE, false, '白露'],
  ['desktop, JS on', DESKTOP, true, '章晨阳'],
] as const)('publishing an announcement (%s)', (_label, viewport, javaScript, name) => {
  it(
    'an admin runs the publish job; the announcement lists the registration; the person sees it in force',
    { timeout: 120_000 },
    async () => {
      const app = await approved(name);
      const sessions: Session[] = [];
      try {
        // 1. The admin runs the publish job from the jobs page.
        const admin = await signedIn(viewport, javaScript, 'staff', 'guanli01', DEMO_PASSWORD);
        sessions.push(admin);
        await visit(admin.page, suite.url(paths.authority.jobs));
        await admin.check('jobs page');
        await navigating(admin.page, () =>
          admin.page.click(
            `[data-job="publish-announcements"] form[action="${paths.authority.jobRun('publish-announcements')}"] button[type="submit"]`,
          ),
        );
        expect(await text(admin.page, '[data-testid="job-ran"]')).toContain('已运行完成');
        const latest = await text(
          admin.page,
          '[data-job="publish-announcements"] [data-testid="job-run"]',
        );
        expect(latest).toMatch(/苏建注公告〔2026〕第\d+号/);
        expect(latest).toContain('陈立（手动）');
        await admin.check('jobs page after the run');

        // 2. Anyone finds the announcement and the registration in it.
        const visitor = await session(viewport, javaScript);
        sessions.push(visitor);
        await visit(visitor.page, suite.url(paths.announcements));
        await visitor.check('announcements');
        const [entry] = await suite.t.db.sql<{ year: number; seq: number }[]>`
          select n.year, n.seq from announcement_entries e
            join announcements n on n.id = e.announcement_id where e.application_id = ${app.id}`;
        const number = `苏建注公告〔${entry!.year}〕第${entry!.seq}号`;
        await navigating(visitor.page, () =>
          visitor.page.click(`a[href="${paths.announcement(`${entry!.year}-${entry!.seq}`)}"]`),
        );
        expect(await text(visitor.page, 'h1')).toBe(number);
        const rows = await text(visitor.page, '[data-testid="announcement-entries"] tbody');
        expect(rows).toContain(name);
        expect(rows).toContain(app.registrationNumber);
        expect(rows).toContain('市政公用工程');
        expect(rows).toContain(`${name}建设有限公司`);
        expect(rows).not.toContain(app.person.idNumber);
        await visitor.check('announcement');

        // 3. The person's home shows the registration in force, the application the announcement.
        const person = await signedIn(
          viewport,
          javaScript,
          'person',
          app.person.idNumber,
          PASSWORD,
        );
        sessions.push(person);
        const registrations = await text(person.page, '[data-testid="registrations"]');
        expect(registrations).toContain(app.registrationNumber);
        expect(registrations).not.toContain('待公告');
        await person.check('person home');
        await visit(person.page, suite.url(paths.me.application(app.id)));
        expect(await text(person.page, '[data-testid="announced"]')).toContain(number);
        await person.check('person application');
      } finally {
        for (const s of sessions) await s.context.close();
      }
    },
  );
});
