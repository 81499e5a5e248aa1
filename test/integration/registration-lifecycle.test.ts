import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../lib/authority/index.js';
import { purgeExpiredFiles, readFileFor, sha256Hex, storeFile } from '../../lib/files/index.js';
import { runJob } from '../../lib/jobs/index.js';
import type { Sql } from '../../lib/platform/index.js';
import { addDays, NotFoundError } from '../../lib/platform/index.js';
import type { Profession } from '../../lib/reference/index.js';
import { expireRegistrations, sendRenewalReminders } from '../../lib/registrations/index.js';
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
  TINY_PDF,
} from '../support/fixtures.js';

// A registration's life after it takes effect, and the daily jobs that keep it (DESIGN.md §3,
// §5a): expiry at the end of its validity unless a renewal filed in time is still open, the
// licence its enterprise still owed voided with it; reminders to renew 90, 60 and 30 days before
// the end, once each; and the purge of the files of applications that expired unconfirmed more
// than 30 days ago. The demo data has registrations and applications of its own: each suite
// settles them first where a run's figures are counted, and otherwise looks at its own rows.

/** A moment on a business date in Nanjing. */
const at = (date: string, time = '10:00') => new Date(`${date}T${time}:00+08:00`);

let officer: string;

type Registered = {
  person: PersonFixture;
  enterprise: EnterpriseFixture;
  registrationId: string;
  number: string;
};

/** An active registration of a new person at a new enterprise, valid until `validUntil`. */
async function registered(
  s: IntegrationSuite,
  validUntil: string,
  profession: Profession = 'constructor',
): Promise<Registered> {
  const { t } = s;
  const person = await createPerson(t.db.sql, t.clock.now(), { name: '周期测试人' });
  const enterprise = await createEnterprise(t.db.sql, t.clock.now());
  const registrationId = await addRegistration(
    t.db.sql,
    t.clock.now(),
    person,
    enterprise,
    profession,
    profession === 'constructor' ? ['建筑工程'] : [],
    validUntil,
  );
  const [row] = await t.db.sql<{ number: string }[]>`
    select registration_number as number from registrations where id = ${registrationId}`;
  return { person, enterprise, registrationId, number: row!.number };
}

/**
 * A renewal of the registration, under review, that the person confirmed at `confirmedAt`
 * (its confirm event), as if it had come through the enterprise since.
 */
async function renewal(s: IntegrationSuite, reg: Registered, confirmedAt: Date): Promise<string> {
  const { t } = s;
  const id = await insertApplication(t.db.sql, confirmedAt, {
    kind: 'renewal',
    state: 'under_review',
    profession: 'constructor',
    personId: reg.person.personId,
    enterpriseId: reg.enterprise.enterpriseId,
    registrationId: reg.registrationId,
    startedAt: confirmedAt,
  });
  await t.db.sql.begin(async (tx) => {
    await tx`
      insert into application_events
        (application_id, version, action, actor_role, actor_account_id, from_state, to_state,
         occurred_at)
      values (${id}, 1, 'confirm', 'person', ${reg.person.accountId}, 'draft',
              'awaiting_enterprise', ${confirmedAt}),
             (${id}, 2, 'fixture', 'system', null, 'awaiting_enterprise', 'under_review',
              ${confirmedAt})`;
    await tx`update applications set version = 2 where id = ${id}`;
  });
  return id;
}

async function statusOf(sql: Sql, registrationId: string) {
  const [row] = await sql<{ status: string; endedAt: Date | null; validUntil: string }[]>`
    select status, ended_at as "endedAt", to_char(valid_until, 'YYYY-MM-DD') as "validUntil"
    from registrations where id = ${registrationId}`;
  return row!;
}

async function notificationsAbout(sql: Sql, registrationId: string) {
  return sql<{ accountId: string; message: string; createdAt: Date }[]>`
    select account_id as "accountId", message, created_at as "createdAt" from notifications
    where registration_id = ${registrationId} order by created_at, account_id`;
}

async function lastRun(sql: Sql, job: string) {
  const [run] = await sql<
    { outcome: string; rowsAffected: number; detail: Record<string, unknown> }[]
  >`
    select outcome, rows_affected as "rowsAffected", detail from job_runs
    where job = ${job} order by id desc limit 1`;
  return run!;
}

describe('registration expiry', () => {
  const suite = integrationSuite({ clock: '2026-12-10T00:05:00+08:00' });

  beforeAll(async () => {
    officer = await officerAccountId(suite.t.db.sql);
    // The demo data's registrations that have run out by then expire first, so that the runs
    // below count only this suite's.
    await expireRegistrations(suite.t.db.sql, at('2026-12-10', '00:05'));
  });

  /** An open licence item (rule 12) on a completed initial application of the registration. */
  async function licenceItemFor(reg: Registered): Promise<string> {
    const sql = suite.t.db.sql;
    const applicationId = await insertApplication(sql, at('2024-01-01'), {
      kind: 'initial',
      state: 'completed',
      profession: 'constructor',
      personId: reg.person.personId,
      enterpriseId: reg.enterprise.enterpriseId,
      registrationId: reg.registrationId,
      startedAt: at('2023-12-01'),
    });
    const [item] = await sql<{ id: string }[]>`
      insert into correction_items
        (application_id, addressed_to, what, why, blocks_review, opened_at, asks)
      values (${applicationId}, 'enterprise', '企业资质类别及证书编号', '确认时选择了“暂无”',
              false, ${at('2023-12-20')}, 'licence')
      returning id`;
    return item!.id;
  }

  async function itemOf(id: string) {
    const [row] = await suite.t.db.sql<{ closedAt: Date | null; supplied: unknown }[]>`
      select closed_at as "closedAt", supplied from correction_items where id = ${id}`;
    return row!;
  }

  it('expires one that ended yesterday, not one that ends today, voids its licence item, audits it and tells both parties', async () => {
    const { t } = suite;
    const sql = t.db.sql;
    t.clock.set(at('2026-12-09'));
    const ended = await registered(suite, '2026-12-09');
    const lastDay = await registered(suite, '2026-12-10');
    const endedItem = await licenceItemFor(ended);
    const lastDayItem = await licenceItemFor(lastDay);

    const runAt = at('2026-12-10', '00:05');
    t.clock.set(runAt);
    expect((await runJob(t.services, 'registration-expiry')).outcome).toBe('ok');
    expect(await lastRun(sql, 'registration-expiry')).toEqual({
      outcome: 'ok',
      rowsAffected: 1,
      detail: { expired: 1, voided: 1 },
    });

    expect(await statusOf(sql, ended.registrationId)).toEqual({
      status: 'expired',
      endedAt: runAt,
      validUntil: '2026-12-09',
    });
    expect((await statusOf(sql, lastDay.registrationId)).status).toBe('active');

    const audits = await sql<{ subjectType: string; detail: unknown; occurredAt: Date }[]>`
      select subject_type as "subjectType", detail, occurred_at as "occurredAt"
      from audit_events where action = 'registration.expired'
        and subject_id = ${ended.registrationId}`;
    expect(audits).toEqual([
      {
        subjectType: 'registration',
        detail: { registrationNumber: ended.number, validUntil: '2026-12-09' },
        occurredAt: runAt,
      },
    ]);
    const told = await notificationsAbout(sql, ended.registrationId);
    expect(told.map((n) => n.accountId).sort()).toEqual(
      [ended.person.accountId, ended.enterprise.accountId].sort(),
    );
    for (const n of told) {
      expect(n.message).toContain(ended.number);
      expect(n.message).toContain('2026-12-09');
      expect(n.createdAt).toEqual(runAt);
    }
    expect(await notificationsAbout(sql, lastDay.registrationId)).toEqual([]);

    const voided = await itemOf(endedItem);
    expect(voided.closedAt).toEqual(runAt);
    expect(voided.supplied).toEqual({ voided: expect.any(String) as unknown });
    expect((await itemOf(lastDayItem)).closedAt).toBeNull();

    // Run again: nothing more changes.
    t.clock.set(at('2026-12-10', '00:10'));
    expect((await runJob(t.services, 'registration-expiry')).outcome).toBe('ok');
    expect(await lastRun(sql, 'registration-expiry')).toMatchObject({
      rowsAffected: 0,
      detail: { expired: 0, voided: 0 },
    });
    expect((await statusOf(sql, ended.registrationId)).endedAt).toEqual(runAt);
    expect(await notificationsAbout(sql, ended.registrationId)).toHaveLength(2);
    const [{ n } = { n: -1 }] = await sql<{ n: number }[]>`
      select count(*)::int as n from audit_events
      where action = 'registration.expired' and subject_id = ${ended.registrationId}`;
    expect(n).toBe(1);

    // The one that ended on the 10th expires on the 11th, its licence item with it.
    t.clock.set(at('2026-12-11', '00:05'));
    await expireRegistrations(sql, t.clock.now());
    expect((await statusOf(sql, lastDay.registrationId)).status).toBe('expired');
    expect((await itemOf(lastDayItem)).closedAt).toEqual(at('2026-12-11', '00:05'));
  });

  it('keeps one whose renewal was confirmed by its end date while that renewal is open, and expires it once the renewal is withdrawn or refused', async () => {
    const { t } = suite;
    const sql = t.db.sql;
    t.clock.set(at('2026-12-01'));
    const withdrawn = await registered(suite, '2026-12-12');
    const refused = await registered(suite, '2026-12-12');
    const late = await registered(suite, '2026-12-12');
    // Confirmed late in the evening of the last day (Nanjing time) and well before it.
    const withdrawnRenewal = await renewal(suite, withdrawn, at('2026-12-12', '23:30'));
    const refusedRenewal = await renewal(suite, refused, at('2026-12-01'));
    // Just after midnight in Nanjing on the day after: still the end date in UTC, but too late.
    const lateConfirmed = at('2026-12-13', '00:30');
    expect(lateConfirmed.toISOString().slice(0, 10)).toBe('2026-12-12');
    await renewal(suite, late, lateConfirmed);

    t.clock.set(at('2026-12-13', '00:45'));
    await expireRegistrations(sql, t.clock.now());
    expect((await statusOf(sql, withdrawn.registrationId)).status).toBe('active');
    expect((await statusOf(sql, refused.registrationId)).status).toBe('active');
    expect((await statusOf(sql, late.registrationId)).status).toBe('expired');

    // A week past the end, still open: still in force.
    t.clock.set(at('2026-12-20', '00:05'));
    await expireRegistrations(sql, t.clock.now());
    expect((await statusOf(sql, withdrawn.registrationId)).status).toBe('active');
    expect((await statusOf(sql, refused.registrationId)).status).toBe('active');

    t.clock.set(at('2026-12-21'));
    await transition(t.services, {
      applicationId: withdrawnRenewal,
      action: 'withdraw',
      actor: { role: 'person', accountId: withdrawn.person.accountId },
    });
    await transition(t.services, {
      applicationId: refusedRenewal,
      action: 'refuse',
      actor: { role: 'officer', accountId: officer },
      reason: '继续教育学时不足',
    });
    t.clock.set(at('2026-12-22', '00:05'));
    await expireRegistrations(sql, t.clock.now());
    expect(await statusOf(sql, withdrawn.registrationId)).toEqual({
      status: 'expired',
      endedAt: at('2026-12-22', '00:05'),
      validUntil: '2026-12-12',
    });
    expect((await statusOf(sql, refused.registrationId)).status).toBe('expired');
  });
});

describe('renewal reminders', () => {
  const suite = integrationSuite({ clock: '2027-01-04T08:00:00+08:00' });
  const T = '2027-01-04';

  beforeAll(async () => {
    officer = await officerAccountId(suite.t.db.sql);
  });

  async function remindersOf(registrationId: string) {
    return suite.t.db.sql<{ validUntil: string; daysBefore: number }[]>`
      select to_char(valid_until, 'YYYY-MM-DD') as "validUntil", days_before as "daysBefore"
      from renewal_reminders where registration_id = ${registrationId}
      order by valid_until, days_before desc`;
  }

  const remind = (on: string, time = '08:00') => {
    suite.t.clock.set(at(on, time));
    return sendRenewalReminders(suite.t.db.sql, suite.t.clock.now(), suite.t.services.rules);
  };

  it('reminds the person and the enterprise at 90 days once, and again at 60', async () => {
    const { t } = suite;
    const sql = t.db.sql;
    t.clock.set(at('2027-01-01'));
    const reg = await registered(suite, addDays(T, 90));

    const runAt = at(T, '08:00');
    t.clock.set(runAt);
    expect((await runJob(t.services, 'renewal-reminders')).outcome).toBe('ok');
    const [sent] = await sql<{ n: number }[]>`
      select count(distinct registration_id)::int as n from renewal_reminders
      where sent_at = ${runAt}`;
    expect(await lastRun(sql, 'renewal-reminders')).toEqual({
      outcome: 'ok',
      rowsAffected: sent!.n,
      detail: { reminded: sent!.n },
    });
    expect(await remindersOf(reg.registrationId)).toEqual([
      { validUntil: addDays(T, 90), daysBefore: 90 },
    ]);
    const told = await notificationsAbout(sql, reg.registrationId);
    expect(told.map((n) => n.accountId).sort()).toEqual(
      [reg.person.accountId, reg.enterprise.accountId].sort(),
    );
    for (const n of told) {
      expect(n.message).toContain(reg.number);
      expect(n.message).toContain('还有90天');
      // The last day to file a renewal: 30 days before the end (RENEWAL_WINDOW_CLOSES_DAYS).
      expect(n.message).toContain(`${addDays(T, 60)}前（含当日）`);
    }
    expect(told.find((n) => n.accountId === reg.person.accountId)?.message).toMatch(/^您的/);

    // The same day again, and the next day: nothing more.
    await remind(T, '15:00');
    await remind(addDays(T, 1));
    expect(await remindersOf(reg.registrationId)).toHaveLength(1);
    expect(await notificationsAbout(sql, reg.registrationId)).toHaveLength(2);

    // 60 days before: the second reminder.
    await remind(addDays(T, 30));
    expect(await remindersOf(reg.registrationId)).toEqual([
      { validUntil: addDays(T, 90), daysBefore: 90 },
      { validUntil: addDays(T, 90), daysBefore: 60 },
    ]);
    const now = await notificationsAbout(sql, reg.registrationId);
    expect(now).toHaveLength(4);
    expect(now.slice(2).every((n) => n.message.includes('还有60天'))).toBe(true);
  });

  it('marks every threshold passed for a registration first seen at 25 days, but tells each party once', async () => {
    const { t } = suite;
    const sql = t.db.sql;
    const day = '2027-02-10';
    t.clock.set(at('2027-02-01'));
    const reg = await registered(suite, addDays(day, 25));
    await remind(day);
    expect((await remindersOf(reg.registrationId)).map((r) => r.daysBefore)).toEqual([90, 60, 30]);
    const told = await notificationsAbout(sql, reg.registrationId);
    expect(told.map((n) => n.accountId).sort()).toEqual(
      [reg.person.accountId, reg.enterprise.accountId].sort(),
    );
    expect(told.every((n) => n.message.includes('还有25天'))).toBe(true);
    // Too late to file a renewal now: the reminder says so rather than naming a past last day.
    expect(told.every((n) => n.message.includes('延续注册的申请期限已过'))).toBe(true);
    await remind(addDays(day, 1));
    expect(await notificationsAbout(sql, reg.registrationId)).toHaveLength(2);
  });

  it('reminds none whose renewal is already open', async () => {
    const { t } = suite;
    const day = '2027-03-01';
    t.clock.set(at('2027-02-20'));
    const reg = await registered(suite, addDays(day, 50));
    await renewal(suite, reg, at('2027-02-25'));
    await remind(day);
    expect(await remindersOf(reg.registrationId)).toEqual([]);
    expect(await notificationsAbout(t.db.sql, reg.registrationId)).toEqual([]);
  });

  it('applies the thresholds again to the new end once a renewal has extended the validity', async () => {
    const { t } = suite;
    const sql = t.db.sql;
    const day = '2027-04-01';
    t.clock.set(at('2027-03-20'));
    const oldEnd = addDays(day, 90);
    const reg = await registered(suite, oldEnd);
    await remind(day);
    expect(await remindersOf(reg.registrationId)).toEqual([{ validUntil: oldEnd, daysBefore: 90 }]);

    const renewalId = await renewal(suite, reg, at('2027-04-02'));
    t.clock.set(at('2027-04-10'));
    await decide(t.services, {
      applicationId: renewalId,
      officerAccountId: officer,
      choice: 'approve',
      reasonCodes: [],
      note: '',
    });
    const newEnd = (await statusOf(sql, reg.registrationId)).validUntil;
    expect(newEnd > oldEnd).toBe(true);

    // The old end's 60-day mark passes without a word; the new end's 90-day mark reminds.
    await remind(addDays(day, 30));
    expect(await notificationsAbout(sql, reg.registrationId)).toHaveLength(2);
    await remind(addDays(newEnd, -90));
    expect(await remindersOf(reg.registrationId)).toEqual([
      { validUntil: oldEnd, daysBefore: 90 },
      { validUntil: newEnd, daysBefore: 90 },
    ]);
    const told = await notificationsAbout(sql, reg.registrationId);
    expect(told).toHaveLength(4);
    expect(told.slice(2).every((n) => n.message.includes(newEnd))).toBe(true);
  });
});

describe('file purge', () => {
  const suite = integrationSuite({ clock: '2026-12-20T02:30:00+08:00' });
  const runAt = at('2026-12-20', '02:30');

  beforeAll(async () => {
    // The demo data's applications due for the purge go first, so the run below counts only ours.
    await purgeExpiredFiles(suite.t.db.sql, suite.t.services.fileStore, runAt);
  });

  async function upload(owner: PersonFixture, bytes: Buffer, name: string): Promise<string> {
    const { t } = suite;
    return storeFile(t.db.sql, t.services.fileStore, {
      bytes,
      contentType: 'application/pdf',
      originalName: name,
      ownerAccountId: owner.accountId,
      at: at('2026-11-15'),
    });
  }

  const uniqueBytes = () => Buffer.concat([TINY_PDF, randomBytes(16)]);

  async function expiredApplication(
    person: PersonFixture,
    enterprise: EnterpriseFixture,
    expiredAt: Date,
    uploads: Record<string, string>,
    profession: Profession = 'constructor',
  ): Promise<string> {
    return insertApplication(suite.t.db.sql, expiredAt, {
      kind: 'initial',
      state: 'expired',
      profession,
      personId: person.personId,
      enterpriseId: enterprise.enterpriseId,
      draft: { specialties: ['建筑工程'], uploads, person: { photoFileId: person.fileId } },
      startedAt: expiredAt,
    });
  }

  async function fileRow(id: string) {
    const [row] = await suite.t.db.sql<{ sha256: string; purgedAt: Date | null }[]>`
      select sha256, purged_at as "purgedAt" from files where id = ${id}`;
    return row!;
  }

  async function purgedAtOf(applicationId: string) {
    const [row] = await suite.t.db.sql<{ purgedAt: Date | null }[]>`
      select files_purged_at as "purgedAt" from applications where id = ${applicationId}`;
    return row!.purgedAt;
  }

  it('purges the files of an application expired more than 30 days ago, keeping what is still referred to or shared', async () => {
    const { t } = suite;
    const sql = t.db.sql;
    const store = t.services.fileStore;
    t.clock.set(at('2026-11-15'));
    const enterprise = await createEnterprise(sql, t.clock.now());
    const person = await createPerson(sql, t.clock.now());
    const other = await createPerson(sql, t.clock.now());

    const unique = await upload(person, uniqueBytes(), '劳动合同.pdf');
    const sharedBytes = uniqueBytes();
    const shared = await upload(person, sharedBytes, '学历证书.pdf');
    const othersCopy = await upload(other, sharedBytes, '学历证书.pdf');
    const stillUsedBytes = uniqueBytes();
    const stillUsed = await upload(person, stillUsedBytes, '身份证.pdf');

    // Expired late on 11-19 in Nanjing: 31 days before the run.
    const due = await expiredApplication(person, enterprise, at('2026-11-19', '23:30'), {
      contract: unique,
      diploma: shared,
      idCard: stillUsed,
    });
    // The person's application in another profession still lists the ID card.
    await insertApplication(sql, at('2026-12-01'), {
      kind: 'initial',
      state: 'draft',
      profession: 'cost_engineer',
      personId: person.personId,
      enterpriseId: enterprise.enterpriseId,
      draft: { uploads: { idCard: stillUsed } },
    });
    // 29 days before, and 30 days before by Nanjing's date (just after midnight there, still the
    // 19th in UTC): both wait.
    const recentPerson = await createPerson(sql, t.clock.now());
    const recentFile = await upload(recentPerson, uniqueBytes(), '劳动合同.pdf');
    const recent = await expiredApplication(recentPerson, enterprise, at('2026-11-21'), {
      contract: recentFile,
    });
    const boundaryPerson = await createPerson(sql, t.clock.now());
    const boundaryFile = await upload(boundaryPerson, uniqueBytes(), '劳动合同.pdf');
    const boundaryExpiry = at('2026-11-20', '00:30');
    expect(boundaryExpiry.toISOString().slice(0, 10)).toBe('2026-11-19');
    const boundary = await expiredApplication(boundaryPerson, enterprise, boundaryExpiry, {
      contract: boundaryFile,
    });

    const uniqueSha = (await fileRow(unique)).sha256;
    expect(await store.has(uniqueSha)).toBe(true);

    t.clock.set(runAt);
    expect((await runJob(t.services, 'file-purge')).outcome).toBe('ok');
    expect(await lastRun(sql, 'file-purge')).toEqual({
      outcome: 'ok',
      rowsAffected: 2,
      detail: { applications: 1, files: 2, contents: 1 },
    });

    // (a) Bytes no one else holds: the row is marked and the bytes leave the store.
    expect((await fileRow(unique)).purgedAt).toEqual(runAt);
    expect(await store.has(uniqueSha)).toBe(false);
    // (b) Bytes another person's file holds too: the row is marked, the bytes stay.
    expect((await fileRow(shared)).purgedAt).toEqual(runAt);
    expect((await fileRow(othersCopy)).purgedAt).toBeNull();
    expect(await store.has(sha256Hex(sharedBytes))).toBe(true);
    // (c) A file another of the person's applications lists, and the profile photo: kept.
    expect((await fileRow(stillUsed)).purgedAt).toBeNull();
    expect(await store.has(sha256Hex(stillUsedBytes))).toBe(true);
    expect((await fileRow(person.fileId!)).purgedAt).toBeNull();
    // Not yet due.
    expect((await fileRow(recentFile)).purgedAt).toBeNull();
    expect((await fileRow(boundaryFile)).purgedAt).toBeNull();
    expect(await purgedAtOf(recent)).toBeNull();
    expect(await purgedAtOf(boundary)).toBeNull();
    expect(await purgedAtOf(due)).toEqual(runAt);

    // A purged file is not found, even for its owner; a kept one still reads.
    for (const id of [unique, shared]) {
      await expect(readFileFor(sql, store, id, person.accountId)).rejects.toBeInstanceOf(
        NotFoundError,
      );
    }
    const kept = await readFileFor(sql, store, stillUsed, person.accountId);
    expect(kept.bytes.equals(stillUsedBytes)).toBe(true);
    expect((await readFileFor(sql, store, othersCopy, other.accountId)).bytes).toEqual(sharedBytes);

    // Again the same morning: nothing to do, and the application keeps its first mark.
    t.clock.set(at('2026-12-20', '03:30'));
    expect((await runJob(t.services, 'file-purge')).outcome).toBe('ok');
    expect(await lastRun(sql, 'file-purge')).toEqual({
      outcome: 'ok',
      rowsAffected: 0,
      detail: { applications: 0, files: 0, contents: 0 },
    });
    expect(await purgedAtOf(due)).toEqual(runAt);
    expect((await fileRow(shared)).purgedAt).toEqual(runAt);

    // The next day the one that expired on 11-20 (Nanjing) is 31 days old and goes.
    const nextDay = at('2026-12-21', '02:30');
    await purgeExpiredFiles(sql, store, nextDay);
    expect(await purgedAtOf(boundary)).toEqual(nextDay);
    expect((await fileRow(boundaryFile)).purgedAt).toEqual(nextDay);
    expect(await purgedAtOf(recent)).toBeNull();
  });
});
