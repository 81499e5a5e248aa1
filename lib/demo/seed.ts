import { birthDateFromIdNumber, genderFromIdNumber, hashPassword } from '../identity/index.js';
import type { ApplicationDraft, ApplicationKind } from '../workflow/index.js';
import type { EducationLevel } from '../reference/index.js';
import { addDays, addMonths, businessDate, recordAudit } from '../platform/index.js';
import type { Clock, Sql, Tx } from '../platform/index.js';
import type { Profession } from '../reference/index.js';
import { professions } from '../reference/index.js';
import { nextRegistrationNumber } from '../registrations/index.js';
import { findTransition, snapshotOf, toConfirmMessage } from '../workflow/index.js';
import { materialsFor } from '../filing/index.js';
import { demoPhoto, demoScan } from './files.js';
import type { FileStore } from '../files/index.js';
import { storeFile } from '../files/index.js';
import type { AccountKind } from '../identity/index.js';

// Demo data (DESIGN.md §6): real-looking people and enterprises of Jiangsu, one for each thing the
// demo should show; the README's "Demo logins" table says which is which. ID numbers and credit
// codes carry valid check characters (lib/identity/identifiers.ts); dates are relative to the seeding
// clock, so registrations and contracts are always as current as described.

/** The password of every demo account (README lists the logins). Demo data is never seeded in production. */
export const DEMO_PASSWORD = 'Demo@2026';

type Education = EducationLevel;

/** A qualification in the province's exam-results registry (qualification_registry). */
type RegistryQualification = {
  profession: Profession;
  specialty: string | null;
  certificateNumber: string;
  passYear: number;
};

/** An active registration; its validity is the profession's, ending `endsInDays` after seeding. */
type DemoRegistration = {
  enterprise: string;
  profession: Profession;
  specialties: readonly string[];
  endsInDays: number;
};

/** An application the person has started and confirmed, left where confirmation puts it. */
type DemoApplication = {
  kind: Extract<ApplicationKind, 'initial' | 'out_of_province_qualification'>;
  profession: Profession;
  /** Credit code of the employing enterprise; none for an out-of-province entry. */
  enterprise: string | null;
  demonstrationZone: boolean;
  startedDaysAgo: number;
  confirmedDaysAgo: number;
  /** The labour contract starts on the 1st of a past month and runs whole years. */
  employment?: { position: string; contractStartedMonthsAgo: number; contractYears: number };
  specialties?: readonly string[];
  outOfProvince?: {
    examProvince: string;
    certificateNumber: string;
    passYear: number;
    registeredElsewhere: boolean;
  };
};

export type DemoPerson = {
  idNumber: string;
  name: string;
  /** Real-name level of the identity login; 4 unless given. */
  realNameLevel?: 1 | 2 | 3 | 4;
  /** null where the profile is incomplete (rule 2 sends the person to complete it). */
  phone: string | null;
  email: string | null;
  address: string | null;
  education: Education | null;
  qualifications: readonly RegistryQualification[];
  registrations?: readonly DemoRegistration[];
  applications?: readonly DemoApplication[];
};

type EnterpriseInformation = {
  legalRepresentative: string;
  address: string;
  contactName: string;
  contactPhone: string;
};

export type DemoEnterprise = {
  creditCode: string;
  name: string;
  districtCode: string;
  /** null: not yet completed on first login (rule 1). */
  information: EnterpriseInformation | null;
  /** The legal-person registry's name when it is no longer the enterprise's (a rename, rule 9). */
  registryName?: string;
};

const HUAJIAN = '91320102MA1X7H2K3F';
const WUJIANG = '91320509MA1W5L8T0W';
const NINGYUAN = '91320106MA1N3R6P53';
const GUSU = '91320500MA1Y8Q4U2L';
const XINCHENG = '91320104MA1MXC5R7H';
const XIJIAN = '91320211136012847C';

export const demoEnterprises = [
  {
    creditCode: HUAJIAN,
    name: '江苏华建建设工程有限公司',
    districtCode: '320102',
    information: {
      legalRepresentative: '黄建国',
      address: '南京市玄武区中山路268号汇杰广场15楼',
      contactName: '马晓燕',
      contactPhone: '025-84671208',
    },
  },
  {
    creditCode: WUJIANG,
    name: '苏州吴江长三角示范区建设有限公司',
    districtCode: '320509',
    information: {
      legalRepresentative: '钱国华',
      address: '苏州市吴江区黎里镇汾湖大道558号',
      contactName: '沈佳',
      contactPhone: '0512-63291576',
    },
  },
  {
    creditCode: NINGYUAN,
    name: '南京宁远工程造价咨询有限公司',
    districtCode: '320106',
    information: {
      legalRepresentative: '许志宏',
      address: '南京市鼓楼区湖南路16号凤凰广场B座9楼',
      contactName: '蒋丽',
      contactPhone: '025-83315902',
    },
  },
  {
    creditCode: GUSU,
    name: '苏州姑苏建筑设计研究院有限公司',
    districtCode: '320508',
    information: {
      legalRepresentative: '顾明远',
      address: '苏州市姑苏区干将西路1288号',
      contactName: '朱颖',
      contactPhone: '0512-65218843',
    },
  },
  // Has not completed its information: cannot confirm anything yet, nor be chosen as employer.
  {
    creditCode: XINCHENG,
    name: '南京新城建设工程有限公司',
    districtCode: '320104',
    information: null,
  },
  // Renamed in the legal-person registry: may file an enterprise rename.
  {
    creditCode: XIJIAN,
    name: '无锡锡建工程有限公司',
    districtCode: '320211',
    information: {
      legalRepresentative: '邹卫东',
      address: '无锡市滨湖区梁溪路35号',
      contactName: '华丽娟',
      contactPhone: '0510-85127730',
    },
    registryName: '无锡锡建建设集团有限公司',
  },
] as const satisfies readonly DemoEnterprise[];

/** Contract of an initial application: on the 1st of a past month, for three years. */
const contract = (position: string, contractStartedMonthsAgo: number) => ({
  position,
  contractStartedMonthsAgo,
  contractYears: 3,
});

export const demoPersons = [
  // Constructor registered at 江苏华建 (建筑工程) with 60 days of validity left: renewal is open;
  // qualified in 市政公用工程 too, so an additional registration can add it.
  {
    idNumber: '320102198503141235',
    name: '张伟',
    phone: '13851736420',
    email: 'zhangwei1985@example.com',
    address: '南京市玄武区龙蟠路9号紫金花园12栋2单元501室',
    education: '本科',
    qualifications: [
      {
        profession: 'constructor',
        specialty: '建筑工程',
        certificateNumber: '32201410031286',
        passYear: 2014,
      },
      {
        profession: 'constructor',
        specialty: '市政公用工程',
        certificateNumber: '32201710057413',
        passYear: 2017,
      },
    ],
    registrations: [
      { enterprise: HUAJIAN, profession: 'constructor', specialties: ['建筑工程'], endsInDays: 60 },
    ],
  },
  // Cost engineer without a registration; her initial application waits for 南京宁远 to confirm.
  {
    idNumber: '320505199007212343',
    name: '李娜',
    phone: '15950187342',
    email: 'lina0721@example.com',
    address: '南京市建邺区江东中路311号中泰国际广场5栋1802室',
    education: '硕士研究生',
    qualifications: [
      {
        profession: 'cost_engineer',
        specialty: '土木建筑工程',
        certificateNumber: '32202020014527',
        passYear: 2020,
      },
    ],
    applications: [
      {
        kind: 'initial',
        profession: 'cost_engineer',
        enterprise: NINGYUAN,
        demonstrationZone: false,
        startedDaysAgo: 3,
        confirmedDaysAgo: 2,
        employment: contract('造价工程师', 8),
        specialties: ['土木建筑工程'],
      },
    ],
  },
  // Architect qualified in Jiangsu, not registered: may file an initial registration.
  {
    idNumber: '320106198809080565',
    name: '王芳',
    phone: '18951762039',
    email: 'wangfang88@example.com',
    address: '南京市鼓楼区汉中门大街301号南艺后街小区3栋702室',
    education: '硕士研究生',
    qualifications: [
      {
        profession: 'architect',
        specialty: null,
        certificateNumber: '32201630008174',
        passYear: 2016,
      },
    ],
  },
  // Structural engineer registered at 苏州姑苏建筑设计研究院.
  {
    idNumber: '320583199201023457',
    name: '刘强',
    phone: '13776028451',
    email: 'liuqiang92@example.com',
    address: '苏州市姑苏区人民路1088号书香世家12幢301室',
    education: '本科',
    qualifications: [
      {
        profession: 'structural_engineer',
        specialty: null,
        certificateNumber: '32201840006239',
        passYear: 2018,
      },
    ],
    registrations: [
      { enterprise: GUSU, profession: 'structural_engineer', specialties: [], endsInDays: 700 },
    ],
  },
  // Real-name level L2: told to reach L4 in the 江苏政务服务 app before applying.
  {
    idNumber: '320211199106183710',
    name: '赵磊',
    realNameLevel: 2,
    phone: '15062318974',
    email: 'zhaolei0618@example.com',
    address: '无锡市滨湖区蠡湖大道2008号湖景苑8栋1101室',
    education: '大专',
    qualifications: [
      {
        profession: 'constructor',
        specialty: '公路工程',
        certificateNumber: '32202010092358',
        passYear: 2020,
      },
    ],
  },
  // Profile without phone, address and education: sent to complete it before applying.
  {
    idNumber: '320612199411052643',
    name: '孙丽',
    phone: null,
    email: 'sunli1105@example.com',
    address: null,
    education: null,
    qualifications: [
      {
        profession: 'cost_engineer',
        specialty: '交通运输工程',
        certificateNumber: '32202220031764',
        passYear: 2022,
      },
    ],
  },
  // Architect qualified in Zhejiang: the out-of-province entry awaits the authority.
  {
    idNumber: '321002198703221534',
    name: '吴昊',
    phone: '13914025687',
    email: 'wuhao0322@example.com',
    address: '扬州市广陵区文昌中路468号文昌花园6幢402室',
    education: '本科',
    qualifications: [],
    applications: [
      {
        kind: 'out_of_province_qualification',
        profession: 'architect',
        enterprise: null,
        demonstrationZone: false,
        startedDaysAgo: 12,
        confirmedDaysAgo: 11,
        outOfProvince: {
          examProvince: '浙江',
          certificateNumber: '33201530007215',
          passYear: 2015,
          registeredElsewhere: false,
        },
      },
    ],
  },
  // Registered in two professions, both at 江苏华建 (rule 15: one enterprise).
  {
    idNumber: '320104198309120820',
    name: '陈静',
    phone: '18762093145',
    email: 'chenjing83@example.com',
    address: '南京市秦淮区中山南路399号朝天宫小区5幢203室',
    education: '本科',
    qualifications: [
      {
        profession: 'constructor',
        specialty: '机电工程',
        certificateNumber: '32201310024691',
        passYear: 2013,
      },
      {
        profession: 'cost_engineer',
        specialty: '安装工程',
        certificateNumber: '32201920008352',
        passYear: 2019,
      },
    ],
    registrations: [
      {
        enterprise: HUAJIAN,
        profession: 'constructor',
        specialties: ['机电工程'],
        endsInDays: 880,
      },
      {
        enterprise: HUAJIAN,
        profession: 'cost_engineer',
        specialties: ['安装工程'],
        endsInDays: 1030,
      },
    ],
  },
  // Demonstration-zone initial registration (constructor, Wujiang enterprise) awaiting the
  // enterprise. 320584 is Wujiang's code from before it became a district (320509) in 2012.
  {
    idNumber: '320584199005274175',
    name: '沈浩',
    phone: '13338627016',
    email: 'shenhao0527@example.com',
    address: '苏州市吴江区松陵镇中山南路1128号江南花园9幢602室',
    education: '本科',
    qualifications: [
      {
        profession: 'constructor',
        specialty: '建筑工程',
        certificateNumber: '32202110068845',
        passYear: 2021,
      },
    ],
    applications: [
      {
        kind: 'initial',
        profession: 'constructor',
        enterprise: WUJIANG,
        demonstrationZone: true,
        startedDaysAgo: 2,
        confirmedDaysAgo: 1,
        employment: contract('项目技术负责人', 3),
        specialties: ['建筑工程'],
      },
    ],
  },
  // Initial application waiting for 南京新城, which must complete its information first (rule 1).
  {
    idNumber: '320104199306153736',
    name: '朱晨',
    phone: '13770925318',
    email: 'zhuchen0615@example.com',
    address: '南京市秦淮区中华路420号秦淮名居3栋1105室',
    education: '本科',
    qualifications: [
      {
        profession: 'constructor',
        specialty: '市政公用工程',
        certificateNumber: '32202210071932',
        passYear: 2022,
      },
    ],
    applications: [
      {
        kind: 'initial',
        profession: 'constructor',
        enterprise: XINCHENG,
        demonstrationZone: false,
        startedDaysAgo: 2,
        confirmedDaysAgo: 1,
        employment: contract('施工员', 4),
        specialties: ['市政公用工程'],
      },
    ],
  },
  // Constructor registered at 无锡锡建 (whose registry name changed: rule 9); his initial
  // cost-engineer application waits for it too.
  {
    idNumber: '320211198811032956',
    name: '徐明',
    phone: '13961874205',
    email: 'xuming1103@example.com',
    address: '无锡市滨湖区湖滨路88号湖滨花园6幢302室',
    education: '本科',
    qualifications: [
      {
        profession: 'constructor',
        specialty: '建筑工程',
        certificateNumber: '32201610042287',
        passYear: 2016,
      },
      {
        profession: 'cost_engineer',
        specialty: '土木建筑工程',
        certificateNumber: '32202310019364',
        passYear: 2023,
      },
    ],
    registrations: [
      { enterprise: XIJIAN, profession: 'constructor', specialties: ['建筑工程'], endsInDays: 420 },
    ],
    applications: [
      {
        kind: 'initial',
        profession: 'cost_engineer',
        enterprise: XIJIAN,
        demonstrationZone: false,
        startedDaysAgo: 1,
        confirmedDaysAgo: 1,
        employment: contract('造价员', 10),
        specialties: ['土木建筑工程'],
      },
    ],
  },
] as const satisfies readonly DemoPerson[];

export const demoStaff = [
  { username: 'shenhe01', name: '周敏', role: 'officer' },
  { username: 'guanli01', name: '陈立', role: 'admin' },
] as const;

/** The declared date of the demo photo: within the 6 months rule 2 asks for. */
const PHOTO_DECLARED_DAYS_AGO = 30;

const DAY_MS = 24 * 3600_000;
const daysBefore = (at: Date, days: number) => new Date(at.getTime() - days * DAY_MS);

/** One seeding: its transaction, its moment, and the demo password's hash. */
type Seeding = {
  tx: Tx;
  at: Date;
  passwordHash: string;
  store: FileStore;
  /** The bytes of the demo photo and of the demo scan (stored once: files are content-addressed). */
  photo: Buffer;
  scan: Buffer;
};

/**
 * Seeds the demo data in one transaction. Does nothing when accounts already exist, so every
 * start may call it; only the embedded database outside production gets it.
 */
export async function seedDemoData(sql: Sql, clock: Clock, store: FileStore): Promise<boolean> {
  const [photo, scan] = await Promise.all([demoPhoto(), demoScan()]);
  return sql.begin(async (tx) => {
    await tx`lock table accounts in exclusive mode`;
    const [existing] = await tx`select 1 from accounts limit 1`;
    if (existing) return false;
    // One argon2 hash for every demo account (they share the published password): hashing each
    // would add about half a second per account to the first start and to every test run.
    const s: Seeding = {
      tx,
      at: clock.now(),
      passwordHash: await hashPassword(DEMO_PASSWORD),
      store,
      photo,
      scan,
    };
    const enterprises = new Map<string, Seeded>();
    for (const e of demoEnterprises) {
      enterprises.set(e.creditCode, await insertEnterprise(s, e));
      await insertLegalPerson(s, e);
    }
    for (const p of demoPersons) {
      const person = await insertPerson(s, p);
      for (const q of p.qualifications) await insertRegistryQualification(s, p, q);
      for (const r of registrationsOf(p)) {
        await insertRegistration(s, person, enterprises.get(r.enterprise)!, r);
      }
      for (const a of applicationsOf(p)) {
        const enterprise = a.enterprise === null ? null : enterprises.get(a.enterprise)!;
        await insertApplication(s, person, enterprise, a);
      }
    }
    for (const staff of demoStaff) {
      const accountId = await insertAccount(s, 'staff', staff.username, staff.name);
      await tx`insert into staff (account_id, name, role)
               values (${accountId}, ${staff.name}, ${staff.role})`;
    }
    await recordAudit(tx, { at: s.at, actorAccountId: null, action: 'demo_data_seeded' });
    return true;
  });
}

const registrationsOf = (p: DemoPerson) => p.registrations ?? [];
const applicationsOf = (p: DemoPerson) => p.applications ?? [];

/** A seeded person or enterprise: its row and its account. */
type Seeded = { id: string; accountId: string; name: string; creditCode?: string };

async function insertAccount(
  { tx, at, passwordHash }: Seeding,
  kind: AccountKind,
  loginId: string,
  displayName: string,
  realNameLevel: number | null = null,
): Promise<string> {
  const [row] = await tx<{ id: string }[]>`
    insert into accounts (kind, login_id, display_name, password_hash, real_name_level, created_at)
    values (${kind}, ${loginId}, ${displayName}, ${passwordHash}, ${realNameLevel}, ${at})
    returning id`;
  return row!.id;
}

async function insertEnterprise(s: Seeding, e: DemoEnterprise): Promise<Seeded> {
  const { tx, at } = s;
  const accountId = await insertAccount(s, 'enterprise', e.creditCode, e.name);
  const info = e.information;
  const [row] = await tx<{ id: string }[]>`
    insert into enterprises (account_id, credit_code, name, district_code, legal_representative,
                             address, contact_name, contact_phone, information_completed_at)
    values (${accountId}, ${e.creditCode}, ${e.name}, ${e.districtCode},
            ${info?.legalRepresentative ?? null}, ${info?.address ?? null},
            ${info?.contactName ?? null}, ${info?.contactPhone ?? null}, ${info ? at : null})
    returning id`;
  return { id: row!.id, accountId, name: e.name, creditCode: e.creditCode };
}

async function insertLegalPerson({ tx, at }: Seeding, e: DemoEnterprise) {
  await tx`
    insert into legal_person_registry (credit_code, name, updated_at)
    values (${e.creditCode}, ${e.registryName ?? e.name}, ${at})`;
}

async function insertPerson(s: Seeding, p: DemoPerson): Promise<Seeded> {
  const { tx, at } = s;
  const accountId = await insertAccount(s, 'person', p.idNumber, p.name, p.realNameLevel ?? 4);
  const photoFileId = await storeFile(tx, s.store, {
    bytes: s.photo,
    contentType: 'image/jpeg',
    originalName: '证件照.jpg',
    ownerAccountId: accountId,
    at,
  });
  const [row] = await tx<{ id: string }[]>`
    insert into persons (account_id, id_number, name, gender, birth_date, education, phone, email,
                         address, photo_file_id, photo_declared_at)
    values (${accountId}, ${p.idNumber}, ${p.name}, ${genderFromIdNumber(p.idNumber)},
            ${birthDateFromIdNumber(p.idNumber)}, ${p.education}, ${p.phone}, ${p.email},
            ${p.address}, ${photoFileId}, ${daysBefore(at, PHOTO_DECLARED_DAYS_AGO)})
    returning id`;
  return { id: row!.id, accountId, name: p.name };
}

async function insertRegistryQualification(
  { tx }: Seeding,
  p: DemoPerson,
  q: RegistryQualification,
) {
  await tx`
    insert into qualification_registry
      (certificate_number, id_number, name, profession, specialty, pass_year)
    values (${q.certificateNumber}, ${p.idNumber}, ${p.name}, ${q.profession}, ${q.specialty},
            ${q.passYear})`;
}

async function insertRegistration(
  { tx, at }: Seeding,
  person: Seeded,
  enterprise: Seeded,
  r: DemoRegistration,
) {
  const validUntil = addDays(businessDate(at), r.endsInDays);
  const years = professions[r.profession].validityYears;
  const validFrom = addDays(addMonths(validUntil, -12 * years), 1);
  const number = await nextRegistrationNumber(tx, r.profession, validFrom);
  await tx`
    insert into registrations (registration_number, person_id, enterprise_id, profession,
                               specialties, valid_from, valid_until, status, created_at)
    values (${number}, ${person.id}, ${enterprise.id}, ${r.profession}, ${[...r.specialties]},
            ${validFrom}, ${validUntil}, 'active', ${new Date(`${validFrom}T09:00:00+08:00`)})`;
}

/** What the person entered in the wizard, with the contract dates worked out from `today`. */
function draftOf(a: DemoApplication, today: string): ApplicationDraft {
  const e = a.employment;
  const contractStart = e && `${addMonths(today, -e.contractStartedMonthsAgo).slice(0, 8)}01`;
  return {
    eligibilityChecked: true,
    ...(e && {
      employment: {
        position: e.position,
        contractStart,
        contractEnd: addDays(addMonths(contractStart!, 12 * e.contractYears), -1),
      },
    }),
    ...(a.specialties && { specialties: [...a.specialties] }),
    ...(a.outOfProvince && { outOfProvince: { ...a.outOfProvince } }),
    commitment: true,
  };
}

/**
 * An application as the workflow leaves it after the person's confirmation: the row at version 1
 * with its frozen snapshot (the same shape and hash as `snapshotOf` in lib/workflow/snapshot.ts), the
 * `start` and `confirm` events, and the enterprise's to-do notification.
 */
async function insertApplication(
  s: Seeding,
  person: Seeded,
  enterprise: Seeded | null,
  a: DemoApplication,
) {
  const { tx, at } = s;
  const startedAt = daysBefore(at, a.startedDaysAgo);
  const confirmedAt = daysBefore(at, a.confirmedDaysAgo);
  const state = findTransition(a.kind, 'draft', 'confirm', 'person')!.to;
  const [serial] = await tx<{ n: string }[]>`select nextval('application_serial')::text as n`;
  const applicationNumber = `SQ${businessDate(startedAt).replaceAll('-', '')}${serial!.n.padStart(6, '0')}`;
  const draft = draftOf(a, businessDate(confirmedAt));
  // The scans the wizard asks for, uploaded by the person.
  const uploads: Record<string, string> = {};
  for (const m of materialsFor(a.kind, draft)) {
    uploads[m.purpose] = await storeFile(tx, s.store, {
      bytes: s.scan,
      contentType: 'image/jpeg',
      originalName: `${m.name}.jpg`,
      ownerAccountId: person.accountId,
      at: startedAt,
    });
  }
  draft.uploads = uploads;
  const { snapshot, hash } = await snapshotOf(tx, {
    applicationNumber,
    kind: a.kind,
    profession: a.profession,
    demonstrationZone: a.demonstrationZone,
    personId: person.id,
    enterpriseId: enterprise?.id ?? null,
    draft,
  });
  const [row] = await tx<{ id: string }[]>`
    insert into applications
      (application_number, kind, profession, person_id, enterprise_id, handed_to_enterprise_id,
       demonstration_zone, state, version, draft, snapshot, snapshot_version, snapshot_hash,
       started_at, state_changed_at)
    values (${applicationNumber}, ${a.kind}, ${a.profession}, ${person.id},
            ${enterprise?.id ?? null}, ${enterprise?.id ?? null}, ${a.demonstrationZone}, ${state},
            1, ${tx.json(draft)},
            ${tx.json(snapshot)}, 1, ${hash}, ${startedAt}, ${confirmedAt})
    returning id`;
  const event = (version: number, action: string, from: string | null, to: string, when: Date) => ({
    application_id: row!.id,
    version,
    action,
    actor_role: 'person',
    actor_account_id: person.accountId,
    from_state: from,
    to_state: to,
    occurred_at: when,
  });
  await tx`
    insert into application_events ${tx([
      event(0, 'start', null, 'draft', startedAt),
      event(1, 'confirm', 'draft', state, confirmedAt),
    ])}`;
  if (enterprise && state === 'awaiting_enterprise') {
    await tx`
      insert into notifications (account_id, application_id, message, is_to_do, created_at)
      values (${enterprise.accountId}, ${row!.id},
              ${toConfirmMessage(person.name, a.kind, a.profession, applicationNumber)}, true,
              ${confirmedAt})`;
  }
}
