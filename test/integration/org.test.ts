import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoEnterprises } from '../../lib/demo/index.js';
import { confirmAsEnterprise } from '../../lib/enterprise/index.js';
import { ConflictError } from '../../lib/platform/index.js';
import { paths } from '../../routes/paths.js';
import { transition } from '../../lib/workflow/index.js';
import {
  csrfTokenFrom,
  integrationSuite,
  logInAs,
  signInNewEnterprise,
  refusedAt,
} from '../support/app.js';
import {
  addRegistration,
  createEnterprise,
  createPerson,
  insertApplication,
  NOW,
  TINY_PDF,
} from '../support/fixtures.js';

// Rule 1 on the enterprise's side: information first, nothing confirmable before it.

const suite = integrationSuite({ clock: NOW });

const incomplete = demoEnterprises.find((e) => e.name === '南京新城建设工程有限公司')!;

describe('enterprise information', () => {
  it('leads an enterprise with incomplete information to the form from every /org page', async () => {
    const agent = request.agent(suite.t.app);
    const login = await logInAs(
      agent,
      paths.login.enterprise,
      incomplete.creditCode,
      DEMO_PASSWORD,
    );
    expect(login.headers.location).toBe(paths.org.home);
    const home = await agent.get(paths.org.home);
    expect(home.status).toBe(303);
    expect(home.headers.location).toBe(paths.org.information);
    const form = await agent.get(paths.org.information);
    expect(form.text).toContain('首次登录请先完善企业基本信息');
    expect(form.text).toContain('南京新城建设工程有限公司');

    const _csrf = await csrfTokenFrom(agent, paths.org.information);
    const bad = await agent.post(paths.org.information).type('form').send({
      _csrf,
      legalRepresentative: '周建新',
      address: '南京市秦淮区中山南路100号',
      districtCode: '310101',
      contactName: '',
      contactPhone: '12345',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('江苏省以32开头');
    expect(bad.text).toContain('请填写联系人姓名');
    expect(bad.text).toContain('请填写手机号码或带区号的固定电话');
    expect(bad.text).toContain('value="南京市秦淮区中山南路100号"');

    const good = await agent.post(paths.org.information).type('form').send({
      _csrf,
      legalRepresentative: '周建新',
      address: '南京市秦淮区中山南路100号',
      districtCode: '320104',
      contactName: '王丽',
      contactPhone: '025-84000123',
    });
    expect(good.status).toBe(303);
    const after = await agent.get(paths.org.home);
    expect(after.status).toBe(200);
    expect(after.text).toContain('待办事项');
    const [row] = await suite.t.db.sql`
      select information_completed_at is not null as done from enterprises
      where credit_code = ${incomplete.creditCode}`;
    expect(row?.done).toBe(true);
  });

  it('shows the demo enterprise its to-do counts', async () => {
    const agent = request.agent(suite.t.app);
    const ningyuan = demoEnterprises.find((e) => e.name === '南京宁远工程造价咨询有限公司')!;
    await logInAs(agent, paths.login.enterprise, ningyuan.creditCode, DEMO_PASSWORD);
    const home = await agent.get(paths.org.home);
    expect(home.text).toMatch(/data-testid="to-confirm">1</);
  });
});

describe('rule 1', () => {
  it('nothing is confirmable before the information is complete, and everything after', async () => {
    const person = await createPerson(suite.t.db.sql, NOW);
    const enterprise = await createEnterprise(suite.t.db.sql, NOW, { complete: false });
    const id = await insertApplication(suite.t.db.sql, NOW, {
      kind: 'cancellation',
      state: 'awaiting_enterprise',
      profession: 'constructor',
      personId: person.personId,
      enterpriseId: enterprise.enterpriseId,
    });
    const confirm = () =>
      transition(suite.t.services, {
        applicationId: id,
        action: 'enterprise_confirm',
        actor: { role: 'enterprise', accountId: enterprise.accountId },
      });
    await expect(confirm()).rejects.toThrow('请先完善企业信息，再确认员工的申请。');
    await suite.t.db.sql`update enterprises set information_completed_at = ${NOW}
                   where id = ${enterprise.enterpriseId}`;
    expect((await confirm()).state).toBe('completed');
  });
});

describe('rule 1 through the pages', () => {
  it('a confirmation posted before the information is complete leads to the form and changes nothing', async () => {
    const { enterprise, agent } = await signInNewEnterprise(suite.t, { complete: false });
    const person = await createPerson(suite.t.db.sql, NOW);
    const id = await insertApplication(suite.t.db.sql, NOW, {
      kind: 'initial',
      state: 'awaiting_enterprise',
      profession: 'cost_engineer',
      personId: person.personId,
      enterpriseId: enterprise.enterpriseId,
    });
    const _csrf = await csrfTokenFrom(agent, paths.org.information);
    const res = await agent
      .post(paths.org.confirm(id))
      .type('form')
      .send({ _csrf, version: '0', commitment: 'yes', costConsulting: 'no' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(paths.org.information);
    const [row] = await suite.t.db.sql`select state, version from applications where id = ${id}`;
    expect(row).toEqual({ state: 'awaiting_enterprise', version: 0 });
  });
});

describe('confirming and returning', () => {
  const byName = (name: string) => demoEnterprises.find((e) => e.name === name)!;
  const signedIn = async (name: string) => {
    const agent = request.agent(suite.t.app);
    await logInAs(agent, paths.login.enterprise, byName(name).creditCode, DEMO_PASSWORD);
    return { agent, _csrf: await csrfTokenFrom(agent, paths.org.information) };
  };
  const waitingAt = async (name: string) => {
    const [row] = await suite.t.db.sql<{ id: string; version: number }[]>`
      select a.id, a.version from applications a join enterprises e on e.id = a.enterprise_id
      where e.name = ${name} and a.state = 'awaiting_enterprise'`;
    return row!;
  };

  it('the enterprise sees the frozen application, states what its profession asks, and confirms', async () => {
    const { agent, _csrf } = await signedIn('南京宁远工程造价咨询有限公司');
    const app = await waitingAt('南京宁远工程造价咨询有限公司');
    const list = await agent.get(paths.org.applications);
    expect(list.text).toContain('李娜');
    const page = await agent.get(paths.org.application(app.id));
    expect(page.text).toContain('申请表版本 1');
    expect(page.text).toContain('是否为造价咨询企业');

    const bad = await agent
      .post(paths.org.confirm(app.id))
      .type('form')
      .send({ _csrf, version: app.version });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('请选择是否为造价咨询企业');
    expect(bad.text).toContain('请阅读并勾选企业承诺后再确认');

    const res = await agent
      .post(paths.org.confirm(app.id))
      .type('form')
      .send({ _csrf, version: app.version, costConsulting: 'yes', commitment: 'yes' });
    expect(res.status).toBe(303);
    const [row] = await suite.t.db.sql`
      select state, enterprise_confirmation from applications where id = ${app.id}`;
    expect(row).toEqual({
      state: 'awaiting_signed_form',
      enterprise_confirmation: { costConsulting: true },
    });
    // The page shows what the enterprise stated.
    const after = await agent.get(paths.org.application(app.id));
    expect(after.text).toMatch(/是否为造价咨询企业<\/dt><dd>是</);
  });

  it('a return needs a reason, which the person sees', async () => {
    const { agent, _csrf } = await signedIn('苏州吴江长三角示范区建设有限公司');
    const app = await waitingAt('苏州吴江长三角示范区建设有限公司');
    const empty = await agent
      .post(paths.org.return(app.id))
      .type('form')
      .send({ _csrf, version: app.version, reason: ' ' });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('请写明退回原因');
    const res = await agent
      .post(paths.org.return(app.id))
      .type('form')
      .send({ _csrf, version: app.version, reason: '劳动合同起始日期与合同不符' });
    expect(res.status).toBe(303);
    const [row] = await suite.t.db.sql`select state from applications where id = ${app.id}`;
    expect(row?.state).toBe('returned');
    const [event] = await suite.t.db.sql`
      select reason from application_events where application_id = ${app.id} order by version desc limit 1`;
    expect(event?.reason).toBe('劳动合同起始日期与合同不符');
  });

  it('another enterprise gets 404 on every /org route of an application that does not name it', async () => {
    const [other] = await suite.t.db.sql<{ id: string }[]>`
      select a.id from applications a join enterprises e on e.id = a.enterprise_id
      where e.name = '南京宁远工程造价咨询有限公司'`;
    const id = other!.id;
    const { agent, _csrf } = await signedIn('江苏华建建设工程有限公司');
    expect((await agent.get(paths.org.application(id))).status).toBe(404);
    const form = { _csrf, version: '1', costConsulting: 'yes', commitment: 'yes', reason: 'x' };
    expect((await agent.post(paths.org.confirm(id)).type('form').send(form)).status).toBe(404);
    expect((await agent.post(paths.org.return(id)).type('form').send(form)).status).toBe(404);
    expect((await agent.get(paths.org.application('not-an-id'))).status).toBe(404);
  });

  it('a cancellation confirmed on the page completes at once: no signed form, the registration ends', async () => {
    const { enterprise, agent, _csrf } = await signInNewEnterprise(suite.t);
    const person = await createPerson(suite.t.db.sql, NOW);
    const registrationId = await addRegistration(
      suite.t.db.sql,
      NOW,
      person,
      enterprise,
      'constructor',
      ['建筑工程'],
      '2028-06-30',
    );
    const id = await insertApplication(suite.t.db.sql, NOW, {
      kind: 'cancellation',
      state: 'awaiting_enterprise',
      profession: 'constructor',
      personId: person.personId,
      enterpriseId: enterprise.enterpriseId,
      registrationId,
    });
    expect((await agent.get(paths.org.employees)).text).toContain('测试人员');
    const res = await agent
      .post(paths.org.confirm(id))
      .type('form')
      .send({ _csrf, version: '0', commitment: 'yes' });
    expect(res.headers.location).toBe(`${paths.org.application(id)}?done=confirmed`);
    const page = await agent.get(res.headers.location as string);
    expect(page.text).toContain('注销注册已完成');
    expect(page.text).not.toContain('申请表签字盖章');
    const [row] = await suite.t.db.sql`
      select a.state, r.status from applications a join registrations r on r.id = a.registration_id
      where a.id = ${id}`;
    expect(row).toEqual({ state: 'completed', status: 'cancelled' });
    expect((await agent.get(paths.org.employees)).text).not.toContain('测试人员');
  });

  it('two confirmations racing make one, and "no licence for now" opens an item that does not hold review', async () => {
    const person = await createPerson(suite.t.db.sql, NOW);
    const enterprise = await createEnterprise(suite.t.db.sql, NOW);
    const id = await insertApplication(suite.t.db.sql, NOW, {
      kind: 'initial',
      state: 'awaiting_enterprise',
      profession: 'architect',
      personId: person.personId,
      enterpriseId: enterprise.enterpriseId,
    });
    const attempt = () =>
      confirmAsEnterprise(suite.t.services, {
        accountId: enterprise.accountId,
        applicationId: id,
        expectedVersion: 0,
        confirmation: { licence: 'none' },
      });
    const results = await Promise.allSettled([attempt(), attempt()]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    // The other is told someone acted first (a 409 in Chinese), not a database error.
    const [lost] = results.filter((r) => r.status === 'rejected');
    expect(lost?.reason).toBeInstanceOf(ConflictError);
    expect((lost?.reason as ConflictError).status).toBe(409);
    const items = await suite.t.db.sql`
      select addressed_to, blocks_review, closed_at from correction_items where application_id = ${id}`;
    expect(items).toEqual([{ addressed_to: 'enterprise', blocks_review: false, closed_at: null }]);
    const [row] = await suite.t.db.sql`select state from applications where id = ${id}`;
    expect(row?.state).toBe('awaiting_signed_form');
  });
});

describe('the signed form', () => {
  it('is printed from the snapshot, uploaded for that version, and the application submitted', async () => {
    const agent = request.agent(suite.t.app);
    const huajian = demoEnterprises.find((e) => e.name === '江苏华建建设工程有限公司')!;
    await logInAs(agent, paths.login.enterprise, huajian.creditCode, DEMO_PASSWORD);
    const [enterprise] = await suite.t.db.sql<{ id: string; account_id: string }[]>`
      select id, account_id from enterprises where credit_code = ${huajian.creditCode}`;
    const person = await createPerson(suite.t.db.sql, NOW);
    const id = await insertApplication(suite.t.db.sql, NOW, {
      kind: 'renewal',
      state: 'awaiting_signed_form',
      profession: 'constructor',
      personId: person.personId,
      enterpriseId: enterprise!.id,
      draft: {
        employment: {
          position: '项目经理',
          contractStart: '2024-01-01',
          contractEnd: '2029-12-31',
        },
      },
    });
    const form = await agent.get(paths.org.form(id));
    expect(form.status).toBe(200);
    expect(form.text).toContain('申请表版本 <strong>1</strong>');
    expect(form.text).toContain(`法定代表人 ${huajian.information.legalRepresentative}（签字）`);

    const _csrf = await csrfTokenFrom(agent, paths.org.information);
    const early = await agent.post(paths.org.submit(id)).type('form').send({ _csrf, version: '0' });
    expect(early.status).toBe(422);
    expect(early.text).toContain('请先上传法定代表人签字并加盖公章的申请表扫描件');

    const wrong = await refusedAt(
      agent,
      agent
        .post(paths.org.signedForm(id))
        .field('_csrf', _csrf)
        .attach('file', Buffer.from('not a scan at all'), 'scan.pdf'),
      paths.org.application(id),
    );
    expect(wrong.status).toBe(200);
    expect(wrong.text).toContain('只能上传JPG、PNG或PDF格式的文件');

    const uploaded = await agent
      .post(paths.org.signedForm(id))
      .field('_csrf', _csrf)
      .attach('file', TINY_PDF, '申请表.pdf');
    expect(uploaded.headers.location).toBe(`${paths.org.application(id)}?done=uploaded`);
    const submitted = await agent
      .post(paths.org.submit(id))
      .type('form')
      .send({ _csrf, version: '0' });
    expect(submitted.headers.location).toBe(`${paths.org.application(id)}?done=submitted`);
    const [row] = await suite.t.db.sql`
      select state, signed_form_snapshot_version from applications where id = ${id}`;
    expect(row).toEqual({ state: 'submitted', signed_form_snapshot_version: 1 });

    const other = request.agent(suite.t.app);
    const ningyuan = demoEnterprises.find((e) => e.name === '南京宁远工程造价咨询有限公司')!;
    await logInAs(other, paths.login.enterprise, ningyuan.creditCode, DEMO_PASSWORD);
    expect((await other.get(paths.org.form(id))).status).toBe(404);
    const stranger = await other
      .post(paths.org.signedForm(id))
      .field('_csrf', await csrfTokenFrom(other, paths.org.information))
      .attach('file', TINY_PDF, 'x.pdf');
    expect(stranger.status).toBe(404);
  });
});

describe('employees', () => {
  it('lists everyone registered here, marking validity that ends within 90 days', async () => {
    suite.t.clock.reset(); // the demo data's dates are relative to the day it was seeded: today
    const agent = request.agent(suite.t.app);
    const huajian = demoEnterprises.find((e) => e.name === '江苏华建建设工程有限公司')!;
    await logInAs(agent, paths.login.enterprise, huajian.creditCode, DEMO_PASSWORD);
    const page = await agent.get(paths.org.employees);
    expect(page.status).toBe(200);
    expect(page.text).toContain('张伟');
    expect(page.text).toContain('陈静');
    // 张伟's registration ends 60 days after seeding; 陈静's are years away.
    expect(page.text.match(/data-testid="ending-soon"/g)).toHaveLength(1);
    expect(page.text.indexOf('张伟')).toBeLessThan(page.text.indexOf('陈静'));
  });
});
