import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoEnterprises, demoPersons, demoStaff } from '../../lib/demo/index.js';
import { paths } from '../../routes/paths.js';
import { createTestApp, csrfTokenFrom, integrationSuite, logInAs } from '../support/app.js';

const person = demoPersons[0];
const enterprise = demoEnterprises[0];
const staff = demoStaff[0];

const logins = [
  {
    kind: 'person',
    path: paths.login.person,
    loginId: person.idNumber,
    home: paths.me.home,
    name: person.name,
  },
  {
    kind: 'enterprise',
    path: paths.login.enterprise,
    loginId: enterprise.creditCode,
    home: paths.org.home,
    name: enterprise.name,
  },
  {
    kind: 'staff',
    path: paths.login.staff,
    loginId: staff.username,
    home: paths.authority.home,
    name: staff.name,
  },
] as const;
const areas = [paths.me.home, paths.org.home, paths.authority.home];

const suite = integrationSuite();
beforeEach(async () => {
  await suite.t.db.sql`delete from login_throttle`;
  suite.t.clock.reset();
});

describe('logging in', () => {
  it.each(logins)('the demo $kind reaches their own area and no other', async (login) => {
    const agent = request.agent(suite.t.app);
    const res = await logInAs(agent, login.path, login.loginId, DEMO_PASSWORD);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(login.home);
    const home = await agent.get(login.home);
    expect(home.status).toBe(200);
    expect(home.text).toContain(login.name);
    for (const other of areas.filter((a) => a !== login.home)) {
      const refused = await agent.get(other);
      expect(refused.status).toBe(403);
      expect(refused.text).toContain('您当前登录的身份无权访问此页面');
    }
  });

  it.each(logins)(
    'a visitor who is not signed in is sent to the $kind login page',
    async (login) => {
      const res = await request(suite.t.app).get(login.home);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(login.path);
    },
  );

  it('comes back to the page that asked for the login', async () => {
    const agent = request.agent(suite.t.app);
    await agent.get(paths.me.home);
    const res = await logInAs(agent, paths.login.person, person.idNumber, DEMO_PASSWORD);
    expect(res.headers.location).toBe(paths.me.home);
  });

  it('accepts the ID number typed with a lower-case x, full-width digits and spaces', async () => {
    const agent = request.agent(suite.t.app);
    const typed = ` ${person.idNumber.slice(0, 6)} ${person.idNumber.slice(6)} `.replace(
      /1/g,
      '１',
    );
    const res = await logInAs(agent, paths.login.person, typed, DEMO_PASSWORD);
    expect(res.status).toBe(303);
  });

  it('says in Chinese that the password is wrong, keeping what was typed but not the password', async () => {
    const agent = request.agent(suite.t.app);
    const res = await logInAs(agent, paths.login.person, person.idNumber, 'wrong-password');
    expect(res.status).toBe(401);
    expect(res.text).toContain('居民身份证号码或密码不正确');
    expect(res.text).toContain('data-testid="error-summary"');
    expect(res.text).toContain(`value="${person.idNumber}"`);
    expect(res.text).not.toContain('wrong-password');
    expect((await agent.get(paths.me.home)).status).toBe(303);
  });

  it('gives the same answer for an account that does not exist', async () => {
    const agent = request.agent(suite.t.app);
    const res = await logInAs(agent, paths.login.person, '11010519491231002X', DEMO_PASSWORD);
    expect(res.status).toBe(401);
    expect(res.text).toContain('居民身份证号码或密码不正确');
  });

  it.each([
    [paths.login.person, '32010219850314123', '居民身份证号码应为18位'],
    [paths.login.person, '320102198503141236', '居民身份证号码不正确，请核对后重新输入'],
    [paths.login.person, '', '请输入居民身份证号码'],
    [paths.login.enterprise, '91350100M000100Y44', '统一社会信用代码不正确'],
    [paths.login.enterprise, '91350100M000100YOZ', '不含I、O、S、V、Z'],
    [paths.login.staff, '', '请输入用户名'],
  ])('checks the login id on %s before trying it: %s', async (path, loginId, message) => {
    const agent = request.agent(suite.t.app);
    const res = await logInAs(agent, path, loginId, '');
    expect(res.status).toBe(422);
    expect(res.text).toContain(message);
    expect(res.text).toContain('请输入密码');
    expect(res.text).toContain('href="#loginId"');
    expect(res.text).toContain('aria-invalid="true"');
    expect(res.text).toContain(`value="${loginId}"`);
  });

  it('refuses the 6th wrong try within 15 minutes with 429, even with the right password', async () => {
    const agent = request.agent(suite.t.app);
    for (let i = 0; i < 5; i++) {
      const res = await logInAs(agent, paths.login.enterprise, enterprise.creditCode, `wrong-${i}`);
      expect(res.status).toBe(401);
    }
    const sixth = await logInAs(
      agent,
      paths.login.enterprise,
      enterprise.creditCode,
      DEMO_PASSWORD,
    );
    expect(sixth.status).toBe(429);
    expect(sixth.text).toContain('登录失败次数过多');
    // Another account is not affected.
    const other = await logInAs(
      agent,
      paths.login.enterprise,
      demoEnterprises[1].creditCode,
      DEMO_PASSWORD,
    );
    expect(other.status).toBe(303);
  });

  it('a successful login clears the failures counted so far', async () => {
    const agent = request.agent(suite.t.app);
    for (let i = 0; i < 4; i++) await logInAs(agent, paths.login.staff, staff.username, 'nope');
    expect((await logInAs(agent, paths.login.staff, staff.username, DEMO_PASSWORD)).status).toBe(
      303,
    );
    const fresh = request.agent(suite.t.app);
    for (let i = 0; i < 4; i++) {
      expect((await logInAs(fresh, paths.login.staff, staff.username, 'nope')).status).toBe(401);
    }
  });

  it('limits failures per address too, across accounts', async () => {
    const strict = await createTestApp({ LOGIN_MAX_FAILURES_PER_ADDRESS: '3' });
    try {
      const agent = request.agent(strict.app);
      for (const p of demoPersons.slice(0, 3)) {
        expect((await logInAs(agent, paths.login.person, p.idNumber, 'nope')).status).toBe(401);
      }
      const res = await logInAs(agent, paths.login.person, demoPersons[3].idNumber, DEMO_PASSWORD);
      expect(res.status).toBe(429);
    } finally {
      await strict.close();
    }
  });

  it('records logins and failed logins in the audit trail', async () => {
    const agent = request.agent(suite.t.app);
    await logInAs(agent, paths.login.staff, staff.username, 'nope');
    await logInAs(agent, paths.login.staff, staff.username, DEMO_PASSWORD);
    const events = await suite.t.db.sql<{ action: string }[]>`
      select e.action from audit_events e join accounts a on a.id = e.actor_account_id
      where a.login_id = ${staff.username} order by e.id`;
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['login_failed', 'login']));
  });
});

describe('sessions', () => {
  it('are stored in PostgreSQL, with a new id at login and an HttpOnly SameSite=Lax cookie', async () => {
    const agent = request.agent(suite.t.app);
    const page = await agent.get(paths.login.person);
    const before = /jsreg\.sid=([^;]+)/.exec(String(page.headers['set-cookie']))?.[1];
    expect(before).toBeDefined();
    const res = await logInAs(agent, paths.login.person, person.idNumber, DEMO_PASSWORD);
    const cookie = String(res.headers['set-cookie']);
    const after = /jsreg\.sid=([^;]+)/.exec(cookie)?.[1];
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    const sid = decodeURIComponent(after!).slice(2).split('.')[0]!;
    const [row] = await suite.t.db.sql<{ sess: { passport?: { user?: string } } }[]>`
      select sess from sessions where sid = ${sid}`;
    expect(row?.sess.passport?.user).toBeTruthy();
  });

  it('get a Secure cookie in production (behind a proxy that terminates HTTPS)', async () => {
    const prod = await createTestApp({
      NODE_ENV: 'production',
      SESSION_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
      TRUST_PROXY: 'true',
    });
    try {
      const res = await request(prod.app).get(paths.login.person).set('X-Forwarded-Proto', 'https');
      expect(String(res.headers['set-cookie'])).toMatch(/jsreg\.sid=.*; Secure/);
      expect(res.headers['strict-transport-security']).toBeDefined();
    } finally {
      await prod.close();
    }
  });

  it('pages are never cached, so Back after logout shows nothing personal', async () => {
    const agent = request.agent(suite.t.app);
    await logInAs(agent, paths.login.person, person.idNumber, DEMO_PASSWORD);
    const res = await agent.get(paths.me.home);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('end at logout: the session row is deleted and the old cookie no longer works', async () => {
    const agent = request.agent(suite.t.app);
    const login = await logInAs(agent, paths.login.person, person.idNumber, DEMO_PASSWORD);
    const oldCookie = String(login.headers['set-cookie']).split(';')[0]!;
    const sid = decodeURIComponent(oldCookie.split('=')[1]!).slice(2).split('.')[0]!;
    const _csrf = await csrfTokenFrom(agent, paths.me.home);
    const res = await agent.post(paths.logout).type('form').send({ _csrf });
    expect(res.status).toBe(303);
    const rows = await suite.t.db.sql`select 1 from sessions where sid = ${sid}`;
    expect(rows.length).toBe(0);
    const replay = await request(suite.t.app).get(paths.me.home).set('Cookie', oldCookie);
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toBe(paths.login.person);
  });

  it('expire after the idle time, by the clock', async () => {
    const agent = request.agent(suite.t.app);
    await logInAs(agent, paths.login.person, person.idNumber, DEMO_PASSWORD);
    expect((await agent.get(paths.me.home)).status).toBe(200);
    suite.t.clock.advance((suite.t.services.config.sessionIdleMinutes + 1) * 60_000);
    expect((await agent.get(paths.me.home)).status).toBe(303);
  });
});

describe('CSRF protection', () => {
  it('refuses a POST without a valid token with 403', async () => {
    const agent = request.agent(suite.t.app);
    await agent.get(paths.login.person);
    const none = await agent
      .post(paths.login.person)
      .type('form')
      .send({ loginId: person.idNumber, password: DEMO_PASSWORD });
    expect(none.status).toBe(403);
    expect(none.text).toContain('页面已过期或请求无效');
    const wrong = await agent
      .post(paths.login.person)
      .type('form')
      .send({ _csrf: 'x'.repeat(64), loginId: person.idNumber, password: DEMO_PASSWORD });
    expect(wrong.status).toBe(403);
  });

  it('accepts the token in the x-csrf-token header, as htmx sends it', async () => {
    const agent = request.agent(suite.t.app);
    await logInAs(agent, paths.login.person, person.idNumber, DEMO_PASSWORD);
    const page = await agent.get(paths.me.home);
    const token = /"x-csrf-token": "([^"]+)"/.exec(page.text)?.[1];
    expect(token).toBeDefined();
    const res = await agent
      .post(paths.logout)
      .set('HX-Request', 'true')
      .set('x-csrf-token', token!);
    expect(res.status).toBe(303);
    const withoutToken = request.agent(suite.t.app);
    await logInAs(withoutToken, paths.login.person, person.idNumber, DEMO_PASSWORD);
    expect((await withoutToken.post(paths.logout).set('HX-Request', 'true')).status).toBe(403);
  });
});

describe('logs', () => {
  it('never hold a full ID number, a password or a session id', async () => {
    const agent = request.agent(suite.t.app);
    await logInAs(agent, paths.login.person, person.idNumber, DEMO_PASSWORD);
    await agent.get(`${paths.search}?q=${person.idNumber}`);
    const text = JSON.stringify(suite.t.logs);
    expect(suite.t.logs.some((l) => (l.req as { method?: string })?.method === 'POST')).toBe(true);
    expect(text).not.toContain(person.idNumber);
    expect(text).not.toContain(DEMO_PASSWORD);
    expect(text).not.toContain('jsreg.sid');
    const sids = await suite.t.db.sql<{ sid: string }[]>`select sid from sessions`;
    for (const { sid } of sids) expect(text).not.toContain(sid);
  });
});
