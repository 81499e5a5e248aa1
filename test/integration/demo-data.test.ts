import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import {
  addDays,
  addMonths,
  businessDate,
  loadConfig,
  systemClock,
} from '../../lib/platform/index.js';
import {
  DEMO_PASSWORD,
  demoEnterprises,
  demoPersons,
  demoStaff,
  seedDemoData,
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
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

const draftFields = applicationDraftSchema.shape;
const today = () => businessDate(systemClock.now());
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
      if (row.address !== null) expect(row.address).toMatch(/^(南京|无锡|苏州|南通|扬州)市/);
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
      { number: string; profession: Profession; validFrom: string; validUntil: string }[]
    >`
      select registration_number as number, profession,
             to_char(valid_from, 'YYYY-MM-DD') as "validFrom",
             to_char(valid_until, 'YYYY-MM-DD') as "validUntil"
      from registrations order by registration_number`;
    expect(rows.length).toBe(5);
    for (const r of rows) {
      expect(r.number).toMatch(REGISTRATION_NUMBER_PATTERN);
      expect(r.number.slice(1, 2)).toBe(String(professions[r.profession].digit));
      expect(r.number.slice(2, 6)).toBe(r.validFrom.slice(0, 4));
      const years = professions[r.profession].validityYears;
      expect(addDays(addMonths(r.validUntil, -12 * years), 1)).toBe(r.validFrom);
      expect(r.validFrom < today()).toBe(true);
    }
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
    expect(apps.length).toBe(5);
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
        expect(findTransition(a.kind, e.from!, e.action as Action, e.role)?.to).toBe(e.to);
      }
      expect(events.at(-1)!.to).toBe(a.state);
    }
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
      ]);
      expect(Object.keys((a.snapshot as { person: object }).person).sort()).toEqual([
        'address',
        'education',
        'email',
        'idNumber',
        'name',
        'phone',
        'photoFileId',
      ]);
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
    expect(await seedDemoData(db.sql, systemClock, store)).toBe(false);
    expect(await counts()).toEqual(before);
  });
});
