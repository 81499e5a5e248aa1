import { randomInt } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { QueueRow } from '../../lib/authority/index.js';
import {
  acceptApplication,
  assignApplication,
  claimApplication,
  normaliseSearch,
  queueForm,
  queuePage,
  reasonEditForm,
  reasonsOf,
  saveReason,
} from '../../lib/authority/index.js';
import type { Calendar } from '../../lib/calendar/index.js';
import { loadCalendar, workingDay, workingDaysBetween } from '../../lib/calendar/index.js';
import {
  isOverdue,
  requestCorrections,
  sendReplyReminders,
  supplyItem,
} from '../../lib/corrections/index.js';
import { idNumberCheckCharacter } from '../../lib/identity/index.js';
import { addDays, ConflictError, NotFoundError } from '../../lib/platform/index.js';
import type { Profession } from '../../lib/reference/index.js';
import type { ApplicationKind, State } from '../../lib/workflow/index.js';
import { integrationSuite } from '../support/app.js';
import type { EnterpriseFixture, PersonFixture } from '../support/fixtures.js';
import {
  createEnterprise,
  createPerson,
  insertApplication,
  NOW,
  officerAccountId,
} from '../support/fixtures.js';

// The officers' queue and what feeds it (lib/authority, lib/corrections/requests.ts): filters,
// the normalised search, keyset pages over a changing queue, the urgency tags, claims and
// assignment, the reply deadline's reminders and the reason catalogue. NOW is Wednesday
// 2026-11-25 in Nanjing; the 2026 schedule is published, so late November is plain weekdays.

const suite = integrationSuite({ clock: NOW });
const sql = () => suite.t.db.sql;
const at = (date: string) => new Date(`${date}T10:00:00+08:00`);

let officerA: string; // the first demo staff account
let officerAName: string;
let officerB: string; // a second officer made here
let admin: string; // 陈立 (guanli01)
let calendar: Calendar;

beforeAll(async () => {
  officerA = await officerAccountId(sql());
  const [row] = await sql()<{ id: string }[]>`
    select a.id from accounts a join staff s on s.account_id = a.id where a.login_id = 'guanli01'`;
  admin = row!.id;
  const [a] = await sql()<
    { name: string }[]
  >`select name from staff where account_id = ${officerA}`;
  officerAName = a!.name;
  const [b] = await sql()<{ id: string }[]>`
    insert into accounts (kind, login_id, display_name, password_hash, created_at)
    values ('staff', 'queue-test-officer-b', '吴刚', '$argon2id$fixture-not-a-hash', ${NOW})
    returning id`;
  officerB = b!.id;
  await sql()`insert into staff (account_id, name, role) values (${officerB}, '吴刚', 'officer')`;
  calendar = await loadCalendar(sql());
});

let serial = 900_000;

type Queued = {
  id: string;
  number: string;
  person: PersonFixture;
  enterprise: EnterpriseFixture;
};

/** An application with the authority, as the fixtures put it there plus the queue's columns. */
async function queued(values: {
  state: State;
  submittedAt: string;
  /** Added to submittedAt in SQL (a bound timestamp keeps only milliseconds). */
  microseconds?: number;
  kind?: ApplicationKind;
  profession?: Profession;
  deadline?: string;
  provisional?: boolean;
  officer?: string;
  personName?: string;
  enterpriseName?: string;
}): Promise<Queued> {
  const person = await createPerson(sql(), NOW, { name: values.personName ?? '队列人员' });
  const enterprise = await createEnterprise(
    sql(),
    NOW,
    values.enterpriseName ? { name: values.enterpriseName } : {},
  );
  const id = await insertApplication(sql(), NOW, {
    kind: values.kind ?? 'initial',
    state: values.state,
    profession: values.profession ?? 'constructor',
    personId: person.personId,
    enterpriseId: enterprise.enterpriseId,
  });
  serial += 1;
  const number = `SQ20261125${serial}`;
  await sql()`
    update applications
    set application_number = ${number},
        submitted_at = ${values.submittedAt}::timestamptz
          + ${values.microseconds ?? 0} * interval '1 microsecond',
        deadline = ${values.deadline ?? null}::date,
        deadline_provisional = ${values.deadline ? (values.provisional ?? false) : null},
        assigned_officer_id = ${values.officer ?? null}
    where id = ${id}`;
  return { id, number, person, enterprise };
}

/** Takes everything out of the queue, so a section's totals count only its own rows. */
async function emptyQueue() {
  await sql().begin(async (tx) => {
    const moved = await tx<{ id: string; version: number; from: string }[]>`
      update applications a set state = 'withdrawn', version = a.version + 1
      from applications old
      where old.id = a.id and a.state in ('submitted', 'under_review', 'correction_requested')
      returning a.id, a.version, old.state as from`;
    for (const app of moved) {
      await tx`
        insert into application_events
          (application_id, version, action, actor_role, from_state, to_state, occurred_at)
        values (${app.id}, ${app.version}, 'fixture', 'system', ${app.from}, 'withdrawn', ${NOW})`;
    }
  });
}

async function page(
  query: Record<string, string> = {},
  options: { viewer?: string; pageSize?: number; now?: Date } = {},
) {
  return queuePage(
    sql(),
    calendar,
    queueForm.parse(query),
    { accountId: options.viewer ?? officerA },
    options.now ?? suite.t.clock.now(),
    options.pageSize,
  );
}

const numbers = (rows: QueueRow[]) => rows.map((r) => r.applicationNumber);

/** Every page of a filter, `between` run after each page but the last. */
async function walk(
  query: Record<string, string>,
  pageSize: number,
  between: (pageIndex: number) => Promise<void> = async () => {},
) {
  const seen: string[] = [];
  const totals: number[] = [];
  let after: string | undefined;
  for (let i = 0; i < 50; i++) {
    const result: Awaited<ReturnType<typeof queuePage>> = await page(
      { ...query, ...(after ? { after } : {}) },
      { pageSize },
    );
    seen.push(...numbers(result.rows));
    totals.push(result.total);
    if (!result.next) return { seen, totals, ended: true };
    await between(i);
    after = result.next;
  }
  return { seen, totals, ended: false };
}

const auditsOf = (subjectId: string, action: string) =>
  sql()<{ actor_account_id: string | null; detail: Record<string, unknown> }[]>`
    select actor_account_id, detail from audit_events
    where subject_id = ${subjectId} and action = ${action} order by id`;

const assignedOf = async (id: string) =>
  (
    await sql()<{ officer: string | null }[]>`
    select assigned_officer_id as officer from applications where id = ${id}`
  )[0]!.officer;

describe('the queue over the demo data', () => {
  it('knows when the demo data’s application waiting for acceptance arrived, so every page can reach it', async () => {
    // Run first, on the database as the template seeds it (later sections empty the queue).
    const unarrived = await sql()<{ number: string }[]>`
      select application_number as number from applications
      where state in ('submitted', 'under_review', 'correction_requested')
        and submitted_at is null`;
    const mine = await queued({ state: 'submitted', submittedAt: '2026-11-02T09:00:00+08:00' });
    const { seen, totals } = await walk({}, 1);
    expect(seen).toHaveLength(totals[0]!);
    expect(seen).toContain(mine.number);
    expect(unarrived).toEqual([]);
  });
});

describe('the queue’s filters', () => {
  let rows: Record<'a1' | 'a2' | 'a3' | 'a4' | 'a5' | 'a7' | 'a8' | 'a9', Queued>;

  beforeAll(async () => {
    suite.t.clock.set(NOW);
    await emptyQueue();
    // The demo's decisions are dated in working days before the day it was seeded: on some days
    // of the year one of them falls on NOW's day. Moved off it, the tab holds this section's only.
    await sql()`
      update decisions set decided_at = decided_at - interval '100 days'
      where decided_at >= '2026-11-25T00:00:00+08:00' and decided_at < '2026-11-26T00:00:00+08:00'`;
    rows = {
      a1: await queued({
        state: 'submitted',
        kind: 'initial',
        profession: 'architect',
        submittedAt: '2026-11-20T09:00:00+08:00',
      }),
      a2: await queued({
        state: 'submitted',
        kind: 'renewal',
        profession: 'constructor',
        submittedAt: '2026-11-23T09:00:00+08:00',
        officer: officerB,
      }),
      a3: await queued({
        state: 'under_review',
        kind: 'renewal',
        profession: 'architect',
        submittedAt: '2026-11-02T09:00:00+08:00',
        deadline: '2026-12-10',
        officer: officerA,
      }),
      a4: await queued({
        state: 'under_review',
        kind: 'initial',
        profession: 'constructor',
        submittedAt: '2026-11-03T09:00:00+08:00',
        deadline: '2027-01-05',
        provisional: true,
        officer: officerA,
      }),
      a5: await queued({
        state: 'correction_requested',
        kind: 'additional',
        profession: 'cost_engineer',
        submittedAt: '2026-11-04T09:00:00+08:00',
        deadline: '2026-12-15',
      }),
      // Decided: today (in 今日已决定 only) and yesterday (nowhere).
      a7: await queued({
        state: 'refused',
        kind: 'initial',
        profession: 'architect',
        submittedAt: '2026-11-05T09:00:00+08:00',
        deadline: '2026-12-03',
        officer: officerA,
      }),
      a8: await queued({
        state: 'approved',
        kind: 'initial',
        profession: 'constructor',
        submittedAt: '2026-11-06T09:00:00+08:00',
        deadline: '2026-12-04',
        officer: officerB,
      }),
      // Decided tomorrow, as the clock stands (the demo data's decisions are dated when the
      // template was seeded, after NOW, too): not today's either.
      a9: await queued({
        state: 'approved',
        kind: 'initial',
        profession: 'architect',
        submittedAt: '2026-11-07T09:00:00+08:00',
        deadline: '2026-12-07',
        officer: officerA,
      }),
    };
    const decision = (app: Queued, kind: string, decidedAt: string, n: number) => sql()`
      insert into decisions (application_id, kind, number, decided_at, officer_account_id, facts)
      values (${app.id}, ${kind}, ${`测试决定〔2026〕第${n}号`}, ${decidedAt}::timestamptz,
              ${officerA}, ${sql().json({})})`;
    await decision(rows.a7, 'refusal', '2026-11-25T09:00:00+08:00', 1);
    await decision(rows.a8, 'approval', '2026-11-24T23:59:00+08:00', 2);
    await decision(rows.a9, 'approval', '2026-11-26T00:00:00+08:00', 3);
    // Not with the authority at all.
    await queued({ state: 'withdrawn', submittedAt: '2026-11-01T09:00:00+08:00' });
  });

  const expectPage = async (query: Record<string, string>, expected: Queued[], viewer?: string) => {
    const result = await page(query, { viewer });
    expect(numbers(result.rows)).toEqual(expected.map((r) => r.number));
    expect(result.total).toBe(expected.length);
    expect(result.next).toBeNull();
  };

  it('shows every tab: all that is with the authority, each state, and what was decided today', async () => {
    const { a1, a2, a3, a4, a5, a7 } = rows;
    await expectPage({}, [a1, a2, a3, a5, a4]);
    await expectPage({ tab: 'all' }, [a1, a2, a3, a5, a4]);
    await expectPage({ tab: 'submitted' }, [a1, a2]);
    await expectPage({ tab: 'under_review' }, [a3, a4]);
    await expectPage({ tab: 'correction_requested' }, [a5]);
    await expectPage({ tab: 'decided_today' }, [a7]);
    const [today] = (await page({ tab: 'decided_today' })).rows;
    expect(today).toMatchObject({ state: 'refused', decisionKind: 'refusal' });
    expect(today!.decidedAt).toEqual(new Date('2026-11-25T09:00:00+08:00'));
    // A tab that is not one starts from all.
    await expectPage({ tab: 'approved' }, [a1, a2, a3, a5, a4]);
  });

  it('narrows by profession and by kind, alone and together with a tab', async () => {
    const { a1, a2, a3, a4, a5 } = rows;
    await expectPage({ profession: 'architect' }, [a1, a3]);
    await expectPage({ profession: 'constructor' }, [a2, a4]);
    await expectPage({ profession: 'cost_engineer' }, [a5]);
    await expectPage({ kind: 'renewal' }, [a2, a3]);
    await expectPage({ kind: 'initial' }, [a1, a4]);
    await expectPage({ kind: 'additional' }, [a5]);
    await expectPage({ kind: 'renewal', tab: 'under_review' }, [a3]);
    await expectPage({ profession: 'architect', tab: 'decided_today' }, [rows.a7]);
    await expectPage({ profession: 'constructor', tab: 'decided_today' }, []);
    // Values that are not a profession or a kind are ignored.
    await expectPage({ profession: 'plumber', kind: 'nonsense' }, [a1, a2, a3, a5, a4]);
  });

  it('narrows by officer: an id, none for unassigned, me for the viewer', async () => {
    const { a1, a2, a3, a4, a5 } = rows;
    await expectPage({ officer: officerB }, [a2]);
    await expectPage({ officer: officerA }, [a3, a4]);
    await expectPage({ officer: 'none' }, [a1, a5]);
    await expectPage({ officer: 'me' }, [a3, a4], officerA);
    await expectPage({ officer: 'me' }, [a2], officerB);
    await expectPage({ officer: 'me' }, [], admin);
    await expectPage({ officer: 'me', tab: 'under_review' }, [a3, a4], officerA);
    const [mine] = (await page({ officer: officerA })).rows;
    expect(mine).toMatchObject({ officerName: officerAName, assignedOfficerId: officerA });
  });

  it('narrows to provisional deadlines with provisional=yes', async () => {
    const { a1, a2, a3, a4, a5 } = rows;
    await expectPage({ provisional: 'yes' }, [a4]);
    await expectPage({ provisional: 'yes', tab: 'submitted' }, []);
    await expectPage({ provisional: 'no' }, [a1, a2, a3, a5, a4]);
    const [row] = (await page({ provisional: 'yes' })).rows;
    expect(row).toMatchObject({ deadline: '2027-01-05', deadlineProvisional: true });
  });
});

/** A valid ID number whose check character is X. */
function idNumberEndingInX(): string {
  for (;;) {
    const first17 = `3201021990${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
    if (idNumberCheckCharacter(first17) === 'X') return `${first17}X`;
  }
}

const fullWidth = (text: string) =>
  text.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe('the queue’s normalised search', () => {
  it('normalises what is typed as the records spell it', () => {
    expect(normaliseSearch('３２０１ 0219900307 123x')).toBe('32010219900307123X');
    expect(normaliseSearch('（集团）')).toBe('(集团)');
    expect(normaliseSearch('(集团)')).toBe('(集团)');
    expect(normaliseSearch('ｓｑ２０２６　１１２５')).toBe('SQ20261125');
    expect(normaliseSearch('  欧阳 ')).toBe('欧阳');
  });

  let byId: Queued;
  let group: Queued;
  let union: Queued;
  let ouyang: Queued;
  let idNumber: string;

  beforeAll(async () => {
    suite.t.clock.set(NOW);
    byId = await queued({
      state: 'submitted',
      submittedAt: '2026-11-10T09:00:00+08:00',
      personName: '欧阳明华',
    });
    idNumber = idNumberEndingInX();
    await sql()`update persons set id_number = ${idNumber} where id = ${byId.person.personId}`;
    await sql()`update accounts set login_id = ${idNumber} where id = ${byId.person.accountId}`;
    group = await queued({
      state: 'under_review',
      submittedAt: '2026-11-11T09:00:00+08:00',
      deadline: '2026-12-09',
      personName: '司马青',
      enterpriseName: '南京某某建设（集团）有限公司',
    });
    union = await queued({
      state: 'correction_requested',
      submittedAt: '2026-11-12T09:00:00+08:00',
      personName: '诸葛亮亮',
      enterpriseName: '苏州(联合)工程咨询有限公司',
    });
    ouyang = await queued({
      state: 'submitted',
      submittedAt: '2026-11-13T09:00:00+08:00',
      personName: '欧阳锋',
    });
  });

  const found = async (q: string) => numbers((await page({ q })).rows);

  it('finds an application by its number, however it is typed', async () => {
    expect(await found(group.number)).toEqual([group.number]);
    expect(await found(fullWidth(group.number.toLowerCase()))).toEqual([group.number]);
    expect(await found(`${group.number.slice(0, 8)} ${group.number.slice(8)}`)).toEqual([
      group.number,
    ]);
    expect(await found('SQ20261125000000')).toEqual([]);
  });

  it('finds a person by ID number typed with full-width digits, spaces and a lower-case x', async () => {
    const typed = `${fullWidth(idNumber.slice(0, 4))} ${idNumber.slice(4, 14)} ${idNumber.slice(14, 17)}x`;
    expect(typed).not.toBe(idNumber);
    expect(await found(typed)).toEqual([byId.number]);
    expect(await found(idNumber)).toEqual([byId.number]);
    // Only the whole number: a part of it finds nothing.
    expect(await found(idNumber.slice(0, 10))).toEqual([]);
  });

  it('finds an enterprise by its credit code', async () => {
    const code = union.enterprise.creditCode;
    expect(await found(code)).toEqual([union.number]);
    expect(await found(` ${code.slice(0, 9)} ${code.slice(9).toLowerCase()}`)).toEqual([
      union.number,
    ]);
  });

  it('finds the start of a person’s name, not its middle', async () => {
    expect(await found('欧阳')).toEqual([byId.number, ouyang.number]);
    expect(await found('欧阳锋')).toEqual([ouyang.number]);
    expect(await found('明华')).toEqual([]);
    expect((await page({ q: '欧阳' })).total).toBe(2);
  });

  it('finds part of an enterprise’s name with its brackets typed either width', async () => {
    expect(await found('(集团)')).toEqual([group.number]);
    expect(await found('（集团）')).toEqual([group.number]);
    expect(await found('某某建设')).toEqual([group.number]);
    expect(await found('（联合）')).toEqual([union.number]);
    expect(await found('(联合)工程')).toEqual([union.number]);
    expect(await found('有限公司(集团)')).toEqual([]);
  });
});

describe('the queue’s order and keyset pages', () => {
  let k: Record<string, Queued>;
  let expected: string[];

  beforeAll(async () => {
    suite.t.clock.set(NOW);
    await emptyQueue();
    k = {
      k1: await queued({
        state: 'under_review',
        submittedAt: '2026-11-01T00:00:00Z',
        deadline: '2026-12-01',
      }),
      k2: await queued({
        state: 'under_review',
        submittedAt: '2026-11-01T00:00:00Z',
        deadline: '2026-12-01',
      }),
      // A millisecond later than k1 and k2: after both, whatever the ids.
      k8: await queued({
        state: 'under_review',
        submittedAt: '2026-11-01T00:00:00.001Z',
        deadline: '2026-12-01',
      }),
      // No deadline: due the day it arrived.
      k3: await queued({ state: 'submitted', submittedAt: '2026-11-20T09:00:00+08:00' }),
      k4: await queued({
        state: 'under_review',
        submittedAt: '2026-10-30T09:00:00+08:00',
        deadline: '2026-11-20',
      }),
      // Late on the 24th in Nanjing, and just past midnight into the 25th (still the 24th in UTC).
      k5: await queued({ state: 'submitted', submittedAt: '2026-11-24T23:30:00+08:00' }),
      k6: await queued({ state: 'submitted', submittedAt: '2026-11-25T00:30:00+08:00' }),
      k7: await queued({
        state: 'correction_requested',
        submittedAt: '2026-10-01T09:00:00+08:00',
        deadline: '2027-01-10',
      }),
    };
    const [first, second] = [k.k1!, k.k2!].sort((x, y) => (x.id < y.id ? -1 : 1));
    expected = [k.k4!, k.k3!, k.k5!, k.k6!, first!, second!, k.k8!, k.k7!].map((r) => r.number);
  });

  it('sorts by the deadline (else the day it arrived), then the arrival, then the id', async () => {
    const result = await page({});
    expect(numbers(result.rows)).toEqual(expected);
    expect(result.total).toBe(8);
  });

  it('walks pages of two by next, each row exactly once', async () => {
    const { seen, totals, ended } = await walk({}, 2);
    expect(ended).toBe(true);
    expect(seen).toEqual(expected);
    expect(totals).toEqual([8, 8, 8, 8]);
  });

  it('neither repeats nor skips while the queue changes between pages', async () => {
    const added: Queued[] = [];
    const { seen } = await walk({}, 2, async (i) => {
      if (i !== 0) return;
      // After the first page (k4, k3): one that sorts before the cursor, one after it, and a
      // claim, which does not move a row.
      added.push(
        await queued({ state: 'submitted', submittedAt: '2026-11-03T09:00:00+08:00' }),
        await queued({
          state: 'under_review',
          submittedAt: '2026-11-05T09:00:00+08:00',
          deadline: '2026-12-05',
        }),
      );
      await claimApplication(sql(), {
        applicationId: k.k5!.id,
        officerAccountId: officerB,
        at: NOW,
      });
    });
    const [before, after] = added;
    expect(new Set(seen).size).toBe(seen.length);
    for (const number of expected) expect(seen.filter((n) => n === number)).toHaveLength(1);
    expect(seen).toContain(after!.number);
    expect(seen).not.toContain(before!.number);
    expect(seen).toEqual([...expected.slice(0, 7), after!.number, expected[7]]);
    // A fresh first page has the early one at the top.
    expect(numbers((await page({})).rows)[0]).toBe(before!.number);
  });

  it('starts from the first page for an after that is not a cursor of its own', async () => {
    const first = numbers((await page({}, { pageSize: 2 })).rows);
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const garbage = [
      'garbage',
      '',
      '%%%',
      b64({ due: '2026-12-01' }),
      b64({ due: 'tomorrow', at: '2026-11-01T00:00:00Z', id: k.k1!.id }),
      b64({ due: '2026-12-01', at: "'; drop table applications; --", id: k.k1!.id }),
      b64(['2026-12-01', '2026-11-01T00:00:00Z', k.k1!.id]),
      Buffer.from('{"due":').toString('base64url'),
      'x'.repeat(300),
    ];
    for (const after of garbage) {
      expect(numbers((await page({ after }, { pageSize: 2 })).rows), after).toEqual(first);
    }
  });

  it('starts from the first page for a cursor shaped like its own but naming no real date or id', async () => {
    const first = numbers((await page({}, { pageSize: 2 })).rows);
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const cursors = {
      'no such month': { due: '2026-13-45', at: '2026-11-01T00:00:00Z', id: k.k1!.id },
      'no such time': { due: '2026-12-01', at: '9999-99-99T99:99:99Z', id: k.k1!.id },
      'dashes for an id': { due: '2026-12-01', at: '2026-11-01T00:00:00Z', id: '-'.repeat(36) },
    };
    const outcomes: Record<string, string> = {};
    for (const [name, cursor] of Object.entries(cursors)) {
      try {
        const rows = numbers((await page({ after: b64(cursor) }, { pageSize: 2 })).rows);
        outcomes[name] = rows.join() === first.join() ? 'first page' : `rows ${rows.join()}`;
      } catch (error) {
        outcomes[name] = `${(error as Error).name}: ${(error as Error).message}`;
      }
    }
    expect(outcomes).toEqual({
      'no such month': 'first page',
      'no such time': 'first page',
      'dashes for an id': 'first page',
    });
  });

  it('keeps the arrival to the microsecond in its cursor, so rows a microsecond apart page once each', async () => {
    // Last in this section: a walk that repeats would repeat these in the walks above too.
    // Two cancellations (a kind no other row here has), the same due date, a microsecond apart.
    const micro = (microseconds: number) =>
      queued({
        state: 'under_review',
        kind: 'cancellation',
        submittedAt: '2026-11-01T00:00:00Z',
        microseconds,
        deadline: '2027-02-01',
      });
    const m1 = await micro(1);
    const m2 = await micro(2);
    const { seen, ended } = await walk({ kind: 'cancellation' }, 1);
    expect(seen.slice(0, 4)).toEqual([m1.number, m2.number]);
    expect(ended).toBe(true);
  });
});

describe('the queue’s tags', () => {
  const tagged = async (id: string) => {
    const result = await page({}, { pageSize: 100 });
    const row = result.rows.find((r) => r.id === id);
    if (!row) throw new Error(`application ${id} is not in the queue`);
    return row;
  };

  beforeAll(() => {
    suite.t.clock.set(NOW);
  });

  it('counts the working days left to an under-review deadline, nearing at 3 or fewer and overdue below 0', async () => {
    // From Wednesday 2026-11-25: Thu 26, Fri 27, Mon 30, Tue 1 December are working days.
    const cases = [
      { deadline: '2026-12-01', left: 4, nearing: false, overdue: false },
      { deadline: '2026-11-30', left: 3, nearing: true, overdue: false },
      { deadline: '2026-11-28', left: 2, nearing: true, overdue: false }, // a Saturday
      { deadline: '2026-11-25', left: 0, nearing: true, overdue: false },
      { deadline: '2026-11-24', left: -1, nearing: false, overdue: true },
      { deadline: '2026-11-20', left: -3, nearing: false, overdue: true },
    ];
    for (const c of cases) {
      const app = await queued({
        state: 'under_review',
        submittedAt: '2026-10-20T09:00:00+08:00',
        deadline: c.deadline,
      });
      expect(await tagged(app.id), c.deadline).toMatchObject({
        workingDaysLeft: c.left,
        nearing: c.nearing,
        overdue: c.overdue,
        workingDaysWaiting: null,
        nextActor: ['officer'],
        replyOverdue: false,
      });
    }
  });

  it('counts the working days a submitted application has waited, with the officer to act', async () => {
    // Wednesday 2026-11-18: Thu 19, Fri 20, Mon 23, Tue 24, Wed 25.
    const app = await queued({ state: 'submitted', submittedAt: '2026-11-18T10:00:00+08:00' });
    expect(await tagged(app.id)).toMatchObject({
      workingDaysWaiting: 5,
      workingDaysLeft: null,
      nearing: false,
      overdue: false,
      nextActor: ['officer'],
    });
  });

  it('names the parties a correction request waits on as the next to act', async () => {
    const both = await queued({
      state: 'under_review',
      submittedAt: '2026-11-02T09:00:00+08:00',
    });
    await requestCorrections(suite.t.services, {
      applicationId: both.id,
      officerAccountId: officerA,
      items: [
        { addressedTo: 'person', what: '学历证书扫描件', why: '不清晰' },
        { addressedTo: 'enterprise', what: '社保缴纳证明', why: '需核实聘用关系' },
      ],
    });
    const personOnly = await queued({
      state: 'under_review',
      submittedAt: '2026-11-02T09:00:00+08:00',
    });
    await requestCorrections(suite.t.services, {
      applicationId: personOnly.id,
      officerAccountId: officerA,
      items: [{ addressedTo: 'person', what: '劳动合同', why: '缺签章页' }],
    });
    expect(await tagged(both.id)).toMatchObject({
      state: 'correction_requested',
      nextActor: ['enterprise', 'person'],
      waitingOn: ['enterprise', 'person'],
      workingDaysLeft: null,
      nearing: false,
      overdue: false,
    });
    expect(await tagged(personOnly.id)).toMatchObject({ nextActor: ['person'] });

    // Once the person has supplied theirs, only the enterprise is waited on.
    const [item] = await sql()<{ id: string }[]>`
      select id from correction_items where application_id = ${both.id} and addressed_to = 'person'`;
    await supplyItem(suite.t.services, {
      itemId: item!.id,
      party: 'person',
      accountId: both.person.accountId,
      supplied: { note: '已重新上传' },
    });
    expect(await tagged(both.id)).toMatchObject({ nextActor: ['enterprise'] });
  });
});

describe('claims and assignment', () => {
  beforeAll(() => {
    suite.t.clock.set(NOW);
  });

  const submittedOne = () =>
    queued({ state: 'submitted', submittedAt: '2026-11-20T09:00:00+08:00' });

  it('lets an officer claim an unassigned application, recorded in the audit log', async () => {
    const app = await submittedOne();
    await claimApplication(sql(), { applicationId: app.id, officerAccountId: officerA, at: NOW });
    expect(await assignedOf(app.id)).toBe(officerA);
    expect(await auditsOf(app.id, 'application_claimed')).toEqual([
      { actor_account_id: officerA, detail: {} },
    ]);
    // Claiming one's own again changes nothing.
    await claimApplication(sql(), { applicationId: app.id, officerAccountId: officerA, at: NOW });
    expect(await auditsOf(app.id, 'application_claimed')).toHaveLength(1);
  });

  it('refuses a second officer’s claim with a 409', async () => {
    const app = await submittedOne();
    await claimApplication(sql(), { applicationId: app.id, officerAccountId: officerA, at: NOW });
    const claim = claimApplication(sql(), {
      applicationId: app.id,
      officerAccountId: officerB,
      at: NOW,
    });
    await expect(claim).rejects.toBeInstanceOf(ConflictError);
    await expect(
      claimApplication(sql(), { applicationId: app.id, officerAccountId: officerB, at: NOW }),
    ).rejects.toMatchObject({ status: 409 });
    expect(await assignedOf(app.id)).toBe(officerA);
    expect(await auditsOf(app.id, 'application_claimed')).toHaveLength(1);
  });

  it('lets an admin assign it to another officer and back to nobody, each recorded from and to', async () => {
    const app = await submittedOne();
    await claimApplication(sql(), { applicationId: app.id, officerAccountId: officerA, at: NOW });
    await assignApplication(sql(), {
      applicationId: app.id,
      adminAccountId: admin,
      officerAccountId: officerB,
      at: NOW,
    });
    expect(await assignedOf(app.id)).toBe(officerB);
    await assignApplication(sql(), {
      applicationId: app.id,
      adminAccountId: admin,
      officerAccountId: null,
      at: NOW,
    });
    expect(await assignedOf(app.id)).toBeNull();
    expect(await auditsOf(app.id, 'application_assigned')).toEqual([
      { actor_account_id: admin, detail: { from: officerA, to: officerB } },
      { actor_account_id: admin, detail: { from: officerB, to: null } },
    ]);
    // Unassigned again, it is in the queue's 'none' and anyone may claim it.
    expect(numbers((await page({ officer: 'none', q: app.number })).rows)).toEqual([app.number]);
    await claimApplication(sql(), { applicationId: app.id, officerAccountId: officerB, at: NOW });
    expect(await assignedOf(app.id)).toBe(officerB);
  });

  it('refuses to claim or assign an application in a final state with a 409', async () => {
    const app = await queued({
      state: 'refused',
      submittedAt: '2026-11-20T09:00:00+08:00',
      officer: officerA,
    });
    await expect(
      assignApplication(sql(), {
        applicationId: app.id,
        adminAccountId: admin,
        officerAccountId: officerB,
        at: NOW,
      }),
    ).rejects.toMatchObject({ status: 409 });
    await expect(
      claimApplication(sql(), { applicationId: app.id, officerAccountId: officerB, at: NOW }),
    ).rejects.toMatchObject({ status: 409 });
    expect(await assignedOf(app.id)).toBe(officerA);
    expect(await auditsOf(app.id, 'application_assigned')).toEqual([]);
  });

  it('gives an unassigned application to the officer who accepts it, and leaves an assigned one', async () => {
    const unassigned = await submittedOne();
    const accepted = await acceptApplication(suite.t.services, {
      applicationId: unassigned.id,
      officerAccountId: officerA,
    });
    expect(accepted.state).toBe('under_review');
    expect(await assignedOf(unassigned.id)).toBe(officerA);
    expect(await auditsOf(unassigned.id, 'application_claimed')).toEqual([
      { actor_account_id: officerA, detail: {} },
    ]);

    const hers = await queued({
      state: 'submitted',
      submittedAt: '2026-11-20T09:00:00+08:00',
      officer: officerB,
    });
    await acceptApplication(suite.t.services, {
      applicationId: hers.id,
      officerAccountId: officerA,
    });
    expect(await assignedOf(hers.id)).toBe(officerB);
    expect(await auditsOf(hers.id, 'application_claimed')).toEqual([]);
  });
});

describe('reminders before the reply deadline', () => {
  /** The last working day from which `n` working days remain to `date`. */
  const workingDaysBefore = (date: string, n: number) => {
    for (let d = addDays(date, -1); d > addDays(date, -60); d = addDays(d, -1)) {
      if (workingDaysBetween(calendar, d, date).days === n && workingDay(calendar, d).working) {
        return d;
      }
    }
    throw new Error(`no working day ${n} before ${date}`);
  };
  const remindersTo = async (accountId: string, applicationId: string) =>
    (
      await sql()<{ message: string }[]>`
        select message from notifications
        where account_id = ${accountId} and application_id = ${applicationId}
          and message like '%材料补正将于%到期%' order by created_at`
    ).map((r) => r.message);

  let app: Queued;
  let replyBy: string;

  beforeAll(async () => {
    await emptyQueue();
    suite.t.clock.set(at('2026-11-02')); // a Monday
    app = await queued({
      state: 'under_review',
      submittedAt: '2026-10-20T09:00:00+08:00',
      deadline: '2026-11-30',
    });
    await requestCorrections(suite.t.services, {
      applicationId: app.id,
      officerAccountId: officerA,
      items: [{ addressedTo: 'person', what: '劳动合同', why: '缺签章页' }],
    });
    const [request] = await sql()<{ replyBy: string }[]>`
      select to_char(reply_by, 'YYYY-MM-DD') as "replyBy" from correction_requests
      where application_id = ${app.id}`;
    replyBy = request!.replyBy;
  });

  it('reminds the addressed party once at 5 working days before and once at 2, however often it runs', async () => {
    // 20 working days from Monday 2026-11-02.
    expect(replyBy).toBe('2026-11-30');
    const five = workingDaysBefore(replyBy, 5);
    const two = workingDaysBefore(replyBy, 2);
    expect([five, two]).toEqual(['2026-11-23', '2026-11-26']);
    const run = async (date: string) => {
      suite.t.clock.set(at(date));
      return sendReplyReminders(suite.t.services);
    };

    expect(await run(addDays(five, -3))).toBe(0); // the Friday before: 6 working days left
    expect(await remindersTo(app.person.accountId, app.id)).toEqual([]);

    expect(await run(five)).toBe(1);
    expect(await remindersTo(app.person.accountId, app.id)).toEqual([
      expect.stringContaining(`将于${replyBy}到期，还剩5个工作日`),
    ]);
    expect(await remindersTo(app.enterprise.accountId, app.id)).toEqual([]);
    expect(await run(five)).toBe(0);
    expect(await run(addDays(five, 1))).toBe(0);

    expect(await run(two)).toBe(1);
    expect(await remindersTo(app.person.accountId, app.id)).toEqual([
      expect.stringContaining('还剩5个工作日'),
      expect.stringContaining('还剩2个工作日'),
    ]);
    expect(await run(two)).toBe(0);
    expect(await run(replyBy)).toBe(0);
    expect(await remindersTo(app.person.accountId, app.id)).toHaveLength(2);
    expect(await remindersTo(app.enterprise.accountId, app.id)).toEqual([]);
  });

  it('shows the reply overdue in the queue the day after the reply deadline, not on it', async () => {
    const row = async (date: string) => {
      suite.t.clock.set(at(date));
      const result = await page({ tab: 'correction_requested' });
      return result.rows.find((r) => r.id === app.id)!;
    };
    expect(await row(replyBy)).toMatchObject({ replyBy, replyOverdue: false });
    expect(await row(addDays(replyBy, 1))).toMatchObject({ replyBy, replyOverdue: true });
    expect(isOverdue({ replyBy, open: 1 }, replyBy)).toBe(false);
    expect(isOverdue({ replyBy, open: 1 }, addDays(replyBy, 1))).toBe(true);
    expect(isOverdue({ replyBy, open: 0 }, addDays(replyBy, 1))).toBe(false);
    // Past the deadline nothing more is sent.
    expect(await sendReplyReminders(suite.t.services)).toBe(0);
  });
});

describe('the reason catalogue', () => {
  beforeAll(() => {
    suite.t.clock.set(NOW);
  });

  it('saves an admin’s edit of a reason, taking it off the active list, recorded before and after', async () => {
    const before = (await reasonsOf(sql(), { use: 'refusal' })).find(
      (r) => r.code === 'not_qualified',
    );
    expect(before).toMatchObject({ title: '不具备注册条件', active: true, position: 10 });
    expect(
      (await reasonsOf(sql(), { use: 'refusal', activeOnly: true })).map((r) => r.code),
    ).toContain('not_qualified');

    const edit = reasonEditForm.parse({
      title: ' 不符合注册条件 ',
      wording: '申请人不符合《注册建造师管理规定》规定的注册条件。',
      position: '15',
    });
    expect(edit.active).toBe(false);
    await saveReason(sql(), { code: 'not_qualified', edit, adminAccountId: admin, at: NOW });

    const refusals = await reasonsOf(sql(), { use: 'refusal' });
    expect(refusals.find((r) => r.code === 'not_qualified')).toEqual({
      code: 'not_qualified',
      use: 'refusal',
      title: '不符合注册条件',
      wording: '申请人不符合《注册建造师管理规定》规定的注册条件。',
      addressedTo: null,
      active: false,
      position: 15,
    });
    const active = await reasonsOf(sql(), { use: 'refusal', activeOnly: true });
    expect(active.map((r) => r.code)).not.toContain('not_qualified');
    expect(active.map((r) => r.code)).toEqual([
      'contract_short',
      'other_enterprise',
      'correction_overdue',
      'false_material',
    ]);
    expect(active.every((r) => r.use === 'refusal' && r.active)).toBe(true);

    const audits = await auditsOf('not_qualified', 'review_reason_saved');
    expect(audits).toHaveLength(1);
    expect(audits[0]!.actor_account_id).toBe(admin);
    expect(audits[0]!.detail).toMatchObject({
      before: { title: '不具备注册条件', wording: '申请人不符合相应注册条件。' },
      after: {
        title: '不符合注册条件',
        wording: '申请人不符合《注册建造师管理规定》规定的注册条件。',
        position: 15,
        active: false,
      },
    });

    // Listed again, it is back among the active ones.
    await saveReason(sql(), {
      code: 'not_qualified',
      edit: reasonEditForm.parse({ ...edit, position: '15', active: 'yes' }),
      adminAccountId: admin,
      at: NOW,
    });
    expect(
      (await reasonsOf(sql(), { use: 'refusal', activeOnly: true })).map((r) => r.code),
    ).toContain('not_qualified');
  });

  it('refuses an unknown code with NotFoundError and writes nothing', async () => {
    const edit = reasonEditForm.parse({
      title: '标题',
      wording: '表述',
      position: '1',
      active: 'yes',
    });
    await expect(
      saveReason(sql(), { code: 'no_such_reason', edit, adminAccountId: admin, at: NOW }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await auditsOf('no_such_reason', 'review_reason_saved')).toEqual([]);
  });
});
