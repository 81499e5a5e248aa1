import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoEnterprises } from '../../lib/demo-data.js';
import { paths } from '../../lib/paths.js';
import { transition } from '../../lib/workflow.js';
import type { TestApp } from '../support/app.js';
import { createTestApp, csrfTokenFrom, logInAs } from '../support/app.js';
import { NOW, createEnterprise, createPerson, insertApplication } from '../support/fixtures.js';

// Rule 1 on the enterprise's side: information first, nothing confirmable before it.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(NOW);
});
afterAll(() => t.close());

const incomplete = demoEnterprises.find((e) => e.name === '南京新城建设工程有限公司')!;

describe('enterprise information', () => {
  it('leads an enterprise with incomplete information to the form from every /org page', async () => {
    const agent = request.agent(t.app);
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
    const [row] = await t.db.sql`
      select information_completed_at is not null as done from enterprises
      where credit_code = ${incomplete.creditCode}`;
    expect(row?.done).toBe(true);
  });

  it('shows the demo enterprise its to-do counts', async () => {
    const agent = request.agent(t.app);
    const ningyuan = demoEnterprises.find((e) => e.name === '南京宁远工程造价咨询有限公司')!;
    await logInAs(agent, paths.login.enterprise, ningyuan.creditCode, DEMO_PASSWORD);
    const home = await agent.get(paths.org.home);
    expect(home.text).toMatch(/data-testid="to-confirm">1</);
  });
});

describe('rule 1', () => {
  it('nothing is confirmable before the information is complete, and everything after', async () => {
    const person = await createPerson(t.db.sql, NOW);
    const enterprise = await createEnterprise(t.db.sql, NOW, { complete: false });
    const id = await insertApplication(t.db.sql, NOW, {
      kind: 'cancellation',
      state: 'awaiting_enterprise',
      profession: 'constructor',
      personId: person.personId,
      enterpriseId: enterprise.enterpriseId,
    });
    const confirm = () =>
      transition(t.services, {
        applicationId: id,
        action: 'enterprise_confirm',
        actor: { role: 'enterprise', accountId: enterprise.accountId },
      });
    await expect(confirm()).rejects.toThrow('请先完善企业信息，再确认员工的申请。');
    await t.db.sql`update enterprises set information_completed_at = ${NOW}
                   where id = ${enterprise.enterpriseId}`;
    expect((await confirm()).state).toBe('completed');
  });
});
