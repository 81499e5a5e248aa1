import sharp from 'sharp';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { expireUnconfirmed, saveDraft, startApplication } from '../../lib/filing/index.js';
import { EXPIRED_APPLICATION } from '../../lib/person/index.js';
import { storeFile } from '../../lib/files/index.js';
import { readApplication, readDraft, transition } from '../../lib/workflow/index.js';
import { paths } from '../../routes/paths.js';
import {
  csrfTokenFrom,
  integrationSuite,
  logInAs,
  refusedAt,
  signInNewEnterprise,
} from '../support/app.js';
import { serve } from '../support/browser.js';
import {
  NOW,
  PASSWORD,
  addRegistration,
  addRegistryQualification,
  createEnterprise,
  createPerson,
  TINY_PDF,
  insertApplication,
  officerAccountId,
} from '../support/fixtures.js';

// The person's and the enterprise's journeys: the rule gaps and dead ends of issue 10, each with
// the test that found it.

const suite = integrationSuite({ clock: NOW });
const DAY = 24 * 3600_000;

/** A person with an initial cost-engineer application filled in completely, started at NOW. */
async function filledApplication() {
  const { t } = suite;
  t.clock.set(NOW);
  const person = await createPerson(t.db.sql, NOW, { password: PASSWORD });
  await addRegistryQualification(t.db.sql, person, 'cost_engineer', '土木建筑工程');
  const enterprise = await createEnterprise(t.db.sql, NOW);
  const app = await startApplication(t.services, person.accountId, {
    kind: 'initial',
    profession: 'cost_engineer',
  });
  await saveDraft(t.services, person.accountId, app.id, {
    eligibilityChecked: true,
    enterpriseId: enterprise.enterpriseId,
    employment: { position: '造价员', contractStart: '2026-01-01', contractEnd: '2029-12-31' },
    specialties: ['土木建筑工程'],
    uploads: { contract: person.fileId! },
  });
  return { person, app };
}

/** A person (who can log in) with an initial application waiting for a new enterprise. */
async function awaitingEnterprise(profession: 'constructor' | 'cost_engineer') {
  const { t } = suite;
  t.clock.set(NOW);
  const person = await createPerson(t.db.sql, NOW, { password: PASSWORD });
  const enterprise = await createEnterprise(t.db.sql, NOW, { password: PASSWORD });
  const id = await insertApplication(t.db.sql, NOW, {
    kind: 'initial',
    state: 'awaiting_enterprise',
    profession,
    personId: person.personId,
    enterpriseId: enterprise.enterpriseId,
  });
  return { person, enterprise, id };
}

/** Signs the person in at the clock's time and posts the check page's commitment. */
async function confirmOnThePage(person: { idNumber: string }, applicationId: string) {
  const agent = request.agent(suite.t.app);
  await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
  const check = paths.me.step(applicationId, 'check');
  const _csrf = await csrfTokenFrom(agent, paths.me.home);
  return agent.post(check).type('form').send({ _csrf, commitment: 'yes' });
}

describe('rule 4 at the confirmation itself (issue 10, item 1)', () => {
  it('confirms on the last day: started on the 25th, the 30th still counts', async () => {
    const { person, app } = await filledApplication();
    suite.t.clock.set(new Date(NOW.getTime() + 5 * DAY));
    const res = await confirmOnThePage(person, app.id);
    expect(res.status).toBe(303);
    expect((await readApplication(suite.t.db.sql, app.id))!.state).toBe('awaiting_enterprise');
  });

  it('refuses a confirmation past the last day before the expiry job has run, saying it expired', async () => {
    const { person, app } = await filledApplication();
    suite.t.clock.set(new Date(NOW.getTime() + 6 * DAY));
    const res = await confirmOnThePage(person, app.id);
    expect(res.status).toBe(422);
    expect(res.text).toContain('已逾期失效');
    expect(res.text).toContain('2026-11-30');
    expect((await readApplication(suite.t.db.sql, app.id))!.state).toBe('draft');
  });

  it('says the application expired when the job won the race (not a 404, not 已确认提交)', async () => {
    const { person, app } = await filledApplication();
    suite.t.clock.set(new Date(NOW.getTime() + 6 * DAY));
    await expireUnconfirmed(suite.t.services);
    const res = await confirmOnThePage(person, app.id);
    expect(res.status).toBe(410);
    expect(res.text).toContain(EXPIRED_APPLICATION);
    expect(res.text).not.toContain('已确认提交');
  });
});

describe('a missing or empty version is a stale page (issue 10, item 3)', () => {
  it('on the person’s withdrawal', async () => {
    const { t } = suite;
    const { person, id } = await awaitingEnterprise('constructor');
    const agent = request.agent(t.app);
    await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
    const _csrf = await csrfTokenFrom(agent, paths.me.withdraw(id));
    for (const version of [{ version: '' }, {}]) {
      const res = await agent
        .post(paths.me.withdraw(id))
        .type('form')
        .send({ _csrf, ...version });
      expect(res.status).toBe(409);
    }
    expect((await readApplication(t.db.sql, id))!.state).toBe('awaiting_enterprise');
  });

  it('on the enterprise’s confirmation, return and submission', async () => {
    const { t } = suite;
    t.clock.set(NOW);
    const { enterprise, agent, _csrf } = await signInNewEnterprise(t);
    const person = await createPerson(t.db.sql, NOW);
    const id = await insertApplication(t.db.sql, NOW, {
      kind: 'initial',
      state: 'awaiting_enterprise',
      profession: 'constructor',
      personId: person.personId,
      enterpriseId: enterprise.enterpriseId,
    });
    const confirm = await agent
      .post(paths.org.confirm(id))
      .type('form')
      .send({ _csrf, version: '', commitment: 'yes' });
    expect(confirm.status).toBe(409);
    const back = await agent
      .post(paths.org.return(id))
      .type('form')
      .send({ _csrf, version: '', reason: '合同有误' });
    expect(back.status).toBe(409);
    const submit = await agent.post(paths.org.submit(id)).type('form').send({ _csrf, version: '' });
    expect(submit.status).toBe(409);
    expect((await readApplication(t.db.sql, id))!.state).toBe('awaiting_enterprise');
  });
});

describe('the wizard’s pages (issue 10, items 8 and 12)', () => {
  it('each step says 第 n 步，共 m 步', async () => {
    const { person, app } = await filledApplication();
    const agent = request.agent(suite.t.app);
    await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
    const steps = ['eligibility', 'employer', 'employment', 'specialties', 'uploads', 'check'];
    for (const [i, step] of steps.entries()) {
      const page = await agent.get(paths.me.step(app.id, step));
      expect(page.status, step).toBe(200);
      expect(page.text, step).toContain(`第 ${i + 1} 步，共 ${steps.length} 步`);
    }
  });

  it('the employer search finds a credit code typed full-width and with spaces', async () => {
    const { person, app } = await filledApplication();
    const enterprise = await createEnterprise(suite.t.db.sql, NOW, {
      name: '全角查找测试有限公司',
    });
    const agent = request.agent(suite.t.app);
    await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
    const typed = [...enterprise.creditCode]
      .map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))
      .join('')
      .replace(/(.{6})/, '$1 ');
    const page = await agent
      .get(paths.me.step(app.id, 'employer'))
      .query({ q: typed.toLowerCase() });
    expect(page.text).toContain('全角查找测试有限公司');
  });
});

describe('the footer (issue 10, item 17)', () => {
  it('offers the staff login to visitors, not to someone signed in', async () => {
    const anonymous = await request(suite.t.app).get(paths.home);
    expect(anonymous.text).toContain(`href="${paths.login.staff}"`);
    const { person } = await filledApplication();
    const agent = request.agent(suite.t.app);
    await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
    const signedIn = await agent.get(paths.me.home);
    expect(signedIn.text).not.toContain(`href="${paths.login.staff}"`);
  });
});

describe('a second open application (issue 10, item 7)', () => {
  it('is refused on the choice page, naming and linking the open one', async () => {
    const { t } = suite;
    const { person, id: open } = await awaitingEnterprise('cost_engineer');
    const number = (await readApplication(t.db.sql, open))!.applicationNumber;
    const agent = request.agent(t.app);
    await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
    const _csrf = await csrfTokenFrom(agent, paths.me.apply);
    const res = await agent
      .post(paths.me.applyProfession)
      .type('form')
      .send({ _csrf, kind: 'initial', profession: 'cost_engineer' });
    expect(res.status).toBe(409);
    expect(res.text).toContain('注册申报：选择注册类别');
    expect(res.text).toContain(number);
    expect(res.text).toContain(`href="${paths.me.application(open)}"`);
  });

  it('a second out-of-province entry is refused on the qualifications page, linked', async () => {
    const { t } = suite;
    t.clock.set(NOW);
    const person = await createPerson(t.db.sql, NOW, { password: PASSWORD });
    const agent = request.agent(t.app);
    await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
    const _csrf = await csrfTokenFrom(agent, paths.me.qualifications);
    const first = await agent
      .post(paths.me.outOfProvince)
      .type('form')
      .send({ _csrf, profession: 'architect' });
    expect(first.status).toBe(303);
    const id = /applications\/([^/]+)\//.exec(first.headers.location!)![1]!;
    const second = await agent
      .post(paths.me.outOfProvince)
      .type('form')
      .send({ _csrf, profession: 'architect' });
    expect(second.status).toBe(409);
    expect(second.text).toContain('我的资格');
    expect(second.text).toContain(`href="${paths.me.application(id)}"`);
  });
});

describe('the profession choice (issue 10, item 4)', () => {
  it('offers only the professions the person is qualified in, and says why the others are not', async () => {
    const { t } = suite;
    t.clock.set(NOW);
    const person = await createPerson(t.db.sql, NOW, { password: PASSWORD });
    await addRegistryQualification(t.db.sql, person, 'cost_engineer', '安装工程');
    const agent = request.agent(t.app);
    await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
    const page = await agent.get(paths.me.applyProfession).query({ kind: 'initial' });
    expect(page.text).toContain('value="cost_engineer"');
    for (const p of ['constructor', 'architect', 'structural_engineer']) {
      expect(page.text).not.toContain(`value="${p}"`);
    }
    const missing = /data-testid="missing-professions">([\s\S]*?)<\/div>/.exec(page.text)![1]!;
    expect(missing).toContain('二级注册建筑师');
    expect(missing).toContain('须先办理省外资格信息录入');
    expect(missing).toContain(`href="${paths.me.qualifications}"`);
  });

  it('with no qualification at all, offers no form to fill in', async () => {
    const { t } = suite;
    t.clock.set(NOW);
    const person = await createPerson(t.db.sql, NOW, { password: PASSWORD });
    const agent = request.agent(t.app);
    await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
    const page = await agent.get(paths.me.applyProfession).query({ kind: 'demonstration_zone' });
    expect(page.text).toContain('data-testid="no-profession"');
    expect(page.text).not.toContain('开始填写</button>');
  });
});

describe('rule 15 with applications on their way (issue 10, item 2)', () => {
  async function personWaitingAtA() {
    const { t } = suite;
    t.clock.set(NOW);
    const person = await createPerson(t.db.sql, NOW, { password: PASSWORD });
    await addRegistryQualification(t.db.sql, person, 'constructor', '建筑工程');
    const a = await createEnterprise(t.db.sql, NOW, { name: '甲建设有限公司' });
    const b = await createEnterprise(t.db.sql, NOW, { name: '乙建设有限公司' });
    const waiting = await insertApplication(t.db.sql, NOW, {
      kind: 'initial',
      state: 'awaiting_enterprise',
      profession: 'cost_engineer',
      personId: person.personId,
      enterpriseId: a.enterpriseId,
    });
    const app = await startApplication(t.services, person.accountId, {
      kind: 'initial',
      profession: 'constructor',
    });
    const agent = request.agent(t.app);
    await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
    const _csrf = await csrfTokenFrom(agent, paths.me.home);
    const number = (await readApplication(t.db.sql, waiting))!.applicationNumber;
    return { person, a, b, waiting, number, app, agent, _csrf };
  }

  it('refuses another enterprise at the employer step, naming and linking the open application', async () => {
    const { a, b, waiting, number, app, agent, _csrf } = await personWaitingAtA();
    const step = paths.me.step(app.id, 'employer');
    const refused = await agent
      .post(step)
      .type('form')
      .send({ _csrf, enterpriseId: b.enterpriseId });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain(number);
    expect(refused.text).toContain(`href="${paths.me.application(waiting)}"`);
    expect((await readApplication(suite.t.db.sql, app.id))!.enterpriseId).toBeNull();
    const same = await agent.post(step).type('form').send({ _csrf, enterpriseId: a.enterpriseId });
    expect(same.status).toBe(303);
  });

  it('refuses the confirmation of an application naming another enterprise', async () => {
    const { person, b, number, app } = await personWaitingAtA();
    await saveDraft(suite.t.services, person.accountId, app.id, {
      eligibilityChecked: true,
      enterpriseId: b.enterpriseId,
      employment: { position: '施工员', contractStart: '2026-01-01', contractEnd: '2029-12-31' },
      specialties: ['建筑工程'],
      uploads: { contract: person.fileId! },
    });
    const res = await confirmOnThePage(person, app.id);
    expect(res.status).toBe(422);
    expect(res.text).toContain(number);
    expect((await readApplication(suite.t.db.sql, app.id))!.state).toBe('draft');
  });
});

describe('the help page (issue 10, item 19)', () => {
  it('is linked from every page’s footer and from the cancellation step, and says what it must', async () => {
    const { t } = suite;
    t.clock.set(NOW);
    const home = await request(t.app).get(paths.home);
    expect(home.text).toContain(`href="${paths.help}"`);
    const help = await request(t.app).get(paths.help);
    expect(help.status).toBe(200);
    for (const text of [
      '初始注册',
      '增项注册',
      '延续注册',
      '注销注册',
      '个人自然情况变更',
      '5日内',
      '3个月以上',
      '不开具“未注册证明”',
      '20个工作日',
      '10个工作日',
      '025-83666746',
      '025-83666203',
    ]) {
      expect(help.text).toContain(text);
    }
    const person = await createPerson(t.db.sql, NOW, { password: PASSWORD });
    const enterprise = await createEnterprise(t.db.sql, NOW);
    await addRegistration(t.db.sql, NOW, person, enterprise, 'architect', [], '2027-06-30');
    const app = await startApplication(t.services, person.accountId, {
      kind: 'cancellation',
      profession: 'architect',
    });
    const agent = request.agent(t.app);
    await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
    const step = await agent.get(paths.me.step(app.id, 'eligibility'));
    expect(step.text).toContain(`href="${paths.help}#other-province"`);
  });
});

describe('input (issue 10, items 13 and 17)', () => {
  it('a web address over the server’s header limit gets a page in Chinese, not a blank 431', async () => {
    const served = await serve(suite.t.app);
    try {
      const res = await fetch(`${served.baseUrl}/org/employees?q=${'长'.repeat(3000)}`);
      expect(res.status).toBe(431);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const page = await res.text();
      expect(page).toContain('<html lang="zh-CN">');
      expect(page).toContain('网址过长');
      expect(page).toContain(`href="${paths.assets}/css/site.css"`); // where the stylesheet is
      expect(page).toContain('href="/"');
    } finally {
      await served.close();
    }
  });

  it('contract dates are typed as the hint shows them, or as people also write them', async () => {
    const { person, app } = await filledApplication();
    const agent = request.agent(suite.t.app);
    await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
    const step = paths.me.step(app.id, 'employment');
    const page = await agent.get(step);
    // A text field whose hint shows the format it takes (a date picker shows its own).
    expect(page.text).not.toContain('type="date"');
    expect(page.text).toContain('按“年-月-日”填写，例如 2025-03-01');
    const _csrf = await csrfTokenFrom(agent, paths.me.home);
    const res = await agent.post(step).type('form').send({
      _csrf,
      position: '造价员',
      contractStart: '２０２６／３／１',
      contractEnd: '2029年2月28日',
    });
    expect(res.status).toBe(303);
    const draft = readDraft((await readApplication(suite.t.db.sql, app.id))!.draft);
    expect(draft.employment).toMatchObject({
      contractStart: '2026-03-01',
      contractEnd: '2029-02-28',
    });
    const wrong = await agent
      .post(step)
      .type('form')
      .send({ _csrf, position: '造价员', contractStart: '2026-02-30', contractEnd: '2029-02-28' });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('请填写劳动合同起始日期');
  });

  it('a password over the limit is told 密码过长, not 请输入密码', async () => {
    const agent = request.agent(suite.t.app);
    const _csrf = await csrfTokenFrom(agent, paths.login.person);
    const res = await agent
      .post(paths.login.person)
      .type('form')
      .send({ _csrf, loginId: '320102198503141235', password: 'x'.repeat(201) });
    expect(res.status).toBe(422);
    expect(res.text).toContain('密码过长');
    expect(res.text).not.toContain('请输入密码');
  });

  it('the pass year of an out-of-province entry accepts full-width digits', async () => {
    const { t } = suite;
    t.clock.set(NOW);
    const person = await createPerson(t.db.sql, NOW, { password: PASSWORD });
    const app = await startApplication(t.services, person.accountId, {
      kind: 'out_of_province_qualification',
      profession: 'architect',
    });
    const agent = request.agent(t.app);
    await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
    const _csrf = await csrfTokenFrom(agent, paths.me.home);
    const res = await agent.post(paths.me.step(app.id, 'out-of-province')).type('form').send({
      _csrf,
      examProvince: '浙江',
      certificateNumber: 'ZJ2019-001',
      passYear: '２０１９',
      registeredElsewhere: 'no',
      previousRegistration: '',
    });
    expect(res.status).toBe(303);
    const draft = (await readApplication(t.db.sql, app.id))!.draft as {
      outOfProvince?: { passYear?: number };
    };
    expect(draft.outOfProvince?.passYear).toBe(2019);
  });
});

/**
 * A person registered as a cost engineer in 安装工程, qualified in 土木建筑工程 and 水利工程 too, signed
 * in on an additional registration.
 */
async function additionalCostEngineer() {
  const { t } = suite;
  t.clock.set(NOW);
  const person = await createPerson(t.db.sql, NOW, { password: PASSWORD });
  const enterprise = await createEnterprise(t.db.sql, NOW);
  for (const specialty of ['土木建筑工程', '安装工程', '水利工程']) {
    await addRegistryQualification(t.db.sql, person, 'cost_engineer', specialty);
  }
  await addRegistration(
    t.db.sql,
    NOW,
    person,
    enterprise,
    'cost_engineer',
    ['安装工程'],
    '2028-06-30',
  );
  const app = await startApplication(t.services, person.accountId, {
    kind: 'additional',
    profession: 'cost_engineer',
  });
  const agent = request.agent(t.app);
  await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
  const _csrf = await csrfTokenFrom(agent, paths.me.home);
  return { app, agent, _csrf };
}

describe('the specialty list (issue 10, item 5)', () => {
  it('offers only the specialties the person is qualified in and does not hold yet', async () => {
    const { app, agent } = await additionalCostEngineer();
    const page = await agent.get(paths.me.step(app.id, 'specialties'));
    expect(page.text).toContain('value="土木建筑工程"');
    expect(page.text).toContain('value="水利工程"');
    expect(page.text).not.toContain('value="安装工程"'); // held already
    expect(page.text).not.toContain('value="交通运输工程"'); // not qualified
  });
});

describe('refused at the step where it is known (issue 10, item 6)', () => {
  it('the specialty step refuses one the person is not qualified in, or holds already', async () => {
    const { app, agent, _csrf } = await additionalCostEngineer();
    const step = paths.me.step(app.id, 'specialties');
    const unqualified = await agent
      .post(step)
      .type('form')
      .send({ _csrf, specialties: '交通运输工程' });
    expect(unqualified.status).toBe(422);
    expect(unqualified.text).toContain('您没有交通运输工程专业的二级注册造价工程师资格');
    expect(unqualified.text).toContain('href="#specialties"');
    expect(unqualified.text).toContain(`href="${paths.me.qualifications}"`);
    const held = await agent.post(step).type('form').send({ _csrf, specialties: '安装工程' });
    expect(held.status).toBe(422);
    expect(held.text).toContain('您已注册安装工程专业');
    expect(
      readDraft((await readApplication(suite.t.db.sql, app.id))!.draft).specialties,
    ).toBeUndefined();
    const possible = await agent
      .post(step)
      .type('form')
      .send({ _csrf, specialties: '土木建筑工程' });
    expect(possible.status).toBe(303);
  });

  it('a blocked self-check offers no 继续, and links to what blocks it', async () => {
    const { t } = suite;
    t.clock.set(NOW);
    const person = await createPerson(t.db.sql, NOW, { password: PASSWORD });
    await addRegistryQualification(t.db.sql, person, 'constructor', '建筑工程');
    await t.db.sql`update persons set phone = null where id = ${person.personId}`;
    const app = await startApplication(t.services, person.accountId, {
      kind: 'initial',
      profession: 'constructor',
    });
    const agent = request.agent(t.app);
    await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
    const page = await agent.get(paths.me.step(app.id, 'eligibility'));
    expect(page.text).toContain('data-testid="not-eligible"');
    expect(page.text).toContain(`href="${paths.me.profile}"`);
    expect(page.text).not.toContain('>继续</button>');
    expect(page.text).not.toContain(`action="${paths.me.step(app.id, 'eligibility')}"`);
  });

  it('a check page that cannot be confirmed offers no 确认提交, and links each problem to its step', async () => {
    const { person, app } = await filledApplication();
    await suite.t.db.sql`
      update applications set draft = draft - 'uploads' where id = ${app.id}`;
    const agent = request.agent(suite.t.app);
    await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
    const blocked = await agent.get(paths.me.step(app.id, 'check'));
    expect(blocked.text).toContain('data-testid="confirm-blocked"');
    expect(blocked.text).not.toContain('data-testid="confirm-application"');
    expect(blocked.text).toContain(`href="${paths.me.step(app.id, 'uploads')}"`);
    const { person: ready, app: filled } = await filledApplication();
    const readyAgent = request.agent(suite.t.app);
    await logInAs(readyAgent, paths.login.person, ready.idNumber, PASSWORD);
    const page = await readyAgent.get(paths.me.step(filled.id, 'check'));
    expect(page.text).toContain('data-testid="confirm-application"');
  });
});

describe('after a refusal (issue 10, item 15)', () => {
  it('a refused upload comes back at the page’s own address, once', async () => {
    const { person, app } = await filledApplication();
    const agent = request.agent(suite.t.app);
    await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
    const _csrf = await csrfTokenFrom(agent, paths.me.home);
    const page = paths.me.step(app.id, 'uploads');
    const shown = await refusedAt(
      agent,
      agent
        .post(paths.me.upload(app.id, 'contract'))
        .field('_csrf', _csrf)
        .attach('file', Buffer.alloc(0), '劳动合同.pdf'),
      page,
    );
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('所选文件是空的');
    expect(shown.text).toContain('href="#upload-contract"');
    expect((await agent.get(page)).text).not.toContain('所选文件是空的');
  });

  it('a reason typed with its own full stop is not given a second one', async () => {
    const { person, enterprise, id } = await awaitingEnterprise('constructor');
    const { t } = suite;
    const agent = request.agent(t.app);
    await logInAs(agent, paths.login.enterprise, enterprise.creditCode, PASSWORD);
    const _csrf = await csrfTokenFrom(agent, paths.org.home);
    const returned = await agent
      .post(paths.org.return(id))
      .type('form')
      .send({ _csrf, version: '0', reason: '合同期限填写有误，请修改。' });
    expect(returned.status).toBe(303);
    const [note] = await t.db.sql<{ message: string }[]>`
      select n.message from notifications n join persons p on p.account_id = n.account_id
      where p.id = ${person.personId}`;
    expect(note!.message).toContain('原因：合同期限填写有误，请修改。');
    expect(note!.message).not.toContain('。。');
  });
});

describe('what the enterprise keeps seeing (issue 10, item 11)', () => {
  it('its home page drops the “待您确认” to-do once it has confirmed', async () => {
    const { person, app } = await filledApplication();
    expect((await confirmOnThePage(person, app.id)).status).toBe(303);
    const { t } = suite;
    const [enterprise] = await t.db.sql<{ creditCode: string }[]>`
      select e.credit_code as "creditCode" from enterprises e
      join applications a on a.enterprise_id = e.id where a.id = ${app.id}`;
    await t.db.sql`
      update accounts set password_hash = (select password_hash from accounts where id = ${person.accountId})
      where login_id = ${enterprise!.creditCode}`;
    const agent = request.agent(t.app);
    await logInAs(agent, paths.login.enterprise, enterprise!.creditCode, PASSWORD);
    expect((await agent.get(paths.org.home)).text).toContain('待您确认');
    const _csrf = await csrfTokenFrom(agent, paths.org.home);
    const { version } = (await readApplication(t.db.sql, app.id))!;
    const confirmed = await agent
      .post(paths.org.confirm(app.id))
      .type('form')
      .send({ _csrf, version: String(version), commitment: 'yes', costConsulting: 'no' });
    expect(confirmed.status).toBe(303);
    const home = await agent.get(paths.org.home);
    expect(home.text).not.toContain('待您确认');
    expect(home.text).toMatch(/data-testid="to-confirm">0</);
  });

  it('keeps its statement as made, shows a licence supplied later as its own dated line, and the signed scan after submission', async () => {
    const { t } = suite;
    const { enterprise, agent, _csrf } = await signInNewEnterprise(t);
    const person = await createPerson(t.db.sql, NOW);
    const id = await insertApplication(t.db.sql, NOW, {
      kind: 'initial',
      state: 'awaiting_enterprise',
      profession: 'architect',
      personId: person.personId,
      enterpriseId: enterprise.enterpriseId,
      draft: {
        employment: { position: '建筑师', contractStart: '2026-01-01', contractEnd: '2029-12-31' },
      },
    });
    const confirmed = await agent
      .post(paths.org.confirm(id))
      .type('form')
      .send({ _csrf, version: '0', commitment: 'yes', licence: 'none' });
    expect(confirmed.status).toBe(303);
    const [item] = await t.db.sql<{ id: string }[]>`
      select id from correction_items where application_id = ${id} and asks = 'licence'`;
    const supplied = await agent
      .post(paths.org.correction(id, item!.id))
      .field('_csrf', _csrf)
      .field('licenceType', '工程设计建筑行业资质')
      .field('licenceNumber', 'A132000001');
    expect(supplied.status).toBe(303);
    const [row] = await t.db.sql`select enterprise_confirmation from applications where id = ${id}`;
    expect(row!.enterprise_confirmation).toEqual({ licence: 'none' });

    const uploaded = await agent
      .post(paths.org.signedForm(id))
      .field('_csrf', _csrf)
      .attach('file', TINY_PDF, '申请表.pdf');
    expect(uploaded.status).toBe(303);
    const { version } = (await readApplication(t.db.sql, id))!;
    const submitted = await agent
      .post(paths.org.submit(id))
      .type('form')
      .send({ _csrf, version: String(version) });
    expect(submitted.status).toBe(303);

    const page = await agent.get(paths.org.application(id));
    expect(page.text).toContain('暂无（取得后在材料补正中补充）');
    expect(page.text).toContain('data-testid="supplied-licence"');
    expect(page.text).toMatch(
      /后补企业资质<\/dt><dd>工程设计建筑行业资质，证号 A132000001（\d{4}\/\d{1,2}\/\d{1,2} \d{2}:\d{2} 补充）/,
    );
    expect(page.text).toContain('data-testid="submitted-signed-form"');
  });
});

describe('a renewal or additional registration starts from the registration (issue 10, item 10)', () => {
  it('pre-fills the employment it was granted on, and shows the registration and the renewed validity', async () => {
    const { t } = suite;
    t.clock.set(NOW);
    const person = await createPerson(t.db.sql, NOW, { password: PASSWORD });
    await addRegistryQualification(t.db.sql, person, 'cost_engineer', '安装工程');
    const enterprise = await createEnterprise(t.db.sql, NOW, { password: PASSWORD });
    const registrationId = await addRegistration(
      t.db.sql,
      NOW,
      person,
      enterprise,
      'cost_engineer',
      ['安装工程'],
      '2027-01-24',
    );
    const employment = {
      position: '造价工程师',
      contractStart: '2024-01-01',
      contractEnd: '2029-12-31',
    };
    await insertApplication(t.db.sql, NOW, {
      kind: 'initial',
      state: 'completed',
      profession: 'cost_engineer',
      personId: person.personId,
      enterpriseId: enterprise.enterpriseId,
      registrationId,
      draft: { employment },
    });
    const renewal = await startApplication(t.services, person.accountId, {
      kind: 'renewal',
      profession: 'cost_engineer',
    });
    expect(readDraft(renewal.draft).employment).toEqual(employment);

    const agent = request.agent(t.app);
    await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
    const [registration] = await t.db.sql<{ number: string }[]>`
      select registration_number as number from registrations where id = ${registrationId}`;
    const employmentPage = await agent.get(paths.me.step(renewal.id, 'employment'));
    expect(employmentPage.text).toContain('value="造价工程师"');
    for (const url of [paths.me.step(renewal.id, 'check'), paths.me.application(renewal.id)]) {
      const page = await agent.get(url);
      expect(page.text).toContain(registration!.number);
      expect(page.text).toMatch(/data-testid="registration-specialties">安装工程</);
      expect(page.text).toContain('2024-01-01 至 2027-01-24');
      // Cost engineers register for 4 years, extended from the old end date.
      expect(page.text).toMatch(/data-testid="renewed-validity">2027-01-25 至 2031-01-24/);
    }
    // An additional registration shows the registration too, without a renewed validity.
    await transition(t.services, {
      applicationId: renewal.id,
      action: 'withdraw',
      actor: { role: 'person', accountId: person.accountId },
      expectedVersion: renewal.version,
    });
    const additional = await startApplication(t.services, person.accountId, {
      kind: 'additional',
      profession: 'cost_engineer',
    });
    expect(readDraft(additional.draft).employment).toEqual(employment);
    const check = await agent.get(paths.me.step(additional.id, 'check'));
    expect(check.text).toContain(registration!.number);
    expect(check.text).not.toContain('data-testid="renewed-validity"');
  });
});

describe('a personal change, field by field (issue 10, item 18)', () => {
  async function personalChange() {
    const { t } = suite;
    t.clock.set(NOW);
    const person = await createPerson(t.db.sql, NOW, { password: PASSWORD });
    await addRegistryQualification(t.db.sql, person, 'constructor', '建筑工程');
    const enterprise = await createEnterprise(t.db.sql, NOW);
    await addRegistration(
      t.db.sql,
      NOW,
      person,
      enterprise,
      'constructor',
      ['建筑工程'],
      '2028-06-30',
    );
    const app = await startApplication(t.services, person.accountId, {
      kind: 'personal_change',
      profession: 'constructor',
    });
    const agent = request.agent(t.app);
    await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
    const _csrf = await csrfTokenFrom(agent, paths.me.home);
    return { person, app, agent, _csrf };
  }
  const photo600 = () => photo(600, 800);
  const photo = (width: number, height: number) =>
    sharp({ create: { width, height, channels: 3, background: '#c8d4e0' } })
      .jpeg()
      .toBuffer();

  it('shows the name and ID number of the real-name login read-only, and saves them, the education and a note as fields', async () => {
    const { person, app, agent, _csrf } = await personalChange();
    const step = paths.me.step(app.id, 'change');
    const page = await agent.get(step);
    expect(page.text).toContain(person.idNumber);
    expect(page.text).toContain('来自您的实名登录');
    expect(page.text).not.toMatch(/name="(name|idNumber)"/);
    const nothing = await agent.post(step).type('form').send({ _csrf, education: '', note: '' });
    expect(nothing.status).toBe(422);
    const saved = await agent
      .post(step)
      .type('form')
      .send({ _csrf, identity: 'yes', education: '硕士研究生', note: '', name: '冒名' });
    expect(saved.status).toBe(303);
    const [row] = await suite.t.db.sql<{ name: string }[]>`
      select name from persons where id = ${person.personId}`;
    const change = readDraft((await readApplication(suite.t.db.sql, app.id))!.draft).change;
    // The name comes from the login, whatever a form may post.
    expect(change).toEqual({ name: row!.name, idNumber: person.idNumber, education: '硕士研究生' });
    const check = await agent.get(paths.me.step(app.id, 'check'));
    expect(check.text).toContain(`${row!.name}（${person.idNumber}，来自实名登录）`);
  });

  it('takes a new ID photo checked and re-encoded like the profile photo, at the change step', async () => {
    const { app, agent, _csrf } = await personalChange();
    const step = paths.me.step(app.id, 'change');
    const small = await refusedAt(
      agent,
      agent
        .post(paths.me.changePhoto(app.id))
        .field('_csrf', _csrf)
        .field('photoRecent', 'yes')
        .attach('photo', await photo(100, 100), 'small.jpg'),
      step,
    );
    expect(small.text).toContain('证件照尺寸太小');
    const uploaded = await agent
      .post(paths.me.changePhoto(app.id))
      .field('_csrf', _csrf)
      .field('photoRecent', 'yes')
      .attach('photo', await photo(600, 800), '新照片.jpg');
    expect(uploaded.status).toBe(303);
    expect(uploaded.headers.location).toBe(step);
    const change = readDraft((await readApplication(suite.t.db.sql, app.id))!.draft).change!;
    const file = await agent.get(paths.file(change.photoFileId!));
    expect(await sharp(file.body as Buffer).metadata()).toMatchObject({
      format: 'jpeg',
      width: 295,
      height: 413,
    });
    // The photo alone is a change: the step is complete, and saving the form keeps the photo.
    const next = await agent.post(step).type('form').send({ _csrf, education: '', note: '' });
    expect(next.status).toBe(303);
    const kept = readDraft((await readApplication(suite.t.db.sql, app.id))!.draft).change!;
    expect(kept.photoFileId).toBe(change.photoFileId);
  });

  it('lets the enterprise asked to confirm it open the new photo, and no other enterprise', async () => {
    const { t } = suite;
    const person = await createPerson(t.db.sql, NOW);
    const photo = await storeFile(t.db.sql, t.services.fileStore, {
      bytes: await sharp(await photo600())
        .jpeg()
        .toBuffer(),
      contentType: 'image/jpeg',
      originalName: '新证件照.jpg',
      ownerAccountId: person.accountId,
      at: NOW,
    });
    const { enterprise, agent: employer } = await signInNewEnterprise(t);
    const other = await signInNewEnterprise(t);
    await insertApplication(t.db.sql, NOW, {
      kind: 'personal_change',
      state: 'awaiting_enterprise',
      profession: 'constructor',
      personId: person.personId,
      enterpriseId: enterprise.enterpriseId,
      draft: { change: { photoFileId: photo } },
    });
    expect((await employer.get(paths.file(photo))).status).toBe(200);
    expect((await other.agent.get(paths.file(photo))).status).toBe(404);
  });

  it('is applied to the person when approved', async () => {
    const { t } = suite;
    const person = await createPerson(t.db.sql, NOW);
    // A photo that is not the person's yet (another fixture's file stands in for the new one).
    const newPhoto = (await createPerson(t.db.sql, NOW)).fileId!;
    const enterprise = await createEnterprise(t.db.sql, NOW);
    const registrationId = await addRegistration(
      t.db.sql,
      NOW,
      person,
      enterprise,
      'constructor',
      ['建筑工程'],
      '2028-06-30',
    );
    const id = await insertApplication(t.db.sql, NOW, {
      kind: 'personal_change',
      state: 'under_review',
      profession: 'constructor',
      personId: person.personId,
      enterpriseId: enterprise.enterpriseId,
      registrationId,
      draft: { change: { education: '博士研究生', photoFileId: newPhoto } },
    });
    await transition(t.services, {
      applicationId: id,
      action: 'approve',
      actor: { role: 'officer', accountId: await officerAccountId(t.db.sql) },
      expectedVersion: 0,
    });
    const [row] = await t.db.sql<{ education: string; photo: string }[]>`
      select education, photo_file_id as photo from persons where id = ${person.personId}`;
    expect(row).toEqual({ education: '博士研究生', photo: newPhoto });
  });
});

// A refused action comes back on its own page (routes/middleware/refusals.ts), with the route's
// parameters, and the refused transaction leaves nothing of itself behind.
describe('a confirmation the rules refuse on the check page', () => {
  it('shows the check page again (422) with why, and keeps neither the commitment nor a move', async () => {
    const { person, app } = await filledApplication();
    // A fact the rules read changes after the person filled everything in (rule 2).
    await suite.t.db.sql`update accounts set real_name_level = 2 where id = ${person.accountId}`;
    const res = await confirmOnThePage(person, app.id);
    expect(res.status).toBe(422);
    expect(res.text).toContain('核对申请表并承诺');
    expect(res.text).toContain('您的实名认证等级为L2');
    expect(res.text).toContain('href="#answers"');
    const after = await readApplication(suite.t.db.sql, app.id);
    expect(after).toMatchObject({ state: 'draft', version: 0 });
    expect(readDraft(after!.draft).commitment).toBe(false);
  });

  it('on an application the enterprise returned, leaves the earlier commitment unchecked', async () => {
    const { t } = suite;
    t.clock.set(NOW);
    const person = await createPerson(t.db.sql, NOW, { password: PASSWORD });
    const enterprise = await createEnterprise(t.db.sql, NOW);
    const id = await insertApplication(t.db.sql, NOW, {
      kind: 'initial',
      state: 'returned',
      profession: 'cost_engineer',
      personId: person.personId,
      enterpriseId: enterprise.enterpriseId,
      draft: { eligibilityChecked: true, commitment: true },
    });
    // No cost-engineer qualification: the rules refuse the confirmation.
    const res = await confirmOnThePage(person, id);
    expect(res.status).toBe(422);
    const after = await readApplication(t.db.sql, id);
    expect(after!.state).toBe('returned');
    expect(readDraft(after!.draft).commitment).toBe(false);
  });
});

describe('what happens next (issue 10, item 9)', () => {
  it('after the person confirms: the enterprise, then the authority within 20 working days', async () => {
    const { person, app } = await filledApplication();
    const agent = request.agent(suite.t.app);
    await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
    const _csrf = await csrfTokenFrom(agent, paths.me.home);
    const res = await agent
      .post(paths.me.step(app.id, 'check'))
      .type('form')
      .send({ _csrf, commitment: 'yes' });
    expect(res.status).toBe(303);
    const page = await agent.get(res.headers.location!);
    const next = /data-testid="what-next">([\s\S]*?)<\/ol>/.exec(page.text)![1]!;
    expect(next).toContain('法定代表人签字并加盖公章');
    expect(next).toContain('20个工作日内公告');
  });

  it('after the enterprise submits a renewal: the authority decides within 10 working days', async () => {
    const { t } = suite;
    t.clock.set(NOW);
    const { enterprise, agent } = await signInNewEnterprise(t);
    const person = await createPerson(t.db.sql, NOW);
    const registrationId = await addRegistration(
      t.db.sql,
      NOW,
      person,
      enterprise,
      'constructor',
      ['建筑工程'],
      '2027-01-24',
    );
    const id = await insertApplication(t.db.sql, NOW, {
      kind: 'renewal',
      state: 'submitted',
      profession: 'constructor',
      personId: person.personId,
      enterpriseId: enterprise.enterpriseId,
      registrationId,
    });
    const page = await agent.get(paths.org.application(id)).query({ done: 'submitted' });
    const next = /data-testid="what-next">([\s\S]*?)<\/ol>/.exec(page.text)![1]!;
    expect(next).toContain('10个工作日内作出决定');
    expect(next).not.toContain('法定代表人签字');
  });
});
