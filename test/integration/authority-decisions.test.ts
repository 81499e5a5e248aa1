import { beforeAll, describe, expect, it } from 'vitest';
import type { DecisionRequest } from '../../lib/authority/index.js';
import { acceptApplication, decide, decisionOf, REMEDIES } from '../../lib/authority/index.js';
import {
  addWorkingDays,
  loadCalendar,
  statutoryClock,
  workingDaysBetween,
} from '../../lib/calendar/index.js';
import type { CorrectionParty } from '../../lib/corrections/index.js';
import {
  acceptSuppliedItem,
  askAgain,
  isOverdue,
  requestCorrections,
  requestsOf,
  supplyItem,
  withdrawItem,
} from '../../lib/corrections/index.js';
import type { Sql } from '../../lib/platform/index.js';
import { addDays, businessDate, RuleError, ValidationError } from '../../lib/platform/index.js';
import type { Profession } from '../../lib/reference/index.js';
import { professions } from '../../lib/reference/index.js';
import { REGISTRATION_NUMBER_PATTERN, validityFrom } from '../../lib/registrations/index.js';
import type { ApplicationKind, State } from '../../lib/workflow/index.js';
import { readApplication } from '../../lib/workflow/index.js';
import type { IntegrationSuite } from '../support/app.js';
import { integrationSuite } from '../support/app.js';
import type { EnterpriseFixture, PersonFixture } from '../support/fixtures.js';
import {
  addRegistration,
  createEnterprise,
  createPerson,
  insertApplication,
  officerAccountId,
} from '../support/fixtures.js';

// The authority's acts on an application (DESIGN.md §4, §5a), against the database: acceptance,
// correction requests before and during review, 不予受理, refusal and approval with their written
// decisions and numbers, what approval does to registrations, rule 15 at approval, two officers
// at once, and events that cannot be rewritten. Dates are in March 2026, whose weeks have no
// holidays (清明 is 04-04 to 04-06), unless a test says otherwise.

const suite = integrationSuite({ clock: '2026-03-02T10:00:00+08:00' });
/** A moment on a business date in Nanjing. */
const at = (date: string, time = '10:00') => new Date(`${date}T${time}:00+08:00`);

let officer: string;
beforeAll(async () => {
  officer = await officerAccountId(suite.t.db.sql);
});

type Filed = { id: string; person: PersonFixture; enterprise: EnterpriseFixture };

/** An application of a new person through a new enterprise, put straight into a state. */
async function filed(
  state: State,
  options: {
    s?: IntegrationSuite;
    kind?: ApplicationKind;
    profession?: Profession;
    draft?: object;
    person?: PersonFixture;
    enterprise?: EnterpriseFixture;
    registrationId?: string;
  } = {},
): Promise<Filed> {
  const { t } = options.s ?? suite;
  const person = options.person ?? (await createPerson(t.db.sql, t.clock.now()));
  const enterprise = options.enterprise ?? (await createEnterprise(t.db.sql, t.clock.now()));
  const id = await insertApplication(t.db.sql, t.clock.now(), {
    kind: options.kind ?? 'initial',
    state,
    profession: options.profession ?? 'constructor',
    personId: person.personId,
    enterpriseId: enterprise.enterpriseId,
    registrationId: options.registrationId ?? null,
    draft: options.draft ?? { specialties: ['建筑工程'] },
  });
  return { id, person, enterprise };
}

const app = async (id: string, s: IntegrationSuite = suite) =>
  (await readApplication(s.t.db.sql, id))!;

async function accept(id: string, on: string) {
  suite.t.clock.set(at(on));
  return acceptApplication(suite.t.services, { applicationId: id, officerAccountId: officer });
}

async function ask(
  id: string,
  on: string,
  items: { addressedTo: CorrectionParty; what: string; why: string }[],
) {
  suite.t.clock.set(at(on));
  return requestCorrections(suite.t.services, {
    applicationId: id,
    officerAccountId: officer,
    items,
  });
}

/** The items of an application, oldest first. */
async function itemsOf(sql: Sql, id: string) {
  return sql<
    {
      id: string;
      addressedTo: CorrectionParty;
      requestId: string | null;
      closed: boolean;
      review: string | null;
    }[]
  >`
    select id, addressed_to as "addressedTo", request_id as "requestId",
           closed_at is not null as closed, review
    from correction_items where application_id = ${id} order by opened_at, id`;
}

async function supply(filedApp: Filed, itemId: string, party: CorrectionParty, on: string) {
  suite.t.clock.set(at(on));
  return supplyItem(suite.t.services, {
    itemId,
    party,
    accountId: party === 'person' ? filedApp.person.accountId : filedApp.enterprise.accountId,
    supplied: { note: party === 'person' ? '已补充学历证书' : '已补充社保缴纳证明' },
  });
}

function decideNow(
  id: string,
  choice: DecisionRequest['choice'],
  options: Partial<DecisionRequest> & { s?: IntegrationSuite } = {},
) {
  const { s, ...rest } = options;
  return decide((s ?? suite).t.services, {
    applicationId: id,
    officerAccountId: officer,
    choice,
    reasonCodes: [],
    note: '',
    ...rest,
  });
}

async function decisionRows(sql: Sql, id: string) {
  return sql<{ kind: string; number: string }[]>`
    select kind, number from decisions where application_id = ${id}`;
}

async function eventActions(sql: Sql, id: string) {
  const rows = await sql<{ action: string }[]>`
    select action from application_events where application_id = ${id} order by version`;
  return rows.map((r) => r.action);
}

describe('a correction request during review', () => {
  it('moves the stored deadline on by exactly the working days the request was open, and the application is then approved', async () => {
    const { t } = suite;
    const filedApp = await filed('submitted');
    const { id } = filedApp;
    const accepted = await accept(id, '2026-03-02');
    expect(accepted.state).toBe('under_review');
    const calendar = await loadCalendar(t.db.sql);
    const without = statutoryClock(calendar, {
      accepted: '2026-03-02',
      pauses: [],
      workingDays: 20,
      today: '2026-03-02',
    });
    expect(without.deadline).toBe('2026-03-30'); // by hand: 20 weekdays from 03-03
    expect(await app(id)).toMatchObject({ deadline: without.deadline, assignedOfficerId: officer });

    await ask(id, '2026-03-11', [
      { addressedTo: 'person', what: '学历证书扫描件', why: '所填学历与学信网记录不一致' },
      { addressedTo: 'enterprise', what: '社保缴纳证明', why: '需核实聘用关系' },
    ]);
    expect((await app(id)).state).toBe('correction_requested');
    const [request] = await requestsOf(t.db.sql, id);
    expect(request).toMatchObject({ beforeAcceptance: false, open: 2 });
    const items = await itemsOf(t.db.sql, id);
    expect(items.map((i) => i.addressedTo).sort()).toEqual(['enterprise', 'person']);
    expect(items.every((i) => i.requestId === request!.id)).toBe(true);

    await supply(
      filedApp,
      items.find((i) => i.addressedTo === 'person')!.id,
      'person',
      '2026-03-13',
    );
    expect((await app(id)).state).toBe('correction_requested');
    await supply(
      filedApp,
      items.find((i) => i.addressedTo === 'enterprise')!.id,
      'enterprise',
      '2026-03-16',
    );
    const resumed = await app(id);
    expect(resumed.state).toBe('under_review');
    // Open from the day it was sent (03-11) through the day the last item came (03-16).
    const open = workingDaysBetween(calendar, addDays('2026-03-11', -1), '2026-03-16').days;
    expect(open).toBe(4);
    expect(resumed.deadline).toBe(addWorkingDays(calendar, without.deadline, open).date);
    expect(resumed.deadline).toBe('2026-04-03');
    expect(resumed.deadlineProvisional).toBe(false);

    t.clock.set(at('2026-03-18'));
    const decision = await decideNow(id, 'approve', { expectedVersion: resumed.version });
    expect(decision.kind).toBe('approval');
    expect((await app(id)).state).toBe('approved');
    expect((await decisionRows(t.db.sql, id)).length).toBe(1);
    expect(await eventActions(t.db.sql, id)).toEqual([
      'fixture',
      'accept',
      'request_correction',
      'corrections_complete',
      'approve',
    ]);
  });
});

describe('a correction request before acceptance', () => {
  it('returns the application to 待受理 once supplied, with no deadline, and the clock starts only at acceptance', async () => {
    const { t } = suite;
    const filedApp = await filed('submitted');
    const { id } = filedApp;
    await ask(id, '2026-03-03', [
      { addressedTo: 'person', what: '劳动合同扫描件', why: '缺少签章页' },
    ]);
    expect(await app(id)).toMatchObject({ state: 'correction_requested', deadline: null });
    const [row] = await t.db.sql<{ beforeAcceptance: boolean }[]>`
      select before_acceptance as "beforeAcceptance" from correction_requests
      where application_id = ${id}`;
    expect(row!.beforeAcceptance).toBe(true);

    const [item] = await itemsOf(t.db.sql, id);
    await supply(filedApp, item!.id, 'person', '2026-03-05');
    expect(await app(id)).toMatchObject({ state: 'submitted', deadline: null });
    expect(await eventActions(t.db.sql, id)).toEqual([
      'fixture',
      'request_correction',
      'corrections_complete',
    ]);

    // The days spent on the correction before acceptance never count against the clock.
    await accept(id, '2026-03-09');
    const calendar = await loadCalendar(t.db.sql);
    expect((await app(id)).deadline).toBe(addWorkingDays(calendar, '2026-03-09', 20).date);
  });
});

describe('不予受理', () => {
  it('ends the application as not_accepted with a numbered written decision, asks for a reason, and lets the person file again', async () => {
    const { t } = suite;
    const { id, person, enterprise } = await filed('submitted');
    t.clock.set(at('2026-03-04'));

    await expect(decideNow(id, 'not_accept')).rejects.toBeInstanceOf(ValidationError);
    await expect(decideNow(id, 'not_accept')).rejects.toMatchObject({ status: 422 });
    // A reason of another use is not one of 不予受理's.
    await expect(
      decideNow(id, 'not_accept', { reasonCodes: ['correction_overdue'] }),
    ).rejects.toMatchObject({ status: 422 });
    expect((await app(id)).state).toBe('submitted');
    expect(await decisionRows(t.db.sql, id)).toEqual([]);

    // While it is open, the person cannot have a second one in the profession.
    await expect(
      insertApplication(t.db.sql, t.clock.now(), {
        kind: 'initial',
        state: 'draft',
        profession: 'constructor',
        personId: person.personId,
        enterpriseId: enterprise.enterpriseId,
      }),
    ).rejects.toThrow(/applications_one_open_per_profession/);

    const decision = await decideNow(id, 'not_accept', { reasonCodes: ['materials_incomplete'] });
    expect((await app(id)).state).toBe('not_accepted');
    expect(decision.kind).toBe('not_accepted');
    expect(decision.number).toMatch(/^苏建注不受字〔2026〕第\d+号$/);
    expect(decision.facts.remedies).toBe(REMEDIES);
    expect(decision.facts.title).toBe('不予受理决定书');
    expect(decision.reasons).toEqual([
      {
        code: 'materials_incomplete',
        title: '材料不齐全且无法补正',
        wording: '申请材料不齐全或者不符合法定形式，且无法补正。',
      },
    ]);
    const [stored] = await t.db.sql<{ kind: string; number: string; remedies: string }[]>`
      select kind, number, facts ->> 'remedies' as remedies from decisions
      where application_id = ${id}`;
    expect(stored).toEqual({ kind: 'not_accepted', number: decision.number, remedies: REMEDIES });
    const [event] = await t.db.sql<{ reason: string; toState: string }[]>`
      select reason, to_state as "toState" from application_events
      where application_id = ${id} and action = 'not_accept'`;
    expect(event).toEqual({
      reason: '申请材料不齐全或者不符合法定形式，且无法补正。',
      toState: 'not_accepted',
    });

    // 不予受理 is final: the open-application rule lets the person start again.
    const again = await insertApplication(t.db.sql, t.clock.now(), {
      kind: 'initial',
      state: 'draft',
      profession: 'constructor',
      personId: person.personId,
      enterpriseId: enterprise.enterpriseId,
    });
    expect((await app(again)).state).toBe('draft');
  });
});

describe('refusal', () => {
  it('refuses an application still waiting for overdue corrections, with a written decision giving the reason and the remedies', async () => {
    const { t } = suite;
    const filedApp = await filed('submitted');
    const { id } = filedApp;
    await accept(id, '2026-03-02');
    await ask(id, '2026-03-03', [
      { addressedTo: 'person', what: '劳动合同扫描件', why: '缺少签章页' },
    ]);
    const [request] = await requestsOf(t.db.sql, id);
    const calendar = await loadCalendar(t.db.sql);
    const late = addWorkingDays(calendar, request!.replyBy, 1).date;
    expect(isOverdue(request!, late)).toBe(true);

    t.clock.set(at(late));
    const decision = await decideNow(id, 'refuse', { reasonCodes: ['correction_overdue'] });
    expect((await app(id)).state).toBe('refused');
    expect(decision.kind).toBe('refusal');
    expect(decision.number).toMatch(/^苏建注不准字〔2026〕第\d+号$/);
    expect(decision.facts.remedies).toBe(REMEDIES);
    expect(decision.facts.title).toBe('不予注册决定书');
    expect(decision.facts.decidedOn).toBe(late);
    expect(decision.facts.registration).toBeNull();
    expect(decision.reasons).toEqual([
      {
        code: 'correction_overdue',
        title: '逾期未补正',
        wording: '申请人未在规定期限内补正材料。',
      },
    ]);
    expect((await decisionOf(t.db.sql, id))!.number).toBe(decision.number);
    const [event] = await t.db.sql<{ reason: string; fromState: string }[]>`
      select reason, from_state as "fromState" from application_events
      where application_id = ${id} and action = 'refuse'`;
    expect(event).toEqual({
      reason: '申请人未在规定期限内补正材料。',
      fromState: 'correction_requested',
    });
    // Nothing can be supplied for it any more.
    const [item] = await itemsOf(t.db.sql, id);
    await expect(supply(filedApp, item!.id, 'person', late)).rejects.toMatchObject({
      status: 409,
    });
  });
});

describe('decision numbers', () => {
  // A database of their own, so that no other test's decisions take numbers first.
  const own = integrationSuite({ clock: '2026-03-10T10:00:00+08:00' });

  it('run 1, 2, 3 per year and kind, and start again at 1 in the next year', async () => {
    const { t } = own;
    // The demo data's decisions took numbers in the seeding year: this database starts afresh.
    await t.db.sql`delete from decisions`;
    await t.db.sql`delete from decision_counters`;
    const numbers: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { id } = await filed('under_review', { s: own });
      numbers.push((await decideNow(id, 'approve', { s: own })).number);
    }
    expect(numbers).toEqual([
      '苏建注准字〔2026〕第1号',
      '苏建注准字〔2026〕第2号',
      '苏建注准字〔2026〕第3号',
    ]);
    // Each kind has its own series.
    const refused = await filed('under_review', { s: own });
    const refusal = await decideNow(refused.id, 'refuse', {
      s: own,
      reasonCodes: ['not_qualified'],
    });
    expect(refusal.number).toBe('苏建注不准字〔2026〕第1号');

    t.clock.set('2027-01-04T10:00:00+08:00');
    const next = await filed('under_review', { s: own });
    expect((await decideNow(next.id, 'approve', { s: own })).number).toBe(
      '苏建注准字〔2027〕第1号',
    );
    const counters = await t.db.sql<{ year: number; kind: string; last: number }[]>`
      select year, kind, last from decision_counters order by year, kind`;
    expect(counters).toEqual([
      { year: 2026, kind: 'approval', last: 3 },
      { year: 2026, kind: 'refusal', last: 1 },
      { year: 2027, kind: 'approval', last: 1 },
    ]);
  });
});

describe('what approval does', () => {
  it('makes an approved initial registration, not yet public, numbered and dated in Asia/Shanghai', async () => {
    const { t } = suite;
    const specialties = ['建筑工程', '市政公用工程'];
    const { id, person, enterprise } = await filed('under_review', { draft: { specialties } });
    // Just after midnight in Nanjing: still the day before in UTC.
    const decidedAt = new Date('2026-03-24T00:30:00+08:00');
    expect(decidedAt.toISOString().slice(0, 10)).toBe('2026-03-23');
    t.clock.set(decidedAt);
    const decision = await decideNow(id, 'approve');

    const approved = await app(id);
    expect(approved.state).toBe('approved');
    expect(approved.registrationId).not.toBeNull();
    const [registration] = await t.db.sql<
      {
        id: string;
        number: string;
        status: string;
        personId: string;
        enterpriseId: string;
        profession: string;
        specialties: string[];
        validFrom: string;
        validUntil: string;
        approvedBy: string;
      }[]
    >`
      select id, registration_number as number, status, person_id as "personId",
             enterprise_id as "enterpriseId", profession, specialties,
             to_char(valid_from, 'YYYY-MM-DD') as "validFrom",
             to_char(valid_until, 'YYYY-MM-DD') as "validUntil",
             approved_by_application_id as "approvedBy"
      from registrations where person_id = ${person.personId}`;
    expect(registration).toMatchObject({
      id: approved.registrationId,
      status: 'approved',
      personId: person.personId,
      enterpriseId: enterprise.enterpriseId,
      profession: 'constructor',
      specialties,
      validFrom: '2026-03-24',
      validUntil: validityFrom('2026-03-24', 'constructor'),
      approvedBy: id,
    });
    expect(registration!.validUntil).toBe('2029-03-23');
    expect(registration!.number).toMatch(REGISTRATION_NUMBER_PATTERN);
    expect(registration!.number.startsWith(`苏${professions.constructor.digit}2026`)).toBe(true);
    expect(decision.facts.registration).toEqual({
      number: registration!.number,
      validFrom: '2026-03-24',
      validUntil: '2029-03-23',
    });
    expect(decision.facts.decidedOn).toBe(businessDate(decidedAt));
    expect(decision.facts.specialties).toEqual(specialties);
    expect(decision.facts.remedies).toBeNull();
  });

  it('runs a renewal on from the old end date by the profession’s years, and completes it in the same call', async () => {
    const { t } = suite;
    const person = await createPerson(t.db.sql, t.clock.now());
    const enterprise = await createEnterprise(t.db.sql, t.clock.now());
    const registrationId = await addRegistration(
      t.db.sql,
      t.clock.now(),
      person,
      enterprise,
      'cost_engineer',
      ['安装工程'],
      '2026-06-30',
    );
    const { id } = await filed('under_review', {
      kind: 'renewal',
      profession: 'cost_engineer',
      person,
      enterprise,
      registrationId,
    });
    t.clock.set(at('2026-03-12'));
    const decision = await decideNow(id, 'approve');

    expect((await app(id)).state).toBe('completed');
    expect(await eventActions(t.db.sql, id)).toEqual(['fixture', 'approve', 'complete']);
    const [registration] = await t.db.sql<{ validUntil: string; status: string }[]>`
      select to_char(valid_until, 'YYYY-MM-DD') as "validUntil", status from registrations
      where id = ${registrationId}`;
    // A cost engineer's four years, from 2026-06-30.
    expect(registration).toEqual({ validUntil: '2030-06-30', status: 'active' });
    expect(decision.kind).toBe('approval');
    expect(decision.facts.registration?.validUntil).toBe('2030-06-30');
  });

  it('changes the person’s particulars on a personal change, and completes it in the same call', async () => {
    const { t } = suite;
    const person = await createPerson(t.db.sql, t.clock.now());
    const enterprise = await createEnterprise(t.db.sql, t.clock.now());
    const registrationId = await addRegistration(
      t.db.sql,
      t.clock.now(),
      person,
      enterprise,
      'constructor',
      ['建筑工程'],
      '2028-06-30',
    );
    const { id } = await filed('under_review', {
      kind: 'personal_change',
      person,
      enterprise,
      registrationId,
      draft: { change: { education: '硕士研究生' } },
    });
    t.clock.set(at('2026-03-12'));
    const before = await t.db.sql<{ education: string }[]>`
      select education from persons where id = ${person.personId}`;
    expect(before[0]!.education).toBe('本科');
    const decision = await decideNow(id, 'approve');

    expect((await app(id)).state).toBe('completed');
    expect(await eventActions(t.db.sql, id)).toEqual(['fixture', 'approve', 'complete']);
    const [after] = await t.db.sql<{ education: string }[]>`
      select education from persons where id = ${person.personId}`;
    expect(after!.education).toBe('硕士研究生');
    expect(decision.facts.title).toBe('准予变更决定书');
  });
});

describe('rule 15 at approval', () => {
  it('refuses to approve an initial registration once the person is registered at another enterprise, and writes nothing', async () => {
    const { t } = suite;
    const { id, person } = await filed('under_review', { profession: 'architect', draft: {} });
    // Since it was filed, the person has been registered in another profession elsewhere.
    const elsewhere = await createEnterprise(t.db.sql, t.clock.now());
    await addRegistration(
      t.db.sql,
      t.clock.now(),
      person,
      elsewhere,
      'constructor',
      ['建筑工程'],
      '2028-12-31',
    );
    const counters = await t.db.sql`select year, kind, last from decision_counters order by 1, 2`;
    const before = await app(id);
    t.clock.set(at('2026-03-12'));

    const refused = decideNow(id, 'approve', { expectedVersion: before.version });
    await expect(refused).rejects.toBeInstanceOf(RuleError);
    const error = (await refused.catch((e: unknown) => e)) as RuleError;
    expect(error.problems.map((p) => p.code)).toContain('registered_elsewhere');

    expect(await app(id)).toMatchObject({
      state: 'under_review',
      version: before.version,
      registrationId: null,
    });
    expect(await decisionRows(t.db.sql, id)).toEqual([]);
    expect(await eventActions(t.db.sql, id)).toEqual(['fixture']);
    const architect = await t.db.sql`
      select 1 from registrations where person_id = ${person.personId} and profession = 'architect'`;
    expect(architect.length).toBe(0);
    expect(await t.db.sql`select year, kind, last from decision_counters order by 1, 2`).toEqual(
      counters,
    );
    const [audit] = await t.db.sql`
      select 1 from audit_events where action = 'decision_issued' and subject_id = ${id}`;
    expect(audit).toBeUndefined();
  });
});

describe('two officers deciding at once', () => {
  it('lets exactly one decision through; the other gets a 409', async () => {
    const { t } = suite;
    const { id } = await filed('under_review');
    const { version } = await app(id);
    t.clock.set(at('2026-03-12'));

    const results = await Promise.allSettled([
      decideNow(id, 'approve', { expectedVersion: version }),
      decideNow(id, 'approve', { expectedVersion: version }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(1);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected.length).toBe(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toMatchObject({ status: 409 });

    expect((await decisionRows(t.db.sql, id)).length).toBe(1);
    const approvals = await t.db.sql`
      select 1 from application_events where application_id = ${id} and action = 'approve'`;
    expect(approvals.length).toBe(1);
    const registrations = await t.db.sql`
      select 1 from registrations where approved_by_application_id = ${id}`;
    expect(registrations.length).toBe(1);
  });
});

describe('the events', () => {
  it('cannot be rewritten or removed: the database refuses UPDATE and DELETE on application_events and audit_events', async () => {
    const { t } = suite;
    const { id } = await filed('submitted');
    await accept(id, '2026-03-02');
    const sql = t.db.sql;
    const events = await sql`select * from application_events where application_id = ${id}`;
    const audits = await sql`select * from audit_events where subject_id = ${id}`;
    expect(events.length).toBe(2);
    expect(audits.length).toBeGreaterThan(0);

    await expect(
      sql`update application_events set reason = '改写' where application_id = ${id}`,
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from application_events where application_id = ${id}`).rejects.toThrow(
      /append-only/,
    );
    await expect(
      sql`update audit_events set action = 'rewritten' where subject_id = ${id}`,
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_events where subject_id = ${id}`).rejects.toThrow(
      /append-only/,
    );

    expect(await sql`select * from application_events where application_id = ${id}`).toEqual(
      events,
    );
    expect(await sql`select * from audit_events where subject_id = ${id}`).toEqual(audits);
  });
});

describe('the officer’s review of supplied items', () => {
  it('asks again in a new request, accepts what was supplied, and withdraws an item opened by mistake', async () => {
    const { t } = suite;
    const filedApp = await filed('submitted');
    const { id } = filedApp;
    await accept(id, '2026-03-02');
    await ask(id, '2026-03-03', [
      { addressedTo: 'person', what: '学历证书扫描件', why: '所填学历与学信网记录不一致' },
    ]);
    const [first] = await itemsOf(t.db.sql, id);
    await supply(filedApp, first!.id, 'person', '2026-03-04');
    expect((await app(id)).state).toBe('under_review');

    // What was supplied does not do: a new request asks for it again.
    t.clock.set(at('2026-03-05'));
    const again = await askAgain(t.services, {
      itemId: first!.id,
      officerAccountId: officer,
      note: '扫描件不清晰，请重新上传',
    });
    expect(again.state).toBe('correction_requested');
    expect((await app(id)).state).toBe('correction_requested');
    const requests = await requestsOf(t.db.sql, id);
    expect(requests.length).toBe(2);
    expect(requests[1]!.items.length).toBe(1);
    expect(requests[1]!.open).toBe(1);
    expect(requests[1]!.items[0]).toMatchObject({
      addressedTo: 'person',
      what: '学历证书扫描件',
      why: '扫描件不清晰，请重新上传',
      closedAt: null,
      review: null,
    });
    let items = await itemsOf(t.db.sql, id);
    expect(items[0]).toMatchObject({ id: first!.id, review: 'asked_again' });
    // Asked again, it is reviewed; it cannot be reviewed twice.
    await expect(
      acceptSuppliedItem(t.services, { itemId: first!.id, officerAccountId: officer }),
    ).rejects.toMatchObject({ status: 409 });

    const second = items[1]!;
    await supply(filedApp, second.id, 'person', '2026-03-06');
    expect((await app(id)).state).toBe('under_review');
    t.clock.set(at('2026-03-09'));
    await acceptSuppliedItem(t.services, { itemId: second.id, officerAccountId: officer });
    items = await itemsOf(t.db.sql, id);
    expect(items[1]).toMatchObject({ id: second.id, review: 'accepted' });

    // An item opened by mistake, withdrawn: the application is back in review.
    await ask(id, '2026-03-10', [
      { addressedTo: 'enterprise', what: '社保缴纳证明', why: '需核实聘用关系' },
    ]);
    expect((await app(id)).state).toBe('correction_requested');
    const mistaken = (await itemsOf(t.db.sql, id))[2]!;
    t.clock.set(at('2026-03-11'));
    const back = await withdrawItem(t.services, {
      itemId: mistaken.id,
      officerAccountId: officer,
      reason: '误开',
    });
    expect(back.state).toBe('under_review');
    expect((await app(id)).state).toBe('under_review');
    expect((await itemsOf(t.db.sql, id))[2]).toMatchObject({ closed: true, review: 'withdrawn' });
  });

  it('withdrawing the only open item asked before acceptance returns the application to 待受理', async () => {
    const { t } = suite;
    const { id } = await filed('submitted');
    await ask(id, '2026-03-03', [
      { addressedTo: 'person', what: '劳动合同扫描件', why: '缺少签章页' },
    ]);
    const [item] = await itemsOf(t.db.sql, id);
    t.clock.set(at('2026-03-04'));
    const back = await withdrawItem(t.services, {
      itemId: item!.id,
      officerAccountId: officer,
      reason: '误开',
    });
    expect(back.state).toBe('submitted');
    expect(await app(id)).toMatchObject({ state: 'submitted', deadline: null });
    expect((await itemsOf(t.db.sql, id))[0]).toMatchObject({ closed: true, review: 'withdrawn' });
  });
});
