import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createStaffMember, setStaffDisabled } from '../../lib/authority/index.js';
import { DEMO_PASSWORD } from '../../lib/demo/index.js';
import { RuleError } from '../../lib/platform/index.js';
import { paths } from '../../routes/paths.js';
import { csrfTokenFrom, integrationSuite, logInAs } from '../support/app.js';
import { NOW } from '../support/fixtures.js';

// Issue 14, item 1: staff accounts kept by admins. A new officer gets a one-time password and
// must choose their own at the first sign-in; a reset does the same and ends their sessions; a
// disabled account cannot sign in and its sessions end; the last active admin cannot be
// disabled, nor one's own account; every change is audited; the list shows the last sign-in.

const suite = integrationSuite({ clock: NOW });
type Agent = ReturnType<typeof request.agent>;

async function admin(): Promise<Agent> {
  const agent = request.agent(suite.t.app);
  expect((await logInAs(agent, paths.login.staff, 'guanli01', DEMO_PASSWORD)).status).toBe(303);
  return agent;
}

async function post(agent: Agent, url: string, form: Record<string, string>, from = url) {
  const _csrf = await csrfTokenFrom(agent, from);
  return agent
    .post(url)
    .type('form')
    .send({ ...form, _csrf });
}

/** The one-time password on the page that answered the creation or the reset. */
const oneTimePassword = (html: string) =>
  /data-testid="one-time-password">([^<]+)</.exec(html)?.[1] ?? '';

async function accountOf(loginId: string) {
  const [row] = await suite.t.db.sql<
    { id: string; mustChange: boolean; lastSignedIn: Date | null; disabled: boolean }[]
  >`
    select id, must_change_password as "mustChange", last_signed_in_at as "lastSignedIn",
           disabled_at is not null as disabled
    from accounts where kind = 'staff' and login_id = ${loginId}`;
  return row!;
}

const auditActions = async (subjectId: string) =>
  (
    await suite.t.db.sql<{ action: string }[]>`
      select action from audit_events where subject_id = ${subjectId} order by id`
  ).map((r) => r.action);

async function createOfficer(agent: Agent, loginId: string, name = '钱文博') {
  const res = await post(agent, paths.authority.staffNew, { name, loginId, role: 'officer' });
  expect(res.status).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  const password = oneTimePassword(res.text);
  expect(password).toMatch(/^[A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4}$/);
  return password;
}

describe('staff accounts', () => {
  it('are for admins only', async () => {
    const officer = request.agent(suite.t.app);
    await logInAs(officer, paths.login.staff, 'shenhe01', DEMO_PASSWORD);
    expect((await officer.get(paths.authority.staff)).status).toBe(403);
    expect((await officer.get(paths.authority.staffNew)).status).toBe(403);
  });

  it('refuse a form with problems beside each field and in the summary, keeping what was typed', async () => {
    const agent = await admin();
    const empty = await post(agent, paths.authority.staffNew, { name: '', loginId: '', role: '' });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('请修改以下问题后再提交');
    expect(empty.text).toContain('请输入姓名');
    expect(empty.text).toContain('请输入用户名');
    const bad = await post(agent, paths.authority.staffNew, {
      name: '孙悦',
      loginId: '9 bad',
      role: 'officer',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('用户名须以字母开头');
    expect(bad.text).toContain('value="孙悦"');
    // A user name already taken (the demo officer's), told beside the field.
    const taken = await post(agent, paths.authority.staffNew, {
      name: '孙悦',
      loginId: 'ShenHe01',
      role: 'officer',
    });
    expect(taken.status).toBe(422);
    expect(taken.text).toContain('用户名“shenhe01”已被使用');
    expect(taken.text).toContain('href="#loginId"');
  });

  it('a new officer signs in with the one-time password and must choose their own first', async () => {
    const agent = await admin();
    const password = await createOfficer(agent, 'shenhe07');
    const created = await accountOf('shenhe07');
    expect(created.mustChange).toBe(true);
    expect(await auditActions(created.id)).toEqual(['staff.created']);
    const list = await agent.get(paths.authority.staff);
    expect(list.text).toContain('shenhe07');
    expect(list.text).toContain('待本人设置密码');
    expect(list.text).toContain('从未登录');

    const officer = request.agent(suite.t.app);
    const login = await logInAs(officer, paths.login.staff, 'shenhe07', password);
    expect(login.headers.location).toBe(paths.newPassword);
    // Nothing else until then.
    const queue = await officer.get(paths.authority.home);
    expect(queue.status).toBe(303);
    expect(queue.headers.location).toBe(paths.newPassword);
    const page = await officer.get(paths.newPassword);
    expect(page.status).toBe(200);
    expect(page.text).toContain('至少10个字符');

    const tries: [Record<string, string>, string][] = [
      [{ password: 'short1', confirm: 'short1' }, '密码太短'],
      [{ password: 'onlyletterslong', confirm: 'onlyletterslong' }, '须同时包含字母和数字'],
      [{ password: 'shenhe07abc123', confirm: 'shenhe07abc123' }, '密码不能包含用户名'],
      [{ password: 'Good2026pass', confirm: 'Good2026pasz' }, '两次输入的密码不一致'],
    ];
    for (const [form, message] of tries) {
      const res = await post(officer, paths.newPassword, form);
      expect(res.status, message).toBe(422);
      expect(res.text).toContain(message);
      expect(res.text).not.toContain(form.password!); // a password is never sent back
    }
    const chosen = await post(officer, paths.newPassword, {
      password: 'Good2026pass',
      confirm: 'Good2026pass',
    });
    expect(chosen.status).toBe(303);
    expect(chosen.headers.location).toBe(paths.authority.home);

    const after = await accountOf('shenhe07');
    expect(after.mustChange).toBe(false);
    expect(after.lastSignedIn).toEqual(NOW);
    expect(await auditActions(after.id)).toEqual([
      'staff.created',
      'login',
      'account.password_chosen',
    ]);
    expect((await officer.get(paths.authority.home)).status).toBe(200);
    // The list shows when it last signed in.
    const listed = await agent.get(paths.authority.staff);
    const row = listed.text
      .split('<tr data-testid="staff-member">')
      .find((r) => r.includes('shenhe07'))!;
    expect(row).toContain('2026/11/25 10:00');
    expect(row).toContain('在用');
  });

  it('refuses the one-time password itself as the new one', async () => {
    const agent = await admin();
    const password = await createOfficer(agent, 'shenhe08', '赵子墨');
    const officer = request.agent(suite.t.app);
    await logInAs(officer, paths.login.staff, 'shenhe08', password);
    const res = await post(officer, paths.newPassword, { password, confirm: password });
    expect(res.status).toBe(422);
    expect(res.text).toContain('不能与管理员给您的一次性密码相同');
  });

  it('a reset gives a new one-time password, ends the sessions, and the old password stops working', async () => {
    const agent = await admin();
    const first = await createOfficer(agent, 'shenhe09', '周子轩');
    const officer = request.agent(suite.t.app);
    await logInAs(officer, paths.login.staff, 'shenhe09', first);
    await post(officer, paths.newPassword, { password: 'Mine2026pass', confirm: 'Mine2026pass' });
    expect((await officer.get(paths.authority.home)).status).toBe(200);

    const { id } = await accountOf('shenhe09');
    const member = paths.authority.staffMember(id);
    const reset = await post(agent, member, { action: 'reset' });
    expect(reset.status).toBe(200);
    expect(reset.text).toContain('密码已重置');
    const second = oneTimePassword(reset.text);
    expect(second).not.toBe(first);
    // The officer's session has ended: the queue asks for a sign-in again.
    const queue = await officer.get(paths.authority.home);
    expect(queue.status).toBe(303);
    expect(queue.headers.location).toBe(paths.login.staff);
    expect(
      (await logInAs(request.agent(suite.t.app), paths.login.staff, 'shenhe09', 'Mine2026pass'))
        .status,
    ).toBe(401);
    const again = request.agent(suite.t.app);
    expect((await logInAs(again, paths.login.staff, 'shenhe09', second)).headers.location).toBe(
      paths.newPassword,
    );
    expect(await auditActions(id)).toContain('staff.password_reset');
  });

  it('a disabled account cannot sign in and its sessions end; enabled again, it can', async () => {
    const agent = await admin();
    const password = await createOfficer(agent, 'shenhe10', '吴雨桐');
    const officer = request.agent(suite.t.app);
    await logInAs(officer, paths.login.staff, 'shenhe10', password);
    const { id } = await accountOf('shenhe10');
    const member = paths.authority.staffMember(id);

    const disabled = await post(agent, member, { action: 'disable' });
    expect(disabled.status).toBe(303);
    const page = await agent.get(disabled.headers.location!);
    expect(page.text).toContain('账号已停用');
    expect((await accountOf('shenhe10')).disabled).toBe(true);
    expect((await officer.get(paths.newPassword)).headers.location).toBe(paths.home);
    expect(
      (await logInAs(request.agent(suite.t.app), paths.login.staff, 'shenhe10', password)).status,
    ).toBe(401);

    expect((await post(agent, member, { action: 'enable' })).status).toBe(303);
    expect(
      (await logInAs(request.agent(suite.t.app), paths.login.staff, 'shenhe10', password)).status,
    ).toBe(303);
    expect(await auditActions(id)).toEqual(
      expect.arrayContaining(['staff.created', 'staff.disabled', 'staff.enabled']),
    );
  });

  it('an admin cannot disable their own account; the page says so', async () => {
    const agent = await admin();
    const { id } = await accountOf('guanli01');
    const res = await post(agent, paths.authority.staffMember(id), { action: 'disable' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('不能停用自己的账号');
    expect((await accountOf('guanli01')).disabled).toBe(false);
  });

  it('never disables the last active admin, even when two admins disable each other at once', async () => {
    const { sql } = suite.t.db;
    const guanli01 = (await accountOf('guanli01')).id;
    const created = await createStaffMember(
      sql,
      { name: '冯雪', loginId: 'guanli02', role: 'admin' },
      guanli01,
      NOW,
    );
    if ('problems' in created) throw new Error('not created');
    const guanli02 = created.accountId;
    // Each disables the other at the same moment: one wins, the other is refused.
    const outcomes = await Promise.allSettled([
      setStaffDisabled(sql, {
        accountId: guanli02,
        disabled: true,
        adminAccountId: guanli01,
        at: NOW,
      }),
      setStaffDisabled(sql, {
        accountId: guanli01,
        disabled: true,
        adminAccountId: guanli02,
        at: NOW,
      }),
    ]);
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(refused).toHaveLength(1);
    const reason = (refused[0] as PromiseRejectedResult).reason as RuleError;
    expect(reason).toBeInstanceOf(RuleError);
    expect(reason.problems.map((p) => p.code)).toEqual(['last_admin']);
    expect(reason.problems[0]!.message).toContain('最后一名在用的管理员');
    const [active] = await sql<{ count: number }[]>`
      select count(*)::int as count from staff s join accounts a on a.id = s.account_id
      where s.role = 'admin' and a.disabled_at is null`;
    expect(active!.count).toBe(1);
  });
});
