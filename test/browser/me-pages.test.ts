import { beforeAll, describe, expect, it } from 'vitest';
import { requestCorrections } from '../../lib/corrections/index.js';
import { paths } from '../../routes/paths.js';
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
  addRegistryQualification,
  createEnterprise,
  createPerson,
  insertApplication,
  NOW,
  PASSWORD,
} from '../support/fixtures.js';

// Every page of the person's side at 375 px: no axe violations, no horizontal scroll.

const phone = PHONE;

const suite = browserSuite();

beforeAll(() => {
  suite.t.clock.set(NOW);
});

describe('the person’s pages', () => {
  it('pass axe and fit 375 px, with data on them and with form errors', async () => {
    const { sql } = suite.t.db;
    const person = await createPerson(sql, NOW, {
      password: PASSWORD,
      name: '钱多多',
      realNameLevel: 3,
    });
    const enterprise = await createEnterprise(sql, NOW, { name: '扬州广陵建设有限公司' });
    await addRegistryQualification(sql, person, 'constructor', '建筑工程');
    await addRegistryQualification(sql, person, 'architect', null);
    await addRegistration(sql, NOW, person, enterprise, 'constructor', ['建筑工程'], '2027-01-24');
    const id = await insertApplication(sql, NOW, {
      kind: 'initial',
      state: 'under_review',
      profession: 'architect',
      personId: person.personId,
      enterpriseId: enterprise.enterpriseId,
      draft: {
        employment: { position: '设计师', contractStart: '2025-01-01', contractEnd: '2028-12-31' },
      },
    });
    const [staff] = await sql<{ id: string }[]>`select id from accounts where kind = 'staff'`;
    await requestCorrections(suite.t.services, {
      applicationId: id,
      officerAccountId: staff!.id,
      items: [{ addressedTo: 'person', what: '身份证复印件', why: '照片页不清晰' }],
    });
    const draftId = await insertApplication(sql, NOW, {
      kind: 'renewal',
      state: 'returned',
      profession: 'constructor',
      personId: person.personId,
      enterpriseId: enterprise.enterpriseId,
    });

    const { page, problems } = await openPage(suite.browser, phone);
    const { url } = suite;
    const check = async (label: string) => {
      await expectAccessibleAndFitting(page, label);
      if (process.env.SCREENSHOTS) {
        await page.screenshot({ path: `/tmp/screens/me-${label}.png`, fullPage: true });
      }
    };
    try {
      const login = new LoginPage(page, url(paths.login.person));
      await login.open();
      await login.logIn(person.idNumber, PASSWORD);
      await check('dashboard');
      for (const [label, path] of [
        ['profile', paths.me.profile],
        ['qualifications', paths.me.qualifications],
        ['applications', paths.me.applications],
        ['application-corrections', paths.me.application(id)],
        ['application-returned', paths.me.application(draftId)],
        ['withdraw', paths.me.withdraw(id)],
        ['uploads-step', paths.me.step(draftId, 'uploads')],
        ['apply', paths.me.apply],
      ] as const) {
        await visit(page, url(path));
        await check(label);
      }
      await visit(page, url(paths.me.profile));
      await page.click('#phone', { count: 3 });
      await page.keyboard.type('123');
      await navigating(page, () => page.click('form[action="/me/profile"] button[type="submit"]'));
      expect(await page.$('[data-testid="error-summary"]')).not.toBeNull();
      await check('profile-errors');
      await visit(page, url(paths.me.apply));
      await navigating(page, () => page.click('main form button[type="submit"]'));
      await check('apply-errors');
      expect(problems.pageErrors).toEqual([]);
      expect(await problems.cspViolations()).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
