import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../lib/demo/index.js';
import { paths } from '../../routes/paths.js';
import { csrfTokenFrom, integrationSuite, logInAs } from '../support/app.js';
import {
  createEnterprise,
  createPerson,
  insertApplication,
  NOW,
  PASSWORD,
} from '../support/fixtures.js';

// The authority's pages over HTTP (issue 12): the queue, the review page, acceptance, the
// correction request form, the two-step decision and the written decision each party sees.

const suite = integrationSuite({ clock: NOW });

async function officer(username = 'shenhe01') {
  const agent = request.agent(suite.t.app);
  const res = await logInAs(agent, paths.login.staff, username, DEMO_PASSWORD);
  expect(res.status).toBe(303);
  return agent;
}

/** An initial application the enterprise submitted, with its person and enterprise signed in. */
async function submitted() {
  const sql = suite.t.db.sql;
  const person = await createPerson(sql, NOW, { password: PASSWORD, name: '韩雪梅' });
  const enterprise = await createEnterprise(sql, NOW, { password: PASSWORD });
  const id = await insertApplication(sql, NOW, {
    kind: 'initial',
    state: 'submitted',
    profession: 'constructor',
    personId: person.personId,
    enterpriseId: enterprise.enterpriseId,
    draft: {
      specialties: ['建筑工程'],
      employment: { position: '项目经理', contractStart: '2025-01-01', contractEnd: '2029-12-31' },
      person: { name: '韩雪梅', idNumber: person.idNumber, photoFileId: person.fileId },
    },
  });
  await sql`update applications set submitted_at = ${NOW} where id = ${id}`;
  const [row] = await sql<{ number: string }[]>`
    select application_number as number from applications where id = ${id}`;
  return { id, number: row!.number, person, enterprise };
}

const stateOf = async (id: string) =>
  (await suite.t.db.sql<{ state: string }[]>`select state from applications where id = ${id}`)[0]!
    .state;

const versionOf = async (id: string) =>
  String(
    (
      await suite.t.db.sql<{ version: number }[]>`select version from applications where id = ${id}`
    )[0]!.version,
  );

describe('the authority pages', () => {
  it('list a submitted application in the queue and take it through acceptance, a correction request and approval', async () => {
    const app = await submitted();
    const agent = await officer();
    const queue = await agent.get(
      `${paths.authority.home}?tab=submitted&q=${app.person.idNumber.toLowerCase()}`,
    );
    expect(queue.status).toBe(200);
    expect(queue.text).toContain('lang="zh-CN"');
    expect(queue.text).toContain(`data-number="${app.number}"`);

    const review = await agent.get(paths.authority.application(app.id));
    expect(review.status).toBe(200);
    // A failed check's correction link fills in the matching reason.
    const prefilled = await agent.get(
      `${paths.authority.corrections(app.id)}?reason=contract_period`,
    );
    expect(prefilled.text).toMatch(/<option value="contract_period" selected>/);
    expect(review.text).toContain('data-testid="accept"');
    expect(review.text).toContain('data-testid="check-contract_period"');

    const _csrf = await csrfTokenFrom(agent, paths.authority.application(app.id));
    const accepted = await agent
      .post(paths.authority.accept(app.id))
      .type('form')
      .send({ _csrf, version: await versionOf(app.id) });
    expect(accepted.status).toBe(303);
    expect(await stateOf(app.id)).toBe('under_review');

    // A stale page: the acceptance again with the old version is a conflict on the page.
    const stale = await agent
      .post(paths.authority.accept(app.id))
      .type('form')
      .send({ _csrf, version: '0' });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('data-testid="error-summary"');

    // A row without a reason is refused beside its field; nothing is asked.
    const bad = await agent
      .post(paths.authority.corrections(app.id))
      .type('form')
      .send({ _csrf, version: await versionOf(app.id), 'note-2': '补充说明' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('请为第2项选择补正理由');
    expect(bad.text).toContain('补充说明</textarea>');
    expect(await stateOf(app.id)).toBe('under_review');

    const asked = await agent
      .post(paths.authority.corrections(app.id))
      .type('form')
      .send({
        _csrf,
        version: await versionOf(app.id),
        'reason-1': 'contract_unclear',
        'reason-2': 'social_insurance',
        'note-2': '请提供2026年的记录。',
      });
    expect(asked.status).toBe(303);
    expect(await stateOf(app.id)).toBe('correction_requested');

    // The enterprise's home lists its item with the reply deadline.
    const employer = request.agent(suite.t.app);
    await logInAs(employer, paths.login.enterprise, app.enterprise.creditCode, PASSWORD);
    const employerHome = await employer.get(paths.org.home);
    expect(employerHome.text).toContain('data-testid="open-item-reply-by"');
    expect(employerHome.text).toContain('社保缴纳证明');

    // The person sees the item with its reply deadline, and who must act.
    const person = request.agent(suite.t.app);
    await logInAs(person, paths.login.person, app.person.idNumber, PASSWORD);
    const page = await person.get(paths.me.application(app.id));
    expect(page.text).toContain('data-testid="reply-by"');
    expect(page.text).toContain('劳动合同不清晰');
    expect(page.text).toMatch(/data-testid="next-actor">下一步：<strong>您、聘用企业/);
    // And the home page says what is owed, and by when.
    expect((await person.get(paths.me.home)).text).toMatch(
      /data-testid="items-owed"><strong>需要您补正1项材料<\/strong>，请于 \d{4}-\d{2}-\d{2} 前补正/,
    );

    // The officer withdraws both items (opened by mistake) a minute later: back to review.
    suite.t.clock.set(new Date(NOW.getTime() + 60_000));
    const items = await suite.t.db.sql<{ id: string }[]>`
      select id from correction_items where application_id = ${app.id} order by opened_at, what`;
    for (const item of items) {
      const res = await agent
        .post(paths.authority.itemReview(app.id, item.id))
        .type('form')
        .send({ _csrf, verdict: 'withdraw', note: '误发' });
      expect(res.status).toBe(303);
    }
    expect(await stateOf(app.id)).toBe('under_review');
    // The timeline has every step, transitions and the withdrawals in between, in time order.
    const timeline = (await agent.get(paths.authority.application(app.id))).text;
    const withdrawn = timeline.indexOf('撤回补正事项：劳动合同不清晰');
    expect(withdrawn).toBeGreaterThan(timeline.indexOf('要求材料补正 →'));
    expect(timeline.indexOf('补正完成 →')).toBeGreaterThan(withdrawn);
    expect(timeline).toContain('原因：误发');

    // The decision: the first step confirms and writes nothing.
    const version = await versionOf(app.id);
    const confirm = await agent
      .post(paths.authority.decision(app.id))
      .type('form')
      .send({ _csrf, choice: 'approve', version });
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('data-testid="decision-confirm"');
    expect(await stateOf(app.id)).toBe('under_review');
    const decided = await agent
      .post(paths.authority.decision(app.id))
      .type('form')
      .send({ _csrf, choice: 'approve', version, confirmed: 'yes' });
    expect(decided.status).toBe(303);
    expect(await stateOf(app.id)).toBe('approved');
    // Decided: the review page no longer runs the checks (its own new registration is no
    // reason against it).
    const after = await agent.get(paths.authority.application(app.id));
    expect(after.text).not.toContain('check--fail');
    expect(after.text).not.toContain('data-testid="checks"');

    // The written decision, for the officer and the person; another person does not find it.
    const document = await agent.get(paths.authority.decisionDocument(app.id));
    expect(document.text).toContain('准予注册决定书');
    expect(document.text).toMatch(/苏建注准字〔2026〕第\d+号/);
    expect((await person.get(paths.me.decision(app.id))).text).toContain('准予注册决定书');
    const stranger = await createPerson(suite.t.db.sql, NOW, { password: PASSWORD });
    const other = request.agent(suite.t.app);
    await logInAs(other, paths.login.person, stranger.idNumber, PASSWORD);
    expect((await other.get(paths.me.decision(app.id))).status).toBe(404);
  });

  it('refuse a refusal without a reason beside the reasons, and record one with it', async () => {
    const app = await submitted();
    const agent = await officer();
    const _csrf = await csrfTokenFrom(agent, paths.authority.application(app.id));
    const bare = await agent
      .post(paths.authority.decision(app.id))
      .type('form')
      .send({ _csrf, choice: 'not_accept', version: await versionOf(app.id), note: '见附件' });
    expect(bare.status).toBe(422);
    expect(bare.text).toContain('不予受理须选择至少一项理由');
    expect(bare.text).toContain('见附件</textarea>');
    const done = await agent
      .post(paths.authority.decision(app.id))
      .type('form')
      .send({
        _csrf,
        choice: 'not_accept',
        reasons: 'duplicate',
        version: await versionOf(app.id),
        confirmed: 'yes',
      });
    expect(done.status).toBe(303);
    expect(await stateOf(app.id)).toBe('not_accepted');
    const enterprise = request.agent(suite.t.app);
    await logInAs(enterprise, paths.login.enterprise, app.enterprise.creditCode, PASSWORD);
    const page = await enterprise.get(paths.org.application(app.id));
    expect(page.text).toContain('不予受理决定书');
    const doc = await enterprise.get(paths.org.decision(app.id));
    expect(doc.text).toContain('行政复议');
    expect(doc.text).toContain('同一事项已有申请正在办理');
  });

  it('let an officer claim, and only an admin assign', async () => {
    const app = await submitted();
    const agent = await officer();
    const _csrf = await csrfTokenFrom(agent, paths.authority.application(app.id));
    expect(
      (await agent.post(paths.authority.claim(app.id)).type('form').send({ _csrf })).status,
    ).toBe(303);
    const [row] = await suite.t.db.sql<{ officer: string }[]>`
      select s.name as officer from applications a join staff s on s.account_id = a.assigned_officer_id
      where a.id = ${app.id}`;
    expect(row?.officer).toBeTruthy();
    const assign = await agent
      .post(paths.authority.assign(app.id))
      .type('form')
      .send({ _csrf, officer: 'none' });
    expect(assign.status).toBe(403);
    const admin = await officer('guanli01');
    const adminCsrf = await csrfTokenFrom(admin, paths.authority.application(app.id));
    // Someone not on the list (a crafted id, or two at once) is refused beside the list.
    for (const officer of ['abc', ['a', 'b']]) {
      const refused = await admin
        .post(paths.authority.assign(app.id))
        .type('form')
        .send({ _csrf: adminCsrf, officer });
      expect(refused.status).toBe(422);
      expect(refused.text).toContain('请从列表中选择一名审核人员');
      expect(refused.text).toContain('id="officer-error"');
    }
    const unassigned = await admin
      .post(paths.authority.assign(app.id))
      .type('form')
      .send({ _csrf: adminCsrf, officer: 'none' });
    expect(unassigned.status).toBe(303);
    const [after] = await suite.t.db.sql<{ officer: string | null }[]>`
      select assigned_officer_id as officer from applications where id = ${app.id}`;
    expect(after?.officer).toBeNull();
  });

  it('keep the reason catalogue for admins: an edit is saved and audited, a bad one refused beside its field', async () => {
    const admin = await officer('guanli01');
    const _csrf = await csrfTokenFrom(admin, paths.authority.reason('photo_unfit'));
    const bad = await admin
      .post(paths.authority.reason('photo_unfit'))
      .type('form')
      .send({ _csrf, title: '', wording: '请重新上传证件照。', position: '30', active: 'yes' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('请填写名称');
    const good = await admin.post(paths.authority.reason('photo_unfit')).type('form').send({
      _csrf,
      title: '照片不合格',
      wording: '请重新上传证件照。',
      position: '30',
      active: 'yes',
    });
    expect(good.status).toBe(303);
    expect((await admin.get(paths.authority.reasons)).text).toContain('照片不合格');
    const [audit] = await suite.t.db.sql`
      select 1 from audit_events where action = 'review_reason_saved' and subject_id = 'photo_unfit'`;
    expect(audit).toBeDefined();
    const officerAgent = await officer();
    expect((await officerAgent.get(paths.authority.reason('photo_unfit'))).status).toBe(403);

    // A new reason: a correction reason needs its usual addressee; then officers are offered it.
    const fresh = { _csrf, use: 'correction', title: '执业印章', wording: '请补充执业印章印模。' };
    const missing = await admin
      .post(paths.authority.reasons)
      .type('form')
      .send({ ...fresh, position: '5', active: 'yes' });
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('材料补正理由请选择通常的补正对象');
    expect(missing.text).toContain('value="执业印章"');
    const added = await admin
      .post(paths.authority.reasons)
      .type('form')
      .send({ ...fresh, addressedTo: 'person', position: '5', active: 'yes' });
    expect(added.status).toBe(303);
    const waiting = await submitted();
    const form = await officerAgent.get(paths.authority.corrections(waiting.id));
    expect(form.text).toContain('执业印章');
    const [addedAudit] = await suite.t.db.sql`
      select 1 from audit_events where action = 'review_reason_added'`;
    expect(addedAudit).toBeDefined();
    const officerCsrf = await csrfTokenFrom(officerAgent, paths.authority.reasons);
    const forbidden = await officerAgent
      .post(paths.authority.reasons)
      .type('form')
      .send({ ...fresh, _csrf: officerCsrf, addressedTo: 'person', position: '5' });
    expect(forbidden.status).toBe(403);
  });
});

describe('notifications', () => {
  it('link to their application, are marked read one by one or all at once, and only by their own account', async () => {
    const app = await submitted();
    const agent = await officer();
    const _csrf = await csrfTokenFrom(agent, paths.authority.application(app.id));
    await agent
      .post(paths.authority.accept(app.id))
      .type('form')
      .send({ _csrf, version: await versionOf(app.id) });
    const person = request.agent(suite.t.app);
    await logInAs(person, paths.login.person, app.person.idNumber, PASSWORD);
    const home = await person.get(paths.me.home);
    expect(home.text).toContain(`href="${paths.me.application(app.id)}"`);
    expect(home.text).toContain('data-testid="unread"');
    const [notice] = await suite.t.db.sql<{ id: string }[]>`
      select n.id from notifications n join persons p on p.account_id = n.account_id
      where p.id = ${app.person.personId} and n.application_id = ${app.id} and n.read_at is null`;
    const personCsrf = await csrfTokenFrom(person, paths.me.home);

    // Another account cannot mark it, and does not learn it exists.
    const enterprise = request.agent(suite.t.app);
    await logInAs(enterprise, paths.login.enterprise, app.enterprise.creditCode, PASSWORD);
    const enterpriseCsrf = await csrfTokenFrom(enterprise, paths.org.home);
    const foreign = await enterprise
      .post(paths.org.notificationsRead(notice!.id))
      .type('form')
      .send({ _csrf: enterpriseCsrf });
    expect(foreign.status).toBe(404);

    const read = await person
      .post(paths.me.notificationsRead(notice!.id))
      .type('form')
      .send({ _csrf: personCsrf });
    expect(read.status).toBe(303);
    const [after] = await suite.t.db.sql<{ readAt: Date | null }[]>`
      select read_at as "readAt" from notifications where id = ${notice!.id}`;
    expect(after?.readAt).not.toBeNull();

    const all = await enterprise
      .post(paths.org.notificationsRead('all'))
      .type('form')
      .send({ _csrf: enterpriseCsrf });
    expect(all.status).toBe(303);
    expect((await enterprise.get(paths.org.home)).text).not.toContain('data-testid="unread"');
  });
});
