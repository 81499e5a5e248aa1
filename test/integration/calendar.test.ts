import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { loadCalendar, saveCalendarYear, workingDay } from '../../lib/calendar/index.js';
import { readApplication, transition } from '../../lib/workflow/index.js';
import { paths } from '../../routes/paths.js';
import { integrationSuite, logInAs } from '../support/app.js';
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
    // 2027 as an admin enters it (元旦 on Friday 01-01 to Sunday 01-03).
    const { t } = suite;
    const admin = await officerAccountId(t.db.sql);
    const { recomputed } = await saveCalendarYear(
      t.db.sql,
      {
        year: 2027,
        source: '国务院办公厅关于2027年部分节假日安排的通知',
        noticeDate: '2026-11-20',
        published: true,
        holidays: [{ from: '2027-01-01', to: '2027-01-03', name: '元旦' }],
        workdays: [],
      },
      admin,
      at('2026-12-20'),
    );
    expect(recomputed).toBeGreaterThanOrEqual(1);
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
    const page = await agent.get(paths.me.application(id));
    expect(page.text).not.toContain('data-testid="deadline-provisional"');
    expect(page.text).toContain('法定办理期限调整：2027-01-11 → 2027-01-12');
    await t.db.sql`delete from calendar_years where year = 2027`;
  });
});
