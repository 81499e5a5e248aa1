import { SIGNED_FORM_QR_OF } from '../../lib/enterprise/index.js';
import { configuredWorkflow } from '../../lib/services/index.js';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  birthDateFromIdNumber,
  checkCreditCode,
  checkIdNumber,
  checkPassword,
  genderFromIdNumber,
} from '../../lib/identity/index.js';
import {
  applicationDraftSchema,
  canonicalJson,
  findTransition,
  readDraft,
} from '../../lib/workflow/index.js';
import type { Sql } from '../../lib/platform/index.js';
import {
  addDays,
  addMonths,
  businessDate,
  createSql,
  loadConfig,
  migrate,
  SettableClock,
  systemClock,
} from '../../lib/platform/index.js';
import type { Calendar } from '../../lib/calendar/index.js';
import {
  clockOf,
  loadCalendar,
  seedCalendar,
  statutoryClock,
  workingDaysBetween,
} from '../../lib/calendar/index.js';
import { NEARING_WORKING_DAYS, PROMISED_WORKING_DAYS } from '../../lib/reference/index.js';
import type { DemoPerson } from '../../lib/demo/index.js';
import {
  DEMO_PASSWORD,
  demoEnterprises,
  demoPersons,
  demoStaff,
  seedDemoData,
  workingDaysBefore,
} from '../../lib/demo/index.js';
import { createLocalFileStore } from '../../lib/files/index.js';
import type { FilingRequest } from '../../lib/filing/index.js';
import { filingProblems } from '../../lib/filing/index.js';
import type { Profession } from '../../lib/reference/index.js';
import { professions } from '../../lib/reference/index.js';
import { REGISTRATION_NUMBER_PATTERN, registrationNumber } from '../../lib/registrations/index.js';
import type { Action, ApplicationKind, Role, State } from '../../lib/workflow/index.js';
import type { TestDatabase } from '../support/database.js';
import { createTestDatabase } from '../support/database.js';

// The demo data the global setup seeded into the template (lib/demo-data.ts): valid identifiers,
// every scenario the README's demo logins promise, applications exactly as the workflow leaves
// them, and a second seeding that changes nothing.

let db: TestDatabase;
/** The day the demo was seeded: its dates count from it (a run may pass midnight meanwhile). */
let seededOn: string;
beforeAll(async () => {
  db = await createTestDatabase();
  const [seeded] = await db.sql<{ at: Date }[]>`
    select occurred_at as at from audit_events where action = 'demo_data_seeded'`;
  seededOn = businessDate(seeded!.at);
});
afterAll(() => db?.drop());

const draftFields = applicationDraftSchema.shape;
const today = () => seededOn;
const rules = loadConfig({ NODE_ENV: 'test' }).rules;

async function personId(idNumber: string): Promise<string> {
  const [row] = await db.sql<
    { id: string }[]
  >`select id from persons where id_number = ${idNumber}`;
  return row!.id;
}

const demoPerson = (name: string) => demoPersons.find((p) => p.name === name)!;

/** What the eligibility check tells this demo person about filing this now (without the draft). */
async function problemsOf(
  name: string,
  kind: ApplicationKind,
  profession: Profession,
): Promise<string[]> {
  const request: FilingRequest = {
    personId: await personId(demoPerson(name).idNumber),
    kind,
    profession,
    enterpriseId: null,
    demonstrationZone: false,
    draft: {},
  };
  const problems = await filingProblems(db.sql, request, systemClock.now(), rules, 'eligibility');
  return problems.map((p) => p.message);
}

describe('registration numbers', () => {
  it('are 苏 + the profession digit + the year + a 6-digit serial', () => {
    expect(registrationNumber('constructor', 2026, 1)).toBe('苏12026000001');
    expect(registrationNumber('structural_engineer', 2024, 123456)).toBe('苏42024123456');
    expect(registrationNumber('cost_engineer', 2025, 1234567)).toBe('苏220251234567');
    expect(() => registrationNumber('architect', 26, 1)).toThrow(RangeError);
    expect(() => registrationNumber('architect', 2026, 0)).toThrow(RangeError);
  });
});

describe('the demo identifiers', () => {
  it('pass their checksums, in the lists and everywhere in the database', async () => {
    const ids = await db.sql<{ v: string }[]>`
      select id_number as v from persons union select id_number from qualification_registry
      union select login_id from accounts where kind = 'person'`;
    const codes = await db.sql<{ v: string }[]>`
      select credit_code as v from enterprises union select credit_code from legal_person_registry
      union select login_id from accounts where kind = 'enterprise'`;
    expect(ids.length).toBe(demoPersons.length);
    expect(codes.length).toBe(demoEnterprises.length);
    const now = systemClock.now();
    for (const v of [...ids.map((r) => r.v), ...demoPersons.map((p) => p.idNumber)]) {
      expect(checkIdNumber(v, now), v).toEqual({ ok: true, value: v });
      expect(v.slice(0, 2), v).toBe('32');
    }
    for (const v of [...codes.map((r) => r.v), ...demoEnterprises.map((e) => e.creditCode)]) {
      expect(checkCreditCode(v), v).toEqual({ ok: true, value: v });
    }
  });

  it('log in with the demo password', async () => {
    const below = demoPerson('赵磊');
    const result = await checkPassword(db.sql, 'person', below.idNumber, DEMO_PASSWORD);
    expect(result).toMatchObject({ ok: true, user: { displayName: '赵磊', realNameLevel: 2 } });
    const renamed = demoEnterprises[5];
    expect(
      await checkPassword(db.sql, 'enterprise', renamed.creditCode, DEMO_PASSWORD),
    ).toMatchObject({ ok: true });
  });
});

describe('the demo persons', () => {
  it('have particulars from their ID numbers, real contact details and a recent photo date', async () => {
    const rows = await db.sql<
      {
        idNumber: string;
        gender: string;
        birthDate: string;
        phone: string | null;
        email: string | null;
        address: string | null;
        education: string | null;
        photoDeclared: string | null;
      }[]
    >`
      select id_number as "idNumber", gender, to_char(birth_date, 'YYYY-MM-DD') as "birthDate",
             phone, email, address, education,
             to_char(photo_declared_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as "photoDeclared"
      from persons`;
    expect(rows.length).toBe(demoPersons.length);
    for (const row of rows) {
      expect(row.gender).toBe(genderFromIdNumber(row.idNumber));
      expect(row.birthDate).toBe(birthDateFromIdNumber(row.idNumber));
      if (row.phone !== null) expect(row.phone).toMatch(/^1[3-9]\d{9}$/);
      expect(row.email).toMatch(/^[a-z0-9.]+@[a-z0-9.-]+$/);
      if (row.address !== null) {
        expect(row.address).toMatch(
          /^(南京|无锡|徐州|常州|苏州|南通|连云港|淮安|盐城|扬州|镇江|泰州|宿迁)市/,
        );
      }
      expect(row.photoDeclared! >= addMonths(today(), -6)).toBe(true);
    }
    const complete = rows.filter((r) => r.phone && r.address && r.education);
    expect(complete.length).toBe(rows.length - 1);
  });

  it('keep the four original logins with their qualifications and registrations', async () => {
    const rows = await db.sql<
      { name: string; profession: string; specialty: string | null; registered: string | null }[]
    >`
      select q.name, q.profession, q.specialty,
             (select e.name from registrations r join enterprises e on e.id = r.enterprise_id
              where r.person_id = p.id and r.profession = q.profession and r.status = 'active'
                and (q.specialty is null or q.specialty = any (r.specialties))) as registered
      from qualification_registry q join persons p on p.id_number = q.id_number
      where q.name in ('张伟', '李娜', '王芳', '刘强')
      order by q.name, q.specialty`;
    expect(rows).toEqual(
      expect.arrayContaining([
        {
          name: '张伟',
          profession: 'constructor',
          specialty: '建筑工程',
          registered: '江苏华建建设工程有限公司',
        },
        { name: '张伟', profession: 'constructor', specialty: '市政公用工程', registered: null },
        { name: '李娜', profession: 'cost_engineer', specialty: '土木建筑工程', registered: null },
        { name: '王芳', profession: 'architect', specialty: null, registered: null },
        {
          name: '刘强',
          profession: 'structural_engineer',
          specialty: null,
          registered: '苏州姑苏建筑设计研究院有限公司',
        },
      ]),
    );
    expect(rows.length).toBe(5);
    expect(demoPersons.slice(0, 4).map((p) => p.idNumber)).toEqual([
      '320102198503141235',
      '320505199007212343',
      '320106198809080565',
      '320583199201023457',
    ]);
  });

  it('include one below L4, told how to reach it', async () => {
    const [row] = await db.sql<{ name: string; level: number }[]>`
      select p.name, a.real_name_level as level
      from persons p join accounts a on a.id = p.account_id
      join qualification_registry q on q.id_number = p.id_number and q.profession = 'constructor'
      where a.real_name_level < 4`;
    expect(row).toEqual({ name: '赵磊', level: 2 });
    expect(await problemsOf('赵磊', 'initial', 'constructor')).toEqual(
      expect.arrayContaining([expect.stringContaining('L4级实名认证')]),
    );
  });

  it('include one with an incomplete profile, sent to complete it', async () => {
    const [row] = await db.sql<{ name: string }[]>`
      select p.name from persons p
      join qualification_registry q on q.id_number = p.id_number and q.profession = 'cost_engineer'
      where p.phone is null and p.address is null and p.education is null`;
    expect(row?.name).toBe('孙丽');
    const problems = await problemsOf('孙丽', 'initial', 'cost_engineer');
    expect(problems).toHaveLength(1);
    for (const field of ['手机号码', '通讯地址', '学历']) expect(problems[0]).toContain(field);
  });

  it('include 王芳, who may file an initial architect registration', async () => {
    expect(await problemsOf('王芳', 'initial', 'architect')).toEqual([]);
  });

  it('include a registration ending within 90 days, in its renewal window', async () => {
    const rows = await db.sql<{ name: string; validUntil: string }[]>`
      select p.name, to_char(r.valid_until, 'YYYY-MM-DD') as "validUntil"
      from registrations r join persons p on p.id = r.person_id
      where r.status = 'active' and r.valid_until <= ${addDays(today(), 90)}::date`;
    expect(rows.map((r) => r.name)).toEqual(['张伟']);
    const daysLeft = (Date.parse(rows[0]!.validUntil) - Date.parse(today())) / (24 * 3600_000);
    expect(daysLeft).toBeGreaterThanOrEqual(rules.renewalClosesDaysBefore);
    expect(daysLeft).toBeLessThanOrEqual(rules.renewalOpensDaysBefore);
    expect(await problemsOf('张伟', 'renewal', 'constructor')).toEqual([]);
  });

  it('include one with active registrations in two professions at one enterprise', async () => {
    const rows = await db.sql<{ name: string; enterprise: string; professions: string[] }[]>`
      select p.name, min(e.name) as enterprise, array_agg(r.profession order by r.profession) as professions
      from registrations r join persons p on p.id = r.person_id join enterprises e on e.id = r.enterprise_id
      where r.status = 'active'
      group by p.name having count(*) >= 2 and count(distinct r.enterprise_id) = 1`;
    expect(rows).toEqual([
      {
        name: '陈静',
        enterprise: '江苏华建建设工程有限公司',
        professions: ['constructor', 'cost_engineer'],
      },
    ]);
  });
});

describe('the demo registrations', () => {
  it('have numbers of the one format, the year of their start and the validity of the profession', async () => {
    const rows = await db.sql<
      {
        number: string;
        profession: Profession;
        person: string;
        validFrom: string;
        validUntil: string;
        renewed: boolean;
      }[]
    >`
      select registration_number as number, r.profession, p.name as person,
             to_char(valid_from, 'YYYY-MM-DD') as "validFrom",
             to_char(valid_until, 'YYYY-MM-DD') as "validUntil",
             exists (select 1 from applications a where a.registration_id = r.id
                     and a.kind = 'renewal' and a.state = 'completed') as renewed
      from registrations r join persons p on p.id = r.person_id order by registration_number`;
    expect(rows.length).toBe(8);
    for (const r of rows) {
      expect(r.number).toMatch(REGISTRATION_NUMBER_PATTERN);
      expect(r.number.slice(1, 2)).toBe(String(professions[r.profession].digit));
      expect(r.number.slice(2, 6)).toBe(r.validFrom.slice(0, 4));
      const years = professions[r.profession].validityYears;
      if (r.renewed) {
        // The renewal ran its validity on from the old end, by the profession's years.
        const person: DemoPerson = demoPerson(r.person);
        const { endsInDays } = person.registrations!.find((g) => g.profession === r.profession)!;
        expect(r.validUntil).toBe(addMonths(addDays(today(), endsInDays), 12 * years));
      } else {
        expect(addDays(addMonths(r.validUntil, -12 * years), 1)).toBe(r.validFrom);
      }
      expect(r.validFrom < today()).toBe(true);
    }
    expect(rows.filter((r) => r.renewed).map((r) => r.person)).toEqual(['冯涛']);
  });
});

describe('the demo enterprises', () => {
  it('have completed their information, except one', async () => {
    const incomplete = await db.sql<{ name: string }[]>`
      select name from enterprises where information_completed_at is null`;
    expect(incomplete.map((e) => e.name)).toEqual(['南京新城建设工程有限公司']);
    const [complete] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from enterprises
      where information_completed_at is not null and legal_representative is not null
        and address is not null and contact_name is not null and contact_phone is not null`;
    expect(complete!.n).toBe(demoEnterprises.length - 1);
  });

  it('are all in the legal-person registry, one under a new name', async () => {
    const rows = await db.sql<{ name: string; registryName: string | null }[]>`
      select e.name, l.name as "registryName"
      from enterprises e left join legal_person_registry l on l.credit_code = e.credit_code`;
    expect(rows.length).toBe(demoEnterprises.length);
    expect(rows.filter((r) => r.registryName === null)).toEqual([]);
    expect(rows.filter((r) => r.registryName !== r.name)).toEqual([
      { name: '无锡锡建工程有限公司', registryName: '无锡锡建建设集团有限公司' },
    ]);
  });
});

type ApplicationFacts = {
  id: string;
  kind: ApplicationKind;
  profession: Profession;
  state: State;
  version: number;
  demonstrationZone: boolean;
  snapshot: unknown;
  snapshotVersion: number;
  snapshotHash: string;
  person: string;
  enterprise: string | null;
  districtCode: string | null;
  enterpriseNotified: boolean;
};

async function applications(): Promise<ApplicationFacts[]> {
  return db.sql<ApplicationFacts[]>`
    select a.id, a.kind, a.profession, a.state, a.version,
           a.demonstration_zone as "demonstrationZone", a.snapshot,
           a.snapshot_version as "snapshotVersion", a.snapshot_hash as "snapshotHash",
           p.name as person, e.name as enterprise, e.district_code as "districtCode",
           exists (select 1 from notifications n
                   where n.application_id = a.id and n.account_id = e.account_id) as "enterpriseNotified"
    from applications a join persons p on p.id = a.person_id
    left join enterprises e on e.id = a.enterprise_id
    order by a.application_number`;
}

describe('the demo applications', () => {
  it('include a pending out-of-province architect entry from Zhejiang', async () => {
    const entries = (await applications()).filter(
      (a) => a.kind === 'out_of_province_qualification',
    );
    expect(entries).toMatchObject([
      { person: '吴昊', profession: 'architect', state: 'submitted', enterprise: null },
    ]);
    expect(readDraft(entries[0]!.snapshot).outOfProvince).toMatchObject({
      examProvince: '浙江',
      registeredElsewhere: false,
      certificateNumber: expect.stringMatching(/^\d{14}$/) as unknown,
      passYear: 2015,
    });
    const [approved] = await db.sql`
      select 1 from qualifications q join persons p on p.id = q.person_id where p.name = '吴昊'`;
    expect(approved).toBeUndefined();
    expect(await problemsOf('吴昊', 'initial', 'architect')).toEqual(
      expect.arrayContaining([expect.stringContaining('省外资格信息录入并审核通过')]),
    );
  });

  it('include one awaiting each demo enterprise of rule 1, rule 9 and rule 13, and 李娜’s', async () => {
    const waiting = (await applications()).filter((a) => a.state === 'awaiting_enterprise');
    expect(waiting).toHaveLength(4);
    expect(waiting).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          person: '李娜',
          kind: 'initial',
          profession: 'cost_engineer',
          enterprise: '南京宁远工程造价咨询有限公司',
          demonstrationZone: false,
          enterpriseNotified: true,
        }),
        expect.objectContaining({
          person: '沈浩',
          kind: 'initial',
          profession: 'constructor',
          enterprise: '苏州吴江长三角示范区建设有限公司',
          districtCode: '320509',
          demonstrationZone: true,
          enterpriseNotified: true,
        }),
        // Rule 1: its enterprise has not completed its information yet.
        expect.objectContaining({
          person: '朱晨',
          profession: 'constructor',
          enterprise: '南京新城建设工程有限公司',
          enterpriseNotified: true,
        }),
        // Rule 9: its enterprise's registry name has changed.
        expect.objectContaining({
          person: '徐明',
          profession: 'cost_engineer',
          enterprise: '无锡锡建工程有限公司',
          enterpriseNotified: true,
        }),
      ]),
    );
    for (const a of waiting) {
      const { employment, specialties, commitment } = readDraft(a.snapshot);
      expect(employment?.position).toBeTruthy();
      expect(employment!.contractStart! < today()).toBe(true);
      expect(employment!.contractEnd! >= addMonths(today(), 24)).toBe(true);
      expect(specialties).toHaveLength(1);
      expect(commitment).toBe(true);
    }
  });

  it('have their events in order, each a transition of the table, the last one to their state', async () => {
    const apps = await applications();
    expect(apps.length).toBe(19);
    for (const a of apps) {
      const events = await db.sql<
        { version: number; action: string; role: Role; from: State | null; to: State }[]
      >`
        select version, action, actor_role as role, from_state as "from", to_state as "to"
        from application_events where application_id = ${a.id} order by version`;
      expect(events.map((e) => e.version)).toEqual([...Array(a.version + 1).keys()]);
      expect(events[0]).toMatchObject({ action: 'start', role: 'person', from: null, to: 'draft' });
      for (let i = 1; i < events.length; i++) {
        const e = events[i]!;
        expect(e.from).toBe(events[i - 1]!.to);
        const accepted = events.slice(0, i).some((earlier) => earlier.action === 'accept');
        expect(findTransition(a.kind, e.from!, e.action as Action, e.role, accepted)?.to).toBe(
          e.to,
        );
      }
      expect(events.at(-1)!.to).toBe(a.state);
    }
  });

  it('carry signed scans whose QR matches their application, version and snapshot', async () => {
    const rows = await db.sql<{ qr: string | null }[]>`
      select ${db.sql.unsafe(SIGNED_FORM_QR_OF)} as qr
      from applications a where a.signed_form_file_id is not null`;
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.filter((r) => r.qr !== 'matched')).toEqual([]);
  });

  it('hold the frozen snapshot of the confirmation, with its hash', async () => {
    for (const a of await applications()) {
      expect(a.snapshotVersion).toBe(1);
      const hash = createHash('sha256').update(canonicalJson(a.snapshot)).digest('hex');
      expect(a.snapshotHash).toBe(hash);
      expect(a.snapshot).toMatchObject({
        kind: a.kind,
        profession: a.profession,
        demonstrationZone: a.demonstrationZone,
        person: { name: a.person, photoFileId: expect.any(String) as unknown },
        enterprise: a.enterprise === null ? null : { name: a.enterprise },
        commitment: true,
      });
      // The workflow's own fields (snapshotOf in lib/workflow.ts), besides what the draft holds.
      const own = Object.keys(a.snapshot as object).filter((k) => !(k in draftFields));
      expect(own.sort()).toEqual([
        'applicationNumber',
        'demonstrationZone',
        'enterprise',
        'kind',
        'kindName',
        'person',
        'profession',
        'professionName',
        'qualifications',
      ]);
      expect(Object.keys((a.snapshot as { person: object }).person).sort()).toEqual([
        'address',
        'birthDate',
        'education',
        'email',
        'gender',
        'idNumber',
        'name',
        'phone',
        'photoFileId',
      ]);
    }
  });
});

/** Where the demo's applications with the authority were taken (lib/demo/review.ts), by person. */
const WITH_THE_AUTHORITY: Record<string, State> = {
  杨帆: 'submitted',
  何婷: 'submitted',
  郭俊: 'under_review',
  林晓燕: 'under_review',
  马骏: 'under_review',
  陆雯: 'under_review',
  胡静: 'correction_requested',
  高峰: 'correction_requested',
  罗斌: 'approved',
  韩雪: 'refused',
  唐亮: 'not_accepted',
  冯涛: 'completed',
  沈佳怡: 'completed',
};

type AuthorityRow = {
  id: string;
  kind: ApplicationKind;
  person: string;
  state: State;
  deadline: string | null;
  provisional: boolean | null;
  officer: string | null;
};

/**
 * The authority's demo applications in a seeded database, checked against the workflow's own
 * readings on `now`, the moment it was seeded: their states and officers, deadlines (overdue,
 * nearing, provisional when the clock reaches an unscheduled year), correction requests, written
 * decisions and the approved registration. Returns them by person.
 */
async function expectAuthorityDemo(sql: Sql, now: Date): Promise<Map<string, AuthorityRow>> {
  const today = businessDate(now);
  const calendar = await loadCalendar(sql);
  const rows = await sql<AuthorityRow[]>`
    select a.id, a.kind, p.name as person, a.state, to_char(a.deadline, 'YYYY-MM-DD') as deadline,
           a.deadline_provisional as provisional, o.login_id as officer
    from applications a join persons p on p.id = a.person_id
    left join accounts o on o.id = a.assigned_officer_id
    where a.submitted_at is not null and a.kind <> 'out_of_province_qualification'`;
  const by = new Map(rows.map((r) => [r.person, r]));
  expect(Object.fromEntries(rows.map((r) => [r.person, r.state]))).toEqual(WITH_THE_AUTHORITY);
  const get = (name: string) => by.get(name)!;

  // 待受理: one nobody has, one 周敏 claimed; neither has a clock yet.
  expect(get('杨帆')).toMatchObject({ officer: null, deadline: null });
  expect(get('何婷')).toMatchObject({ officer: 'shenhe01', deadline: null });
  // Under review: the stored deadline is the clock read from the events, and tells how many
  // working days are left.
  const left = (name: string) => workingDaysBetween(calendar, today, get(name).deadline!).days;
  for (const r of rows.filter((r) => r.state === 'under_review' || r.state === 'approved')) {
    const reading = (await clockOf(sql, r, calendar, today))!;
    expect({ deadline: r.deadline, provisional: r.provisional }, r.person).toEqual({
      deadline: reading.deadline,
      provisional: reading.provisional,
    });
  }
  expect(left('郭俊')).toBeGreaterThan(NEARING_WORKING_DAYS);
  expect(left('林晓燕')).toBeGreaterThanOrEqual(0);
  expect(left('林晓燕')).toBeLessThanOrEqual(NEARING_WORKING_DAYS);
  expect(left('马骏')).toBeLessThan(0);
  expect(get('马骏').deadline! < today).toBe(true);
  expect(get('马骏').officer).toBe('shenhe02'); // given to 顾晓东 by the admin
  // Accepted on the last working day: its deadline is as far on as a deadline can be, provisional
  // exactly when its 20 working days reach a year without a schedule.
  const latest = statutoryClock(calendar, {
    accepted: workingDaysBefore(calendar, today, 0),
    pauses: [],
    workingDays: PROMISED_WORKING_DAYS.initial.days,
    today,
  });
  expect(get('陆雯')).toMatchObject({
    deadline: latest.deadline,
    provisional: latest.provisional,
    officer: 'shenhe02',
  });

  // Correction requests: one during review past its reply deadline with the person's item still
  // open (the enterprise's was supplied and accepted), one before acceptance still running, one
  // supplied and accepted; the refused application's item closed with its refusal.
  const requests = await sql<
    { person: string; replyBy: string; beforeAcceptance: boolean; open: number; items: number }[]
  >`
    select p.name as person, to_char(r.reply_by, 'YYYY-MM-DD') as "replyBy",
           r.before_acceptance as "beforeAcceptance",
           (select count(*)::int from correction_items c
            where c.request_id = r.id and c.blocks_review and c.closed_at is null) as open,
           (select count(*)::int from correction_items c where c.request_id = r.id) as items
    from correction_requests r join applications a on a.id = r.application_id
    join persons p on p.id = a.person_id order by p.name`;
  const request = (name: string) => requests.find((r) => r.person === name)!;
  expect(requests.map((r) => r.person).sort()).toEqual(['郭俊', '胡静', '韩雪', '高峰'].sort());
  expect(request('胡静')).toMatchObject({ beforeAcceptance: false, open: 1, items: 2 });
  expect(request('胡静').replyBy < today).toBe(true);
  expect(request('高峰')).toMatchObject({ beforeAcceptance: true, open: 1 });
  expect(request('高峰').replyBy >= today).toBe(true);
  expect(request('郭俊')).toMatchObject({ beforeAcceptance: false, open: 0 });
  expect(request('韩雪')).toMatchObject({ open: 0 });
  const [accepted] = await sql<{ n: number }[]>`
    select count(*)::int as n from correction_items where review = 'accepted'`;
  expect(accepted!.n).toBe(2);

  // Written decisions of each kind, numbered, the refusals with their remedies.
  const decisions = await sql<
    {
      person: string;
      kind: string;
      number: string;
      reasons: { code: string }[];
      remedies: string | null;
    }[]
  >`
    select p.name as person, d.kind, d.number, d.reasons, d.facts ->> 'remedies' as remedies
    from decisions d join applications a on a.id = d.application_id
    join persons p on p.id = a.person_id order by d.decided_at`;
  expect(Object.fromEntries(decisions.map((d) => [d.person, d.kind]))).toEqual({
    韩雪: 'refusal',
    唐亮: 'not_accepted',
    冯涛: 'approval',
    罗斌: 'approval',
    沈佳怡: 'approval',
  });
  for (const d of decisions) {
    expect(d.number).toMatch(/^苏建注(准|不准|不受)字〔20\d\d〕第\d+号$/);
    expect(d.remedies === null).toBe(d.kind === 'approval');
  }
  expect(decisions.find((d) => d.person === '韩雪')!.reasons.map((r) => r.code)).toEqual([
    'correction_overdue',
  ]);

  // The approved initial registration, made by its decision and not yet public.
  const approved = await sql<{ person: string; byApplication: string; number: string }[]>`
    select p.name as person, r.approved_by_application_id as "byApplication",
           r.registration_number as number
    from registrations r join persons p on p.id = r.person_id where r.status = 'approved'`;
  expect(approved).toEqual([
    { person: '罗斌', byApplication: get('罗斌').id, number: expect.any(String) as unknown },
  ]);

  // The one announced: its registration active, its entry in the year's announcement, the
  // application completed by the publish job's transition.
  const announced = await sql<
    { person: string; status: string; number: string; kind: string; event: string }[]
  >`
    select e.person_name as person, r.status, n.number, e.kind,
           (select action from application_events ev where ev.application_id = e.application_id
            order by version desc limit 1) as event
    from announcement_entries e join announcements n on n.id = e.announcement_id
      join registrations r on r.id = e.registration_id`;
  expect(announced).toEqual([
    {
      person: '沈佳怡',
      status: 'active',
      number: expect.stringMatching(/^苏建注公告〔20\d\d〕第1号$/) as unknown,
      kind: 'initial',
      event: 'complete',
    },
  ]);
  return by;
}

describe('the demo applications with the authority', () => {
  it('are in every state the authority leaves them, as its own functions left them', async () => {
    const [seeded] = await db.sql<{ at: Date }[]>`
      select occurred_at as at from audit_events where action = 'demo_data_seeded'`;
    await expectAuthorityDemo(db.sql, seeded!.at);
  });

  it('include two officers and an admin, who log in with the demo password', async () => {
    const rows = await db.sql<{ username: string; name: string; role: string }[]>`
      select a.login_id as username, s.name, s.role
      from staff s join accounts a on a.id = s.account_id order by a.login_id`;
    expect(rows).toEqual([
      { username: 'guanli01', name: '陈立', role: 'admin' },
      { username: 'shenhe01', name: '周敏', role: 'officer' },
      { username: 'shenhe02', name: '顾晓东', role: 'officer' },
    ]);
    for (const staff of demoStaff) {
      expect(await checkPassword(db.sql, 'staff', staff.username, DEMO_PASSWORD)).toMatchObject({
        ok: true,
      });
    }
  });
});

/** A database of its own, migrated and seeded as on a first start at `at`. */
async function seededAt(at: string): Promise<{ sql: Sql; drop(): Promise<void> }> {
  const adminUrl = inject('databaseAdminUrl');
  const name = `demo_${createHash('sha256').update(at).digest('hex').slice(0, 12)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  const sql = createSql(adminUrl.replace(/\/postgres$/, `/${name}`), { max: 2 });
  await migrate(sql);
  await seedCalendar(sql, new Date(at));
  const store = createLocalFileStore(await mkdtemp(path.join(os.tmpdir(), 'demo-files-')));
  expect(await seedDemoData(sql, new SettableClock(at), store, configuredWorkflow())).toBe(true);
  return {
    sql,
    async drop() {
      await sql.end();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** The first year from `today`'s on that the calendar has no published schedule for. */
async function firstUnscheduledYear(sql: Sql, today: string): Promise<number> {
  const years = new Set(
    (await sql<{ year: number }[]>`select year from calendar_years where published`).map(
      (r) => r.year,
    ),
  );
  let year = Number(today.slice(0, 4));
  while (years.has(year)) year += 1;
  return year;
}

describe('the demo data seeded on another day', () => {
  it('near the end of the last scheduled year: a deadline provisional in the first unscheduled one', async () => {
    const year = await firstUnscheduledYear(db.sql, today());
    const at = `${year - 1}-12-21T10:00:00+08:00`;
    const seeded = await seededAt(at);
    try {
      const by = await expectAuthorityDemo(seeded.sql, new Date(at));
      // 陆雯's, accepted on the last working day, and any other whose days run that far.
      const provisional = [...by.values()].filter((r) => r.provisional);
      expect(provisional.map((r) => r.person)).toContain('陆雯');
      for (const r of provisional) expect(r.deadline!.slice(0, 4), r.person).toBe(String(year));
    } finally {
      await seeded.drop();
    }
  });

  it('in the Spring Festival holiday: every state still there, counted in working days', async () => {
    const at = '2026-02-19T08:30:00+08:00';
    const seeded = await seededAt(at);
    try {
      const calendar: Calendar = await loadCalendar(seeded.sql);
      // Seeded on a holiday: the last working day is before it.
      expect(workingDaysBefore(calendar, '2026-02-19', 0) < '2026-02-19').toBe(true);
      await expectAuthorityDemo(seeded.sql, new Date(at));
    } finally {
      await seeded.drop();
    }
  });
});

describe('seeding again', () => {
  it('changes nothing', async () => {
    const tables = [
      'accounts',
      'persons',
      'enterprises',
      'staff',
      'files',
      'legal_person_registry',
      'qualification_registry',
      'qualifications',
      'registrations',
      'applications',
      'application_events',
      'notifications',
      'correction_items',
      'correction_requests',
      'decisions',
      'decision_counters',
      'audit_events',
    ];
    const counts = async () => {
      const result: Record<string, number> = {};
      for (const table of tables) {
        const [row] = await db.sql<
          { n: number }[]
        >`select count(*)::int as n from ${db.sql(table)}`;
        result[table] = row!.n;
      }
      return result;
    };
    const before = await counts();
    expect(before.accounts).toBe(demoPersons.length + demoEnterprises.length + demoStaff.length);
    const store = createLocalFileStore(await mkdtemp(path.join(os.tmpdir(), 'demo-files-')));
    expect(await seedDemoData(db.sql, systemClock, store, configuredWorkflow())).toBe(false);
    expect(await counts()).toEqual(before);
  });
});
