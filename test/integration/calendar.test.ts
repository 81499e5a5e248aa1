import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { loadCalendar, workingDay } from '../../lib/calendar/index.js';
import { readApplication, transition } from '../../lib/workflow/index.js';
import { paths } from '../../routes/paths.js';
import { csrfTokenFrom, integrationSuite, logInAs } from '../support/app.js';
import { DEMO_PASSWORD } from '../../lib/demo/index.js';
import {
  PASSWORD,
  createEnterprise,
  createPerson,
  insertApplication,
  officerAccountId,
} from '../support/fixtures.js';

// The statutory clock as the workflow keeps it (issue 11): the engine's transitions store the
// deadline; entering a year recomputes it. The dates are worked out by hand from the 2026 schedule.

const suite = integrationSuite({ clock: new Date('2026-03-02T10:00:00+08:00') });
const at = (date: string) => new Date(`${date}T10:00:00+08:00`);

async function submitted(kind: 'initial' | 'renewal' = 'initial') {
  const { t } = suite;
  const person = await createPerson(t.db.sql, t.clock.now(), { password: PASSWORD });
  const enterprise = await createEnterprise(t.db.sql, t.clock.now());
  const id = await insertApplication(t.db.sql, t.clock.now(), {
    kind,
    state: 'submitted',
    profession: 'constructor',
    personId: person.personId,
    enterpriseId: enterprise.enterpriseId,
  });
  return { id, person };
}

async function act(
  id: string,
  action: 'accept' | 'request_correction' | 'corrections_complete',
  on: string,
) {
  const { t } = suite;
  t.clock.set(at(on));
  const app = (await readApplication(t.db.sql, id))!;
  return transition(t.services, {
    applicationId: id,
    action,
    actor:
      action === 'corrections_complete'
        ? { role: 'system' }
        : { role: 'officer', accountId: await officerAccountId(t.db.sql) },
    reason: action === 'request_correction' ? '劳动合同不清晰' : undefined,
    expectedVersion: app.version,
  });
}

describe('the calendar seeded from chinese-days', () => {
  it('holds the State Council’s 2026 schedule', async () => {
    const calendar = await loadCalendar(suite.t.db.sql);
    expect(workingDay(calendar, '2026-02-14')).toEqual({ working: true, provisional: false });
    expect(workingDay(calendar, '2026-02-23')).toEqual({ working: false, provisional: false });
    expect(workingDay(calendar, '2026-10-10')).toEqual({ working: true, provisional: false });
    expect(workingDay(calendar, '2026-10-08')).toEqual({ working: true, provisional: false });
    expect(workingDay(calendar, '2027-01-01').provisional).toBe(true); // 1.5.7 has no 2027
  });
});

describe('the deadline kept on the application', () => {
  it('is written by acceptance, moved by a correction request, and shown to the person', async () => {
    const { id, person } = await submitted();
    await act(id, 'accept', '2026-03-02');
    expect(await readApplication(suite.t.db.sql, id)).toMatchObject({
      deadline: '2026-03-30',
      deadlineProvisional: false,
    });
    await act(id, 'request_correction', '2026-03-11');
    const held = request.agent(suite.t.app);
    await logInAs(held, paths.login.person, person.idNumber, PASSWORD);
    // While the items are out the clock is held, and the page says so rather than a date.
    expect((await held.get(paths.me.application(id))).text).toContain('材料补正期间暂停计时');
    await act(id, 'corrections_complete', '2026-03-16');
    expect((await readApplication(suite.t.db.sql, id))!.deadline).toBe('2026-04-03');
    const agent = request.agent(suite.t.app);
    await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
    const page = await agent.get(paths.me.application(id));
    expect(page.text).toContain('法定办理期限：<strong>2026-04-03</strong>');
  });

  it('in a year with no schedule is provisional, and is recomputed when the year is entered', async () => {
    const { id, person } = await submitted();
    await act(id, 'accept', '2026-12-14');
    const agent = request.agent(suite.t.app);
    await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
    expect((await agent.get(paths.me.application(id))).text).toContain(
      'data-testid="deadline-provisional"',
    );
    expect(await readApplication(suite.t.db.sql, id)).toMatchObject({
      deadline: '2027-01-11',
      deadlineProvisional: true,
    });
    // 2027 as an admin enters it on the calendar page (元旦 on Friday 01-01 to Sunday 01-03).
    const { t } = suite;
    t.clock.set(at('2026-12-20'));
    const admin = request.agent(t.app);
    await logInAs(admin, paths.login.staff, 'guanli01', DEMO_PASSWORD);
    const saved = await admin
      .post(paths.authority.calendar)
      .type('form')
      .send({
        _csrf: await csrfTokenFrom(admin, paths.authority.calendar),
        year: '2027',
        source: '国务院办公厅关于2027年部分节假日安排的通知',
        noticeDate: '2026-11-20',
        published: 'yes',
        holidays: '2027-01-01 至 2027-01-03 元旦',
        workdays: '',
      });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toMatch(/saved=2027&recomputed=[1-9]/);
    expect(await readApplication(t.db.sql, id)).toMatchObject({
      deadline: '2027-01-12',
      deadlineProvisional: false,
    });
    const [audit] = await t.db.sql<{ detail: unknown }[]>`
      select detail from audit_events where action = 'deadline_recomputed' and subject_id = ${id}`;
    expect(audit!.detail).toMatchObject({
      from: '2027-01-11',
      to: '2027-01-12',
      provisional: false,
    });
    // Signed in again: a week has passed on the test's clock.
    await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
    const page = await agent.get(paths.me.application(id));
    expect(page.text).not.toContain('data-testid="deadline-provisional"');
    expect(page.text).toContain('法定办理期限调整：2027-01-11 → 2027-01-12');
    await t.db.sql`delete from calendar_years where year = 2027`;
  });
});

describe('the admin calendar page', () => {
  async function staffAgent(username: string) {
    const agent = request.agent(suite.t.app);
    const res = await logInAs(agent, paths.login.staff, username, DEMO_PASSWORD);
    expect(res.status).toBe(303);
    return agent;
  }

  it('is for admins only', async () => {
    const officer = await staffAgent('shenhe01');
    expect((await officer.get(paths.authority.calendar)).status).toBe(403);
    const home = await officer.get(paths.authority.home);
    expect(home.text).not.toContain(`href="${paths.authority.calendar}"`);
    const admin = await staffAgent('guanli01');
    expect((await admin.get(paths.authority.home)).text).toContain(
      `href="${paths.authority.calendar}"`,
    );
    const page = await admin.get(paths.authority.calendar);
    expect(page.status).toBe(200);
    expect(page.text).toContain('2026年');
  });

  it('says what is wrong beside each field and keeps what was typed; a good entry is saved and audited', async () => {
    const admin = await staffAgent('guanli01');
    const _csrf = await csrfTokenFrom(admin, paths.authority.calendar);
    const bad = await admin.post(paths.authority.calendar).type('form').send({
      _csrf,
      year: '2028',
      source: '',
      holidays: '2028-01-01 至 2028-01-03 元旦\n2028-13-01 春节',
      workdays: '2027-12-31',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('请填写通知名称和文号');
    expect(bad.text).toContain('“2028-13-01 春节”不是一段放假日期');
    expect(bad.text).toContain('2028-01-01 至 2028-01-03 元旦'); // kept as typed
    const [none] = await suite.t.db.sql`select 1 from calendar_years where year = 2028`;
    expect(none).toBeUndefined();

    const good = await admin.post(paths.authority.calendar).type('form').send({
      _csrf,
      year: '２０２８',
      source: '国务院办公厅关于2028年部分节假日安排的通知',
      noticeDate: '2027-11-10',
      published: 'yes',
      holidays: '2028-01-01 元旦\n2028-01-25 至 2028-02-01 春节',
      workdays: '2028-01-23 春节',
    });
    expect(good.status).toBe(303);
    const calendar = await loadCalendar(suite.t.db.sql);
    expect(workingDay(calendar, '2028-01-23')).toEqual({ working: true, provisional: false }); // Sun
    expect(workingDay(calendar, '2028-01-26')).toEqual({ working: false, provisional: false }); // Wed
    const [audit] = await suite.t.db.sql`
      select 1 from audit_events where action = 'calendar_year_entered' and detail ->> 'year' = '2028'`;
    expect(audit).toBeDefined();
    const corrected = await admin.get(`${paths.authority.calendar}?year=2028`);
    expect(corrected.text).toContain('2028-01-25 至 2028-02-01 春节');
    await suite.t.db.sql`delete from calendar_years where year = 2028`;
  });
});
