import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  announcementFilters,
  announcementOf,
  announcementOfApplication,
  listAnnouncements,
  publishAnnouncements,
} from '../../lib/announcements/index.js';
import { runJob } from '../../lib/jobs/index.js';
import type { Sql } from '../../lib/platform/index.js';
import type { Profession } from '../../lib/reference/index.js';
import { PROFESSIONS } from '../../lib/reference/index.js';
import type { ApplicationKind } from '../../lib/workflow/index.js';
import { transition } from '../../lib/workflow/index.js';
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
import { exited } from '../support/server-process.js';

// Announcements (公告) of approved initial and additional registrations (DESIGN.md §3 rule 5,
// §4, §5a): one numbered announcement per profession per run, the registrations taking effect
// and the applications completing in the same transaction, entries copied and never rewritten,
// numbers per year, the job's schedule on working days, two instances firing it at once, and the
// public read model. Every database starts from the demo data, which already has approvals
// waiting: assertions count what was waiting, or look only at the tests' own applications.

const ROOT = path.resolve(import.meta.dirname, '../..');

/** A moment on a business date in Nanjing. */
const at = (date: string, time = '09:00') => new Date(`${date}T${time}:00+08:00`);

let officer: string;

type Filed = {
  id: string;
  person: PersonFixture;
  enterprise: EnterpriseFixture;
  registrationId: string;
};

/**
 * An application under review, approved by the officer through the workflow (an initial one gets
 * its registration, approved and not yet public).
 */
async function approved(
  s: IntegrationSuite,
  options: {
    kind?: ApplicationKind;
    profession?: Profession;
    specialties?: string[];
    person?: PersonFixture;
    personName?: string;
    enterprise?: EnterpriseFixture;
    registrationId?: string;
  } = {},
): Promise<Filed> {
  const { t } = s;
  const person =
    options.person ??
    (await createPerson(t.db.sql, t.clock.now(), { name: options.personName ?? '公告测试人' }));
  const enterprise = options.enterprise ?? (await createEnterprise(t.db.sql, t.clock.now()));
  const id = await insertApplication(t.db.sql, t.clock.now(), {
    kind: options.kind ?? 'initial',
    state: 'under_review',
    profession: options.profession ?? 'constructor',
    personId: person.personId,
    enterpriseId: enterprise.enterpriseId,
    registrationId: options.registrationId ?? null,
    draft: { specialties: options.specialties ?? ['建筑工程'] },
  });
  const moved = await transition(t.services, {
    applicationId: id,
    action: 'approve',
    actor: { role: 'officer', accountId: officer },
  });
  expect(moved.state).toBe('approved');
  // The registration an initial approval made is on the row once its effects have run.
  const [row] = await t.db.sql<{ registrationId: string }[]>`
    select registration_id as "registrationId" from applications where id = ${id}`;
  return { id, person, enterprise, registrationId: row!.registrationId };
}

/** What the announcement job would publish now: approved initial and additional applications. */
async function waiting(sql: Sql) {
  return sql<{ id: string; profession: Profession }[]>`
    select id, profession from applications
    where state = 'approved' and kind in ('initial', 'additional') and registration_id is not null
    order by id`;
}

async function counterOf(sql: Sql, year: number): Promise<number> {
  const [row] = await sql<{ last: number }[]>`
    select last from announcement_counters where year = ${year}`;
  return row?.last ?? 0;
}

/**
 * Many approved initial registrations at once, straight into the tables as if each had been
 * approved at `approvedAt` (set-based, so hundreds take a moment): a person, an approved
 * registration and an approved application with its event each, all at one enterprise, the
 * professions in turn. Returns the applications' ids.
 */
async function seedApproved(
  sql: Sql,
  options: {
    count: number;
    professions: readonly Profession[];
    enterprise: EnterpriseFixture;
    approvedAt: Date;
  },
): Promise<string[]> {
  const tag = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const { count, professions, enterprise, approvedAt } = options;
  return sql.begin(async (tx) => {
    await tx`
      create temporary table bulk on commit drop as
      select n, gen_random_uuid() as account_id, gen_random_uuid() as person_id,
             gen_random_uuid() as registration_id, gen_random_uuid() as application_id,
             (${professions as Profession[]}::text[])[1 + n % ${professions.length}] as profession
      from generate_series(1, ${count}) as n`;
    await tx`
      insert into accounts (id, kind, login_id, display_name, password_hash, real_name_level, created_at)
      select account_id, 'person', ${`bulk-${tag}-`} || n, '批量人员' || n,
             '$argon2id$fixture-not-a-hash', 4, ${approvedAt}
      from bulk`;
    await tx`
      insert into persons (id, account_id, id_number, name)
      select person_id, account_id, ${`8${tag}`} || lpad(n::text, 10, '0') || '0', '批量人员' || n
      from bulk`;
    await tx`
      insert into registrations (id, registration_number, person_id, enterprise_id, profession,
                                 specialties, valid_from, valid_until, status, created_at)
      select registration_id, ${`BULK${tag}-`} || n, person_id, ${enterprise.enterpriseId},
             profession, case when profession = 'constructor' then '{建筑工程}'::text[] else '{}' end,
             '2026-12-01', '2029-11-30', 'approved', ${approvedAt}
      from bulk`;
    await tx`
      insert into applications (id, application_number, kind, profession, person_id,
        enterprise_id, handed_to_enterprise_id, registration_id, state, version, draft, snapshot,
        snapshot_version, snapshot_hash, started_at, state_changed_at, submitted_at)
      select application_id, ${`BULK${tag}-`} || n, 'initial', profession, person_id,
             ${enterprise.enterpriseId}, ${enterprise.enterpriseId}, registration_id, 'approved', 0,
             '{}', jsonb_build_object('specialties',
               case when profession = 'constructor' then '["建筑工程"]'::jsonb else '[]' end),
             1, 'fixture', ${approvedAt}, ${approvedAt}, ${approvedAt}
      from bulk`;
    await tx`
      insert into application_events
        (application_id, version, action, actor_role, from_state, to_state, occurred_at)
      select application_id, 0, 'approve', 'officer', 'under_review', 'approved', ${approvedAt}
      from bulk`;
    await tx`
      update registrations r set approved_by_application_id = b.application_id
      from bulk b where r.id = b.registration_id`;
    const rows = await tx<{ id: string }[]>`select application_id as id from bulk order by n`;
    return rows.map((r) => r.id);
  });
}

describe('publication', () => {
  const suite = integrationSuite({ clock: '2026-12-04T10:00:00+08:00' });
  let enterprise: EnterpriseFixture;
  let first: Filed;
  let second: Filed;
  let additional: Filed;
  let numbers: string[];
  let before: { id: string; profession: Profession }[];

  beforeAll(async () => {
    const { t } = suite;
    officer = await officerAccountId(t.db.sql);
    t.clock.set(at('2026-12-04', '10:00'));
    enterprise = await createEnterprise(t.db.sql, t.clock.now(), { name: '南京公告建设有限公司' });
    first = await approved(suite, {
      personName: '公告甲',
      enterprise,
      specialties: ['建筑工程', '市政公用工程'],
    });
    second = await approved(suite, {
      personName: '公告乙',
      enterprise,
      profession: 'cost_engineer',
      specialties: ['安装工程'],
    });
    // An additional registration: the specialty asked joins the registration at the announcement.
    const third = await createPerson(t.db.sql, t.clock.now(), { name: '公告丙' });
    const registrationId = await addRegistration(
      t.db.sql,
      t.clock.now(),
      third,
      enterprise,
      'constructor',
      ['建筑工程'],
      '2028-06-30',
    );
    additional = await approved(suite, {
      kind: 'additional',
      person: third,
      enterprise,
      registrationId,
      specialties: ['机电工程'],
    });
  });

  it('publishes one numbered announcement per profession with approvals, in PROFESSIONS order, and the registrations take effect', async () => {
    const { t } = suite;
    const sql = t.db.sql;
    before = await waiting(sql);
    expect(before.map((w) => w.id)).toEqual(
      expect.arrayContaining([first.id, second.id, additional.id]),
    );
    const [status] = await sql<{ status: string }[]>`
      select status from registrations where id = ${first.registrationId}`;
    expect(status?.status).toBe('approved');
    const last = await counterOf(sql, 2026);

    t.clock.set(at('2026-12-07'));
    const outcome = await publishAnnouncements(t.services);

    const present = PROFESSIONS.filter((p) => before.some((w) => w.profession === p));
    expect(present).toEqual(expect.arrayContaining(['constructor', 'cost_engineer']));
    numbers = outcome.numbers;
    expect(numbers).toEqual(present.map((_, i) => `苏建注公告〔2026〕第${last + 1 + i}号`));
    expect(outcome.entries).toBe(before.length);
    expect(await counterOf(sql, 2026)).toBe(last + present.length);

    const published = await sql<
      {
        number: string;
        year: number;
        seq: number;
        profession: Profession;
        publishedAt: Date;
        entryCount: number;
        entries: number;
        positions: number[];
      }[]
    >`
      select n.number, n.year, n.seq, n.profession, n.published_at as "publishedAt",
             n.entry_count as "entryCount", count(e.*)::int as entries,
             array_agg(e.position order by e.position) as positions
      from announcements n join announcement_entries e on e.announcement_id = n.id
      where n.number = any(${numbers}::text[])
      group by n.id order by n.seq`;
    expect(published.map((a) => a.profession)).toEqual(present);
    for (const [i, a] of published.entries()) {
      const count = before.filter((w) => w.profession === a.profession).length;
      expect(a).toMatchObject({ number: numbers[i], year: 2026, seq: last + 1 + i });
      expect(a.publishedAt.getTime()).toBe(at('2026-12-07').getTime());
      expect(a.entryCount).toBe(count);
      expect(a.entries).toBe(count);
      expect(a.positions).toEqual(Array.from({ length: count }, (_, k) => k + 1));
    }

    // The initial registration is active (public) from now; the additional one has its specialty
    // after those it had, with its validity unchanged.
    const registrations = await sql<
      { id: string; status: string; specialties: string[]; validFrom: string; validUntil: string }[]
    >`
      select id, status, specialties, to_char(valid_from, 'YYYY-MM-DD') as "validFrom",
             to_char(valid_until, 'YYYY-MM-DD') as "validUntil"
      from registrations where id in (${first.registrationId}, ${additional.registrationId})`;
    const byId = new Map(registrations.map((r) => [r.id, r]));
    expect(byId.get(first.registrationId)).toMatchObject({
      status: 'active',
      specialties: ['建筑工程', '市政公用工程'],
    });
    expect(byId.get(additional.registrationId)).toEqual({
      id: additional.registrationId,
      status: 'active',
      specialties: ['建筑工程', '机电工程'],
      validFrom: '2024-01-01',
      validUntil: '2028-06-30',
    });
    // Each lists its entries in the order they were approved, and is audited.
    const order = await sql<{ number: string; approvedOn: string[] }[]>`
      select n.number,
             array_agg(to_char(e.approved_on, 'YYYY-MM-DD') order by e.position) as "approvedOn"
      from announcements n join announcement_entries e on e.announcement_id = n.id
      where n.number = any(${numbers}::text[]) group by n.number`;
    for (const o of order) expect(o.approvedOn).toEqual([...o.approvedOn].sort());
    const audits = await sql<
      { subjectId: string; detail: { profession: string; entries: number } }[]
    >`
      select subject_id as "subjectId", detail from audit_events
      where action = 'announcement.published' and subject_id = any(${numbers}::text[])
      order by subject_id`;
    expect(audits).toHaveLength(numbers.length);
    for (const a of published) {
      expect(audits.find((x) => x.subjectId === a.number)?.detail).toEqual({
        profession: a.profession,
        entries: a.entryCount,
      });
    }
    // Nothing that was waiting is left approved.
    const states = await sql<{ state: string }[]>`
      select distinct state from applications where id = any(${before.map((w) => w.id)}::uuid[])`;
    expect(states.map((s) => s.state)).toEqual(['completed']);
  });

  it('completes each application with a system event naming its number, and tells the person and the enterprise', async () => {
    const { t } = suite;
    const sql = t.db.sql;
    const numberOf = (p: Profession) =>
      numbers[PROFESSIONS.filter((q) => before.some((w) => w.profession === q)).indexOf(p)]!;
    for (const [app, profession] of [
      [first, 'constructor'],
      [second, 'cost_engineer'],
      [additional, 'constructor'],
    ] as const) {
      const number = numberOf(profession);
      const [event] = await sql<
        { action: string; actorRole: string; fromState: string; toState: string; reason: string }[]
      >`
        select action, actor_role as "actorRole", from_state as "fromState",
               to_state as "toState", reason
        from application_events where application_id = ${app.id} order by version desc limit 1`;
      expect(event).toMatchObject({
        action: 'complete',
        actorRole: 'system',
        fromState: 'approved',
        toState: 'completed',
      });
      expect(event!.reason).toContain(number);
      for (const accountId of [app.person.accountId, app.enterprise.accountId]) {
        const told = await sql<{ message: string }[]>`
          select message from notifications
          where account_id = ${accountId} and application_id = ${app.id}
            and created_at = ${at('2026-12-07')}`;
        expect(told).toHaveLength(1);
        expect(told[0]!.message).toContain(number);
      }
      const announced = await announcementOfApplication(sql, app.id);
      expect(announced).toEqual({
        number,
        slug: number.replace(/^苏建注公告〔(\d{4})〕第(\d+)号$/, '$1-$2'),
        publishedOn: '2026-12-07',
      });
    }
  });

  it('copies each entry as it stood: name, enterprise, registration number, specialties, approval date', async () => {
    const { t } = suite;
    const entries = await t.db.sql<
      {
        applicationId: string;
        kind: string;
        personName: string;
        enterpriseName: string;
        registrationNumber: string;
        registrationId: string;
        specialties: string[];
        approvedOn: string;
      }[]
    >`
      select application_id as "applicationId", kind, person_name as "personName",
             enterprise_name as "enterpriseName", registration_number as "registrationNumber",
             registration_id as "registrationId", specialties,
             to_char(approved_on, 'YYYY-MM-DD') as "approvedOn"
      from announcement_entries
      where application_id in (${first.id}, ${second.id}, ${additional.id})`;
    const numberOfRegistration = async (id: string) =>
      (
        await t.db.sql<{ n: string }[]>`
          select registration_number as n from registrations where id = ${id}`
      )[0]!.n;
    const byApp = new Map(entries.map((e) => [e.applicationId, e]));
    expect(byApp.get(first.id)).toMatchObject({
      kind: 'initial',
      personName: '公告甲',
      enterpriseName: '南京公告建设有限公司',
      registrationId: first.registrationId,
      registrationNumber: await numberOfRegistration(first.registrationId),
      specialties: ['建筑工程', '市政公用工程'],
      approvedOn: '2026-12-04',
    });
    expect(byApp.get(second.id)).toMatchObject({
      kind: 'initial',
      personName: '公告乙',
      specialties: ['安装工程'],
      approvedOn: '2026-12-04',
    });
    // An additional registration's entry lists the specialty it asked for, on its registration.
    expect(byApp.get(additional.id)).toMatchObject({
      kind: 'additional',
      personName: '公告丙',
      registrationId: additional.registrationId,
      registrationNumber: await numberOfRegistration(additional.registrationId),
      specialties: ['机电工程'],
    });
  });

  it('leaves a published entry as it was when the enterprise is renamed, and the database refuses to rewrite or remove one', async () => {
    const { t } = suite;
    const sql = t.db.sql;
    await sql`update enterprises set name = '南京更名后建设有限公司' where id = ${enterprise.enterpriseId}`;
    const [entry] = await sql<{ enterpriseName: string }[]>`
      select enterprise_name as "enterpriseName" from announcement_entries
      where application_id = ${first.id}`;
    expect(entry?.enterpriseName).toBe('南京公告建设有限公司');
    const page = await announcementOf(sql, numbers[0]!);
    expect(JSON.stringify(page)).not.toContain('南京更名后建设有限公司');

    await expect(
      sql`update announcement_entries set person_name = '改写' where application_id = ${first.id}`,
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`delete from announcement_entries where application_id = ${first.id}`,
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`update announcements set entry_count = entry_count + 1 where number = ${numbers[0]!}`,
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from announcements where number = ${numbers[0]!}`).rejects.toThrow(
      /append-only/,
    );
    const [kept] = await sql<{ personName: string }[]>`
      select person_name as "personName" from announcement_entries where application_id = ${first.id}`;
    expect(kept?.personName).toBe('公告甲');
  });

  it('publishes nothing on a second run', async () => {
    const { t } = suite;
    const sql = t.db.sql;
    const count = async () =>
      (
        await sql<{ announcements: number; entries: number }[]>`
          select (select count(*) from announcements)::int as announcements,
                 (select count(*) from announcement_entries)::int as entries`
      )[0]!;
    const was = await count();
    const last = await counterOf(sql, 2026);
    t.clock.set(at('2026-12-08'));
    expect(await publishAnnouncements(t.services)).toEqual({ numbers: [], entries: 0 });
    expect(await count()).toEqual(was);
    expect(await counterOf(sql, 2026)).toBe(last);
  });
});

describe('numbering across a year boundary', () => {
  const own = integrationSuite({ clock: '2026-12-30T10:00:00+08:00' });

  it('numbers the first announcement of 2027 第1号, after those of 2026', async () => {
    const { t } = own;
    officer = await officerAccountId(t.db.sql);
    t.clock.set(at('2026-12-30', '10:00'));
    const old = await approved(own, { profession: 'architect', specialties: [] });
    const last2026 = await counterOf(t.db.sql, 2026);
    t.clock.set(at('2026-12-31'));
    const december = await publishAnnouncements(t.services);
    expect(december.numbers.length).toBeGreaterThan(0);
    expect(december.numbers.every((n) => n.startsWith('苏建注公告〔2026〕'))).toBe(true);
    expect(december.numbers.at(-1)).toBe(
      `苏建注公告〔2026〕第${last2026 + december.numbers.length}号`,
    );
    expect((await announcementOfApplication(t.db.sql, old.id))?.number).toMatch(
      /^苏建注公告〔2026〕/,
    );

    t.clock.set(at('2027-01-04', '08:30'));
    const next = await approved(own, { profession: 'architect', specialties: [] });
    t.clock.set(at('2027-01-04'));
    const january = await publishAnnouncements(t.services);
    expect(january).toEqual({ numbers: ['苏建注公告〔2027〕第1号'], entries: 1 });
    const [row] = await t.db.sql<{ year: number; seq: number; profession: string }[]>`
      select year, seq, profession from announcements where number = '苏建注公告〔2027〕第1号'`;
    expect(row).toEqual({ year: 2027, seq: 1, profession: 'architect' });
    expect((await announcementOfApplication(t.db.sql, next.id))?.number).toBe(
      '苏建注公告〔2027〕第1号',
    );
    expect(await counterOf(t.db.sql, 2026)).toBe(last2026 + december.numbers.length);
    expect(await counterOf(t.db.sql, 2027)).toBe(1);
  });
});

describe('the year of an announcement', () => {
  const own = integrationSuite({ clock: '2026-12-31T10:00:00+08:00' });

  it('is the year in Nanjing: just after midnight on New Year’s Day it is the new year’s 第1号', async () => {
    const { t } = own;
    officer = await officerAccountId(t.db.sql);
    const mine = await approved(own, { profession: 'structural_engineer', specialties: [] });
    const last2026 = await counterOf(t.db.sql, 2026);
    const newYear = at('2027-01-01', '00:30');
    expect(newYear.getUTCFullYear()).toBe(2026);
    t.clock.set(newYear);
    const outcome = await publishAnnouncements(t.services);
    expect(outcome.numbers[0]).toBe('苏建注公告〔2027〕第1号');
    expect(outcome.numbers.every((n) => n.startsWith('苏建注公告〔2027〕'))).toBe(true);
    expect(await announcementOfApplication(t.db.sql, mine.id)).toMatchObject({
      publishedOn: '2027-01-01',
    });
    expect(await counterOf(t.db.sql, 2026)).toBe(last2026);
  });
});

describe('the publish job on its schedule', () => {
  const own = integrationSuite({ clock: '2026-09-30T10:00:00+08:00' });

  async function lastRun(sql: Sql) {
    const [run] = await sql<
      {
        id: number;
        outcome: string;
        rowsAffected: number;
        detail: Record<string, unknown>;
        startedBy: string | null;
      }[]
    >`
      select id::int as id, outcome, rows_affected as "rowsAffected", detail,
             started_by_account_id as "startedBy"
      from job_runs where job = 'publish-announcements' order by id desc limit 1`;
    return run!;
  }
  const announcementCount = async (sql: Sql) =>
    (await sql<{ n: number }[]>`select count(*)::int as n from announcements`)[0]!.n;

  it('skips a holiday on a weekday and publishes on a make-up working day (调休, a Saturday)', async () => {
    const { t } = own;
    officer = await officerAccountId(t.db.sql);
    const mine = await approved(own);
    const was = await announcementCount(t.db.sql);
    // 2026-10-01 is a Thursday in the National Day holiday.
    t.clock.set(at('2026-10-01'));
    const skipped = await runJob(t.services, 'publish-announcements');
    expect(skipped.outcome).toBe('ok');
    expect(await lastRun(t.db.sql)).toMatchObject({
      id: Number(skipped.runId),
      outcome: 'ok',
      rowsAffected: 0,
      detail: { workingDay: false },
    });
    expect(await announcementCount(t.db.sql)).toBe(was);
    // 2026-10-10 is a Saturday worked in its place.
    const pending = await waiting(t.db.sql);
    t.clock.set(at('2026-10-10'));
    const ran = await runJob(t.services, 'publish-announcements');
    expect(ran.outcome).toBe('ok');
    const run = await lastRun(t.db.sql);
    expect(run.rowsAffected).toBe(pending.length);
    expect(run.detail.entries).toBe(pending.length);
    expect(await announcementOfApplication(t.db.sql, mine.id)).toMatchObject({
      publishedOn: '2026-10-10',
    });
  });

  it('on a Saturday records an ok run that says it is no working day and publishes nothing; by hand it publishes', async () => {
    const { t } = own;
    t.clock.set(at('2026-12-04', '10:00'));
    const mine = await approved(own, { profession: 'structural_engineer', specialties: [] });
    const pending = await waiting(t.db.sql);
    const was = await announcementCount(t.db.sql);

    t.clock.set(at('2026-12-05'));
    const scheduled = await runJob(t.services, 'publish-announcements');
    expect(scheduled.outcome).toBe('ok');
    expect(await lastRun(t.db.sql)).toEqual({
      id: Number(scheduled.runId),
      outcome: 'ok',
      rowsAffected: 0,
      detail: { workingDay: false },
      startedBy: null,
    });
    expect(await announcementCount(t.db.sql)).toBe(was);
    expect((await waiting(t.db.sql)).map((w) => w.id)).toContain(mine.id);

    const byHand = await runJob(t.services, 'publish-announcements', {
      by: 'hand',
      accountId: officer,
    });
    expect(byHand.outcome).toBe('ok');
    const run = await lastRun(t.db.sql);
    expect(run).toMatchObject({
      id: Number(byHand.runId),
      outcome: 'ok',
      rowsAffected: pending.length,
      startedBy: officer,
    });
    const announced = await announcementOfApplication(t.db.sql, mine.id);
    expect(announced?.publishedOn).toBe('2026-12-05');
    expect(String(run.detail.numbers)).toContain(announced!.number);
    expect(await waiting(t.db.sql)).toEqual([]);
    const [audit] = await t.db.sql<{ actor: string; detail: { runId: number } }[]>`
      select actor_account_id as actor, detail from audit_events
      where action = 'job.run_by_hand' and subject_id = 'publish-announcements'
      order by id desc limit 1`;
    expect(audit?.actor).toBe(officer);
    expect(Number(audit?.detail.runId)).toBe(Number(byHand.runId));
  });

  it('says which run it recorded by its number, as runJob’s type promises', async () => {
    // job_runs.id is a bigint, which postgres.js reads as a string unless cast.
    const { runId } = await runJob(own.t.services, 'publish-announcements');
    expect(typeof runId).toBe('number');
  });
});

describe('two app instances firing the publish job at the same moment', () => {
  const own = integrationSuite({ clock: '2026-12-01T15:00:00+08:00' });

  /** One app instance's job runner, as its own process (test/support/job-process.ts). */
  function jobProcess(env: Record<string, string>) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/job-process.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    return { child, output: () => output };
  }

  it('publishes one announcement per profession, each approved application once', async () => {
    const { t } = own;
    const sql = t.db.sql;
    const enterprise = await createEnterprise(sql, t.clock.now());
    await seedApproved(sql, {
      count: 450,
      professions: ['constructor', 'cost_engineer', 'architect'],
      enterprise,
      approvedAt: at('2026-12-01', '15:00'),
    });
    const pending = await waiting(sql);
    expect(pending.length).toBeGreaterThanOrEqual(450);
    const present = PROFESSIONS.filter((p) => pending.some((w) => w.profession === p));
    const [{ lastRun } = { lastRun: 0 }] = await sql<{ lastRun: number }[]>`
      select coalesce(max(id), 0)::int as "lastRun" from job_runs`;

    // A working day (Wednesday), at 9:00 as scheduled; both connect first, then fire together.
    const clock = '2026-12-02T09:00:00+08:00';
    const startAt = String(new Date().getTime() + 4_000);
    const env = { DATABASE_URL: t.db.url, JOB: 'publish-announcements', CLOCK: clock };
    const runners = [
      jobProcess({ ...env, START_AT: startAt }),
      jobProcess({ ...env, START_AT: startAt }),
    ];
    const codes = await Promise.all(runners.map((r) => exited(r.child)));
    expect(codes, runners.map((r) => r.output()).join('\n')).toEqual([0, 0]);
    const results = runners.map(
      (r) =>
        JSON.parse(r.output().trim().split('\n').at(-1)!) as { outcome: string; runId: number },
    );

    const published = await sql<{ profession: Profession; n: number; entries: number }[]>`
      select profession, count(*)::int as n, sum(entry_count)::int as entries
      from announcements where published_at = ${new Date(clock)}
      group by profession`;
    expect(published.map((p) => p.profession).sort()).toEqual([...present].sort());
    for (const p of published) {
      expect(p.n).toBe(1);
      expect(p.entries).toBe(pending.filter((w) => w.profession === p.profession).length);
    }
    const [listed] = await sql<{ n: number; distinct: number }[]>`
      select count(*)::int as n, count(distinct application_id)::int as distinct
      from announcement_entries where application_id = any(${pending.map((w) => w.id)}::uuid[])`;
    expect(listed).toEqual({ n: pending.length, distinct: pending.length });
    const states = await sql<{ state: string; n: number }[]>`
      select state, count(*)::int as n from applications
      where id = any(${pending.map((w) => w.id)}::uuid[]) group by state`;
    expect(states).toEqual([{ state: 'completed', n: pending.length }]);
    expect(await waiting(sql)).toEqual([]);
    const [{ inactive } = { inactive: -1 }] = await sql<{ inactive: number }[]>`
      select count(*)::int as inactive from registrations r join applications a
        on a.registration_id = r.id
      where a.id = any(${pending.map((w) => w.id)}::uuid[]) and a.kind = 'initial'
        and r.status <> 'active'`;
    expect(inactive).toBe(0);

    const runs = await sql<{ id: number; outcome: string; rowsAffected: number | null }[]>`
      select id::int as id, outcome, rows_affected as "rowsAffected" from job_runs
      where job = 'publish-announcements' and id > ${lastRun} order by id`;
    expect(runs.map((r) => r.id).sort()).toEqual(results.map((r) => Number(r.runId)).sort());
    const outcomes = runs.map((r) => r.outcome).sort();
    expect([
      ['ok', 'skipped'],
      ['ok', 'ok'],
    ]).toContainEqual(outcomes);
    const ok = runs.filter((r) => r.outcome === 'ok').map((r) => r.rowsAffected);
    // The one that ran second (when the first had finished) found nothing left to publish.
    expect(ok.sort((a, b) => a! - b!)).toEqual(
      outcomes[1] === 'ok' ? [0, pending.length] : [pending.length],
    );
  }, 60_000);
});

describe('the public read model', () => {
  const own = integrationSuite({ clock: '2026-12-07T09:00:00+08:00' });
  const rotation: Profession[] = ['constructor', 'cost_engineer', 'architect'];
  let person: PersonFixture;
  let bulkNumber: string;
  let bulkEntries: number;

  beforeAll(async () => {
    const { t } = own;
    officer = await officerAccountId(t.db.sql);
    // 22 runs on successive days in December 2026 (the first also publishes the demo data's
    // approvals), then two in January 2027: one announcement a run, the professions in turn.
    for (let day = 0; day < 22; day++) {
      const date = `2026-12-${String(7 + day).padStart(2, '0')}`;
      t.clock.set(at(date, '08:00'));
      await approved(own, {
        profession: rotation[day % 3]!,
        specialties: rotation[day % 3] === 'architect' ? [] : ['建筑工程'],
      });
      t.clock.set(at(date));
      await publishAnnouncements(t.services);
    }
    for (const [date, profession] of [
      ['2027-01-04', 'constructor'],
      ['2027-01-05', 'architect'],
    ] as const) {
      t.clock.set(at(date, '08:00'));
      await approved(own, { profession, specialties: [] });
      t.clock.set(at(date));
      await publishAnnouncements(t.services);
    }
    // One with many entries: 120 approved at once, and a person with all their particulars.
    t.clock.set(at('2027-01-06', '08:00'));
    const enterprise = await createEnterprise(t.db.sql, t.clock.now());
    person = await createPerson(t.db.sql, t.clock.now(), { name: '公告隐私' });
    await t.db.sql`
      update persons set birth_date = '1990-05-17', gender = 'female'
      where id = ${person.personId}`;
    await approved(own, { person, enterprise });
    await seedApproved(t.db.sql, {
      count: 120,
      professions: ['constructor'],
      enterprise,
      approvedAt: at('2027-01-06', '08:30'),
    });
    t.clock.set(at('2027-01-06'));
    const big = await publishAnnouncements(t.services);
    expect(big.numbers).toHaveLength(1);
    bulkNumber = big.numbers[0]!;
    bulkEntries = big.entries;
  });

  const all = async (sql: Sql) =>
    sql<{ number: string; year: number; profession: Profession }[]>`
      select number, year, profession from announcements order by published_at desc, seq desc`;

  it('lists the announcements newest first, twenty a page', async () => {
    const { t } = own;
    const every = await all(t.db.sql);
    expect(every.length).toBeGreaterThan(20);
    const first = await listAnnouncements(t.db.sql, announcementFilters.parse({}));
    expect(first.total).toBe(every.length);
    expect(first.page).toBe(1);
    expect(first.pages).toBe(Math.ceil(every.length / 20));
    expect(first.rows.map((r) => r.number)).toEqual(every.slice(0, 20).map((a) => a.number));
    expect(first.rows[0]).toMatchObject({
      number: bulkNumber,
      slug: bulkNumber.replace(/^苏建注公告〔(\d{4})〕第(\d+)号$/, '$1-$2'),
      year: 2027,
      profession: 'constructor',
      professionName: expect.any(String) as unknown,
      publishedOn: '2027-01-06',
      entryCount: bulkEntries,
    });
    for (let i = 1; i < first.rows.length; i++) {
      expect(first.rows[i - 1]!.publishedAt.getTime()).toBeGreaterThanOrEqual(
        first.rows[i]!.publishedAt.getTime(),
      );
    }
    const second = await listAnnouncements(t.db.sql, announcementFilters.parse({ page: '2' }));
    expect(second.rows.map((r) => r.number)).toEqual(every.slice(20, 40).map((a) => a.number));
    expect(first.years).toEqual([2027, 2026]);
  });

  it('filters by profession and by year', async () => {
    const { t } = own;
    const every = await all(t.db.sql);
    const architects = await listAnnouncements(
      t.db.sql,
      announcementFilters.parse({ profession: 'architect' }),
    );
    const expected = every.filter((a) => a.profession === 'architect');
    expect(expected.length).toBeGreaterThan(1);
    expect(architects.total).toBe(expected.length);
    expect(architects.rows.map((r) => r.number)).toEqual(expected.map((a) => a.number));

    const of2027 = await listAnnouncements(t.db.sql, announcementFilters.parse({ year: '2027' }));
    expect(of2027.rows.map((r) => r.number)).toEqual(
      every.filter((a) => a.year === 2027).map((a) => a.number),
    );
    expect(of2027.total).toBe(3);
    expect(of2027.rows.every((r) => r.year === 2027)).toBe(true);

    const both = await listAnnouncements(
      t.db.sql,
      announcementFilters.parse({ profession: 'architect', year: '2027' }),
    );
    expect(both.rows.map((r) => r.number)).toEqual(['苏建注公告〔2027〕第2号']);
    // What is not a filter is no filter.
    expect(announcementFilters.parse({ profession: 'astronaut', year: 'x', page: '0' })).toEqual({
      profession: undefined,
      year: undefined,
      page: 1,
    });
  });

  it('finds one announcement by its address part and by its full number, a hundred entries a page', async () => {
    const { t } = own;
    const slug = bulkNumber.replace(/^苏建注公告〔(\d{4})〕第(\d+)号$/, '$1-$2');
    const bySlug = await announcementOf(t.db.sql, slug);
    const byNumber = await announcementOf(t.db.sql, bulkNumber);
    expect(bySlug).toEqual(byNumber);
    expect(bySlug).toMatchObject({ number: bulkNumber, entryCount: bulkEntries, page: 1 });
    expect(bulkEntries).toBeGreaterThan(100);
    expect(bySlug!.pages).toBe(Math.ceil(bulkEntries / 100));
    expect(bySlug!.entries.map((e) => e.position)).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    const second = await announcementOf(t.db.sql, slug, 2);
    expect(second!.page).toBe(2);
    expect(second!.entries.map((e) => e.position)).toEqual(
      Array.from({ length: bulkEntries - 100 }, (_, i) => i + 101),
    );
    // A page past the end shows the last one.
    expect((await announcementOf(t.db.sql, slug, 99))!.page).toBe(bySlug!.pages);
    expect(await announcementOf(t.db.sql, '2027-999')).toBeUndefined();
    expect(await announcementOf(t.db.sql, 'not-a-number')).toBeUndefined();
    expect(await announcementOf(t.db.sql, '苏建注公告〔2027〕第999号')).toBeUndefined();
  });

  it('shows no ID number, birth date or phone anywhere', async () => {
    const { t } = own;
    const [particulars] = await t.db.sql<{ idNumber: string; phone: string; birth: string }[]>`
      select id_number as "idNumber", phone, to_char(birth_date, 'YYYY-MM-DD') as birth
      from persons where id = ${person.personId}`;
    const slug = bulkNumber.replace(/^苏建注公告〔(\d{4})〕第(\d+)号$/, '$1-$2');
    const pages = [
      await announcementOf(t.db.sql, slug, 1),
      await announcementOf(t.db.sql, slug, 2),
    ];
    const text = JSON.stringify(pages);
    expect(text).toContain('公告隐私');
    for (const secret of [
      particulars!.idNumber,
      particulars!.phone,
      particulars!.birth,
      '19900517',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/idNumber|birth|phone|gender/i);
    const list = JSON.stringify(await listAnnouncements(t.db.sql, announcementFilters.parse({})));
    expect(list).not.toContain(particulars!.idNumber);
  });
});
