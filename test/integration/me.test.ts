import request from 'supertest';
import type { Agent } from 'supertest';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expireUnconfirmed, saveDraft, startApplication } from '../../lib/filing/index.js';
import { requestCorrections } from '../../lib/corrections/index.js';
import { readApplication, readDraft } from '../../lib/workflow/index.js';
import { paths } from '../../routes/paths.js';
import {
  csrfTokenFrom,
  integrationSuite,
  logInAs,
  signInNewPerson,
  refusedAt,
} from '../support/app.js';
import type { EnterpriseFixture, PersonFixture } from '../support/fixtures.js';
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

const suite = integrationSuite({ clock: NOW });
let enterprise: EnterpriseFixture;
beforeAll(async () => {
  enterprise = await createEnterprise(suite.t.db.sql, NOW, { name: '江苏测试造价咨询有限公司' });
});
beforeEach(() => suite.t.clock.set(NOW));

const signedIn = (options: Parameters<typeof createPerson>[2] = {}) =>
  signInNewPerson(suite.t, options);

async function post(agent: Agent, url: string, form: Record<string, string | string[]>) {
  const _csrf = await csrfTokenFrom(agent, paths.me.profile);
  return agent
    .post(url)
    .type('form')
    .send({ _csrf, ...form });
}

/** Starts an initial cost-engineer application through the pages; returns its id. */
async function startInitial(agent: Agent): Promise<string> {
  const kind = await post(agent, paths.me.apply, { kind: 'initial' });
  expect(kind.headers.location).toBe(`${paths.me.applyProfession}?kind=initial`);
  const started = await post(agent, paths.me.applyProfession, {
    kind: 'initial',
    profession: 'cost_engineer',
  });
  expect(started.status).toBe(303);
  return /applications\/([0-9a-f-]{36})\//.exec(started.headers.location as string)![1]!;
}

describe('the dashboard', () => {
  it('tells a person below L4 how to reach it', async () => {
    const { agent } = await signedIn({ realNameLevel: 2 });
    const res = await agent.get(paths.me.home);
    expect(res.status).toBe(200);
    expect(res.text).toContain('您当前的实名认证等级为L2');
    expect(res.text).toContain('“江苏政务服务”App');
  });

  it('sends a person with an incomplete profile to update it, naming the missing fields', async () => {
    const { agent } = await signedIn({ completeProfile: false });
    const res = await agent.get(paths.me.home);
    expect(res.text).toContain('手机号码、电子邮箱、通讯地址、学历、近期免冠证件照');
    expect(res.text).toContain(`href="${paths.me.profile}"`);
  });
});

describe('the profile', () => {
  it('keeps what was typed and says what is wrong, then saves valid contact details', async () => {
    const { agent, person } = await signedIn({ completeProfile: false });
    const bad = await post(agent, paths.me.profile, {
      phone: '1234',
      email: 'not-an-email',
      address: '苏州市吴江区中山南路1号',
      education: '本科',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('请输入11位手机号码');
    expect(bad.text).toContain('请输入正确的电子邮箱地址');
    expect(bad.text).toContain('value="苏州市吴江区中山南路1号"');
    const good = await post(agent, paths.me.profile, {
      phone: '13812345678',
      email: 'li@example.cn',
      address: '苏州市吴江区中山南路1号',
      education: '本科',
    });
    expect(good.status).toBe(303);
    const [row] = await suite.t.db
      .sql`select phone, education from persons where id = ${person.personId}`;
    expect(row).toEqual({ phone: '13812345678', education: '本科' });
  });
});

describe('particulars after registration', () => {
  it('are refused before anything of the form is saved', async () => {
    const { agent, person } = await signedIn();
    await addRegistration(
      suite.t.db.sql,
      NOW,
      person,
      enterprise,
      'cost_engineer',
      ['安装工程'],
      '2028-01-01',
    );
    const res = await post(agent, paths.me.profile, {
      phone: '13700000000',
      email: 'new@example.cn',
      address: '无锡市梁溪区',
      education: '博士研究生',
    });
    expect(res.status).toBe(409);
    expect(res.text).toContain('个人自然情况变更');
    const [row] = await suite.t.db
      .sql`select phone, education from persons where id = ${person.personId}`;
    expect(row).toEqual({ phone: '13912345678', education: '本科' });
  });
});

describe('applying', () => {
  it('walks an initial application from the kind to confirmation, and it waits for the enterprise', async () => {
    const { agent, person } = await signedIn();
    await addRegistryQualification(suite.t.db.sql, person, 'cost_engineer', '土木建筑工程');
    const id = await startInitial(agent);

    expect((await agent.get(paths.me.step(id, 'eligibility'))).text).toContain('您符合申请条件');
    let res = await post(agent, paths.me.step(id, 'eligibility'), {});
    expect(res.headers.location).toBe(paths.me.step(id, 'employer'));

    const search = await agent.get(`${paths.me.step(id, 'employer')}?q=测试造价`);
    expect(search.text).toContain('江苏测试造价咨询有限公司');
    // A control character in the search is dropped, not a 500.
    const nul = await agent.get(
      `${paths.me.step(id, 'employer')}?q=${encodeURIComponent('测试\u0000造价')}`,
    );
    expect(nul.status).toBe(200);
    expect(nul.text).toContain('江苏测试造价咨询有限公司');
    res = await post(agent, paths.me.step(id, 'employer'), {
      enterpriseId: enterprise.enterpriseId,
    });
    expect(res.headers.location).toBe(paths.me.step(id, 'employment'));

    const invalid = await post(agent, paths.me.step(id, 'employment'), {
      position: '造价员',
      contractStart: '2025-13-01',
      contractEnd: '',
    });
    expect(invalid.status).toBe(422);
    expect(invalid.text).toContain('请填写劳动合同起始日期');
    expect(invalid.text).toContain('value="造价员"');
    // Rule 3 as far as it is known today, refused at this step rather than on the check page:
    // a contract not yet in force, and one ending within three months, beside their fields.
    const early = await post(agent, paths.me.step(id, 'employment'), {
      position: '造价员',
      contractStart: '2027-01-01',
      contractEnd: '2027-02-01',
    });
    expect(early.status).toBe(422);
    expect(early.text).toMatch(
      /id="contractStart-error">.*劳动合同自2027-01-01起生效，尚未生效的劳动合同不能申请注册/,
    );
    expect(early.text).toMatch(
      /id="contractEnd-error">.*劳动合同须自申请确认之日起3个月以上有效（至少到2027-02-25）/,
    );
    expect(early.text).toContain('value="2027-01-01"');
    res = await post(agent, paths.me.step(id, 'employment'), {
      position: '造价员',
      contractStart: '2025-03-01',
      contractEnd: '2028-02-29',
    });
    expect(res.headers.location).toBe(paths.me.step(id, 'specialties'));
    // A specialty posted twice is chosen once.
    res = await post(agent, paths.me.step(id, 'specialties'), {
      specialties: ['土木建筑工程', '土木建筑工程'],
    });
    expect(res.headers.location).toBe(paths.me.step(id, 'uploads'));
    const { draft } = (await readApplication(suite.t.db.sql, id))!;
    expect(readDraft(draft).specialties).toEqual(['土木建筑工程']);

    const notYet = await post(agent, paths.me.step(id, 'uploads'), {});
    expect(notYet.status).toBe(422);
    expect(notYet.text).toContain('请上传劳动合同扫描件');
    const _csrf = await csrfTokenFrom(agent, paths.me.profile);
    const exe = await agent
      .post(paths.me.upload(id, 'contract'))
      .field('_csrf', _csrf)
      .attach('file', Buffer.from('MZ\x90\x00 not a document'), '劳动合同.pdf');
    // Refused: back at the step's own address (Post/Redirect/Get), with why at the field.
    expect(exe.status).toBe(303);
    expect(exe.headers.location).toBe(paths.me.step(id, 'uploads'));
    const refusedPage = await agent.get(paths.me.step(id, 'uploads'));
    expect(refusedPage.text).toContain('只能上传JPG、PNG或PDF格式的文件');
    expect(refusedPage.text).toContain('href="#upload-contract"');
    // Shown once: a reload is the page as it is.
    const reloaded = await agent.get(paths.me.step(id, 'uploads'));
    expect(reloaded.text).not.toContain('只能上传JPG、PNG或PDF格式的文件');
    const uploaded = await agent
      .post(paths.me.upload(id, 'contract'))
      .field('_csrf', _csrf)
      .attach('file', TINY_PDF, '劳动合同.pdf');
    expect(uploaded.headers.location).toBe(paths.me.step(id, 'uploads'));
    expect((await agent.get(paths.me.step(id, 'uploads'))).text).toContain('劳动合同.pdf');
    res = await post(agent, paths.me.step(id, 'uploads'), {});
    expect(res.headers.location).toBe(paths.me.step(id, 'check'));

    const check = await agent.get(paths.me.step(id, 'check'));
    expect(check.text).toContain('江苏测试造价咨询有限公司');
    expect(check.text).toContain('2025-03-01 至 2028-02-29');
    const noCommitment = await post(agent, paths.me.step(id, 'check'), {});
    expect(noCommitment.status).toBe(422);
    expect(noCommitment.text).toContain('请阅读并勾选承诺后再确认提交');

    res = await post(agent, paths.me.step(id, 'check'), { commitment: 'yes' });
    expect(res.headers.location).toBe(`${paths.me.application(id)}?confirmed=1`);
    const page = await agent.get(`${paths.me.application(id)}?confirmed=1`);
    expect(page.text).toContain('待企业确认');
    expect(page.text).toContain('请通知江苏测试造价咨询有限公司登录平台确认您的申请');
    const [row] = await suite.t.db
      .sql`select state, snapshot_version from applications where id = ${id}`;
    expect(row).toEqual({ state: 'awaiting_enterprise', snapshot_version: 1 });
  });

  it('makes one transition of 10 identical confirmation POSTs sent at once', async () => {
    const { agent, person } = await signedIn();
    await addRegistryQualification(suite.t.db.sql, person, 'cost_engineer', '土木建筑工程');
    const id = await startInitial(agent);
    await saveDraft(suite.t.services, person.accountId, id, {
      enterpriseId: enterprise.enterpriseId,
      eligibilityChecked: true,
      employment: { position: '造价员', contractStart: '2025-03-01', contractEnd: '2028-02-29' },
      specialties: ['土木建筑工程'],
      uploads: { contract: person.fileId! },
    });
    const _csrf = await csrfTokenFrom(agent, paths.me.profile);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        agent.post(paths.me.step(id, 'check')).type('form').send({ _csrf, commitment: 'yes' }),
      ),
    );
    const confirmed = responses.filter(
      (r) => r.headers.location === `${paths.me.application(id)}?confirmed=1`,
    );
    expect(confirmed).toHaveLength(1);
    for (const r of responses.filter((x) => !confirmed.includes(x))) {
      expect([303, 409]).toContain(r.status); // back to the application page, or "already done"
    }
    const events = await suite.t.db.sql`
      select 1 from application_events where application_id = ${id} and action = 'confirm'`;
    expect(events).toHaveLength(1);
  });

  it('names every reason the self-check finds, and does not let the person past it', async () => {
    const { agent } = await signedIn({ realNameLevel: 3, completeProfile: false });
    const id = await startInitial(agent);
    const res = await post(agent, paths.me.step(id, 'eligibility'), {});
    expect(res.status).toBe(422);
    expect(res.text).toContain('实名认证等级为L3');
    expect(res.text).toContain('请先完善个人信息');
    expect(res.text).toContain('没有查到您的二级注册造价工程师资格');
  });

  it('resumes where the person stopped, from a new session', async () => {
    const { agent, person } = await signedIn();
    await addRegistryQualification(suite.t.db.sql, person, 'cost_engineer', '安装工程');
    const id = await startInitial(agent);
    await post(agent, paths.me.step(id, 'eligibility'), {});
    await post(agent, paths.me.step(id, 'employer'), { enterpriseId: enterprise.enterpriseId });
    await post(agent, paths.me.step(id, 'employment'), {
      position: '造价员',
      contractStart: '2025-03-01',
      contractEnd: '2028-02-29',
    });

    const other = request.agent(suite.t.app); // another device
    await logInAs(other, paths.login.person, person.idNumber, PASSWORD);
    const dashboard = await other.get(paths.me.home);
    expect(dashboard.text).toContain(paths.me.application(id));
    const page = await other.get(paths.me.application(id));
    expect(page.text).toContain(`href="${paths.me.step(id, 'specialties')}" data-testid="resume"`);
    expect((await other.get(paths.me.step(id, 'employment'))).text).toContain('value="2028-02-29"');
  });

  it('refuses a second open application in the same profession, with a message', async () => {
    const { agent } = await signedIn();
    await startInitial(agent);
    const again = await post(agent, paths.me.applyProfession, {
      kind: 'cancellation',
      profession: 'cost_engineer',
    });
    expect(again.status).toBe(409);
    expect(again.text).toContain('您已有一项二级注册造价工程师的申请正在办理中');
  });

  it('withdraws after a confirmation step', async () => {
    const { agent } = await signedIn();
    const id = await startInitial(agent);
    const stale = await post(agent, paths.me.withdraw(id), { version: 'abc' });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('页面已过期');
    const page = await agent.get(paths.me.withdraw(id));
    expect(page.text).toContain('确定要撤回这项申请吗');
    const res = await post(agent, paths.me.withdraw(id), { version: '0' });
    expect(res.headers.location).toBe(`${paths.me.applications}?withdrawn=1`);
    expect((await agent.get(paths.me.application(id))).text).toContain('已撤回');
  });

  it('an expired application is gone from the person’s pages, its record kept', async () => {
    const { person } = await signedIn();
    const app = await startApplication(suite.t.services, person.accountId, {
      kind: 'initial',
      profession: 'constructor',
    });
    suite.t.clock.set(new Date(NOW.getTime() + 6 * 24 * 3600_000));
    await expireUnconfirmed(suite.t.services);
    const agent = request.agent(suite.t.app); // the old session has timed out meanwhile
    await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
    expect((await agent.get(paths.me.applications)).text).not.toContain(app.applicationNumber);
    expect((await agent.get(paths.me.application(app.id))).status).toBe(404);
    const events = await suite.t.db
      .sql`select 1 from application_events where application_id = ${app.id}`;
    expect(events.length).toBe(2);
  });
});

describe('access', () => {
  let owner: PersonFixture;
  let ownApplicationId: string;
  beforeAll(async () => {
    owner = await createPerson(suite.t.db.sql, NOW);
    ownApplicationId = await insertApplication(suite.t.db.sql, NOW, {
      kind: 'initial',
      state: 'draft',
      profession: 'cost_engineer',
      personId: owner.personId,
      enterpriseId: null,
    });
  });

  it('another person gets 404 on every /me route that takes an application id', async () => {
    const { agent } = await signedIn();
    const id = ownApplicationId;
    const gets = [
      paths.me.application(id),
      paths.me.withdraw(id),
      ...['eligibility', 'employer', 'employment', 'specialties', 'uploads', 'check'].map((s) =>
        paths.me.step(id, s),
      ),
    ];
    for (const url of gets) expect((await agent.get(url)).status, url).toBe(404);
    const posts = [
      paths.me.withdraw(id),
      ...['eligibility', 'employer', 'employment', 'specialties', 'uploads', 'check'].map((s) =>
        paths.me.step(id, s),
      ),
    ];
    for (const url of posts) {
      expect((await post(agent, url, { version: '0', commitment: 'yes' })).status, url).toBe(404);
    }
    const _csrf = await csrfTokenFrom(agent, paths.me.profile);
    const upload = await agent
      .post(paths.me.upload(id, 'contract'))
      .field('_csrf', _csrf)
      .attach('file', TINY_PDF, 'contract.pdf');
    expect(upload.status).toBe(404);
    expect((await agent.get(paths.me.application('not-a-uuid'))).status).toBe(404);
    const [row] = await suite.t.db.sql`select state, version from applications where id = ${id}`;
    expect(row).toEqual({ state: 'draft', version: 0 });
  });

  it('a step the kind does not have is 404', async () => {
    const { agent } = await signedIn();
    const id = await startInitial(agent);
    expect((await agent.get(paths.me.step(id, 'change'))).status).toBe(404);
    expect((await agent.get(paths.me.step(id, 'nonsense'))).status).toBe(404);
  });
});

describe('correction items addressed to the person', () => {
  it('are shown with what and why, and supplied with a note and a file', async () => {
    const { agent, person } = await signedIn();
    const enterpriseOf = await createEnterprise(suite.t.db.sql, NOW);
    const id = await insertApplication(suite.t.db.sql, NOW, {
      kind: 'initial',
      state: 'under_review',
      profession: 'architect',
      personId: person.personId,
      enterpriseId: enterpriseOf.enterpriseId,
    });
    const [staff] = await suite.t.db.sql<
      { id: string }[]
    >`select id from accounts where kind = 'staff'`;
    await requestCorrections(suite.t.services, {
      applicationId: id,
      officerAccountId: staff!.id,
      items: [{ addressedTo: 'person', what: '学历证书扫描件', why: '学历信息需核实' }],
    });
    const page = await agent.get(paths.me.application(id));
    expect(page.text).toContain('需要您补正的材料');
    expect(page.text).toContain('学历信息需核实');
    const [item] = await suite.t.db.sql<{ id: string }[]>`
      select id from correction_items where application_id = ${id}`;
    const _csrf = await csrfTokenFrom(agent, paths.me.profile);
    const empty = await refusedAt(
      agent,
      agent.post(paths.me.correction(id, item!.id)).field('_csrf', _csrf),
      paths.me.application(id),
    );
    expect(empty.status).toBe(200);
    expect(empty.text).toContain('请上传补正材料或填写补正说明');

    const other = await signedIn();
    const stranger = await other.agent
      .post(paths.me.correction(id, item!.id))
      .field('_csrf', await csrfTokenFrom(other.agent, paths.me.profile))
      .field('note', '不是我的');
    expect(stranger.status).toBe(404);

    const res = await agent
      .post(paths.me.correction(id, item!.id))
      .field('_csrf', _csrf)
      .field('note', '已上传本科毕业证书')
      .attach('file', TINY_PDF, '毕业证书.pdf');
    expect(res.headers.location).toBe(`${paths.me.application(id)}?supplied=1`);
    const after = await agent.get(paths.me.application(id));
    expect(after.text).toContain('补正记录');
    expect(after.text).toContain('已上传本科毕业证书');
    const [row] = await suite.t.db.sql`select state from applications where id = ${id}`;
    expect(row?.state).toBe('under_review');
  });
});
