import type { ApplicationDraft } from './application-draft.js';
import { missingMaterials } from './application-steps.js';
import { addDays, addMonths, businessDate } from './clock.js';
import type { WorkflowRules } from './config.js';
import type { Sql, Tx } from './db.js';
import type { Profession } from './professions.js';
import { DEMONSTRATION_ZONE_DISTRICT, professions } from './professions.js';
import type { ApplicationKind } from './workflow-table.js';
import { kindNames } from './workflow-table.js';

type Db = Sql | Tx;

export type PersonFacts = {
  personId: string;
  accountId: string;
  realNameLevel: number;
  idNumber: string;
  name: string;
  phone: string | null;
  email: string | null;
  address: string | null;
  education: string | null;
  photoFileId: string | null;
  photoDeclaredAt: Date | null;
};

export async function loadPerson(db: Db, personId: string): Promise<PersonFacts | undefined> {
  const [row] = await db<PersonFacts[]>`
    select p.id as "personId", p.account_id as "accountId", a.real_name_level as "realNameLevel",
           p.id_number as "idNumber", p.name, p.phone, p.email, p.address, p.education,
           p.photo_file_id as "photoFileId", p.photo_declared_at as "photoDeclaredAt"
    from persons p join accounts a on a.id = p.account_id
    where p.id = ${personId}`;
  return row;
}

const PROFILE_FIELDS: [keyof PersonFacts, string][] = [
  ['phone', '手机号码'],
  ['email', '电子邮箱'],
  ['address', '通讯地址'],
  ['education', '学历'],
  ['photoFileId', '近期免冠证件照'],
];

/** Rule 2: the profile fields still missing, by their Chinese names. */
export function missingProfileFields(person: PersonFacts, at: Date): string[] {
  const missing = PROFILE_FIELDS.filter(([field]) => !person[field]).map(([, name]) => name);
  const photoIsRecent =
    person.photoDeclaredAt &&
    addMonths(businessDate(person.photoDeclaredAt), 6) >= businessDate(at);
  if (person.photoFileId && !photoIsRecent) missing.push('近6个月内拍摄的免冠证件照');
  return missing;
}

export type UsableQualification = {
  profession: Profession;
  specialty: string | null;
  source: 'registry' | 'out_of_province';
};

/** In-province ones from the exam-results registry, and approved out-of-province entries (rule 14). */
export async function usableQualifications(
  db: Db,
  person: Pick<PersonFacts, 'personId' | 'idNumber'>,
): Promise<UsableQualification[]> {
  return db<UsableQualification[]>`
    select profession, specialty, 'registry' as source
    from qualification_registry where id_number = ${person.idNumber}
    union all
    select profession, null, 'out_of_province'
    from qualifications where person_id = ${person.personId}
    order by profession, specialty`;
}

export type ActiveRegistration = {
  id: string;
  registrationNumber: string;
  profession: Profession;
  enterpriseId: string;
  enterpriseName: string;
  specialties: string[];
  validUntil: string;
};

export async function activeRegistrations(db: Db, personId: string): Promise<ActiveRegistration[]> {
  return db<ActiveRegistration[]>`
    select r.id, r.registration_number as "registrationNumber", r.profession,
           r.enterprise_id as "enterpriseId", e.name as "enterpriseName", r.specialties,
           to_char(r.valid_until, 'YYYY-MM-DD') as "validUntil"
    from registrations r join enterprises e on e.id = r.enterprise_id
    where r.person_id = ${personId} and r.status = 'active'
    order by r.profession`;
}

type Enterprise = { id: string; name: string; districtCode: string | null };

async function loadEnterprise(db: Db, id: string): Promise<Enterprise | undefined> {
  const [row] = await db<Enterprise[]>`
    select id, name, district_code as "districtCode" from enterprises where id = ${id}`;
  return row;
}

export type FilingRequest = {
  personId: string;
  kind: ApplicationKind;
  profession: Profession;
  enterpriseId: string | null;
  demonstrationZone: boolean;
  draft: ApplicationDraft;
};

/**
 * Every reason the rules give why this person may not file this application now, in Chinese; empty
 * when nothing blocks it. The eligibility self-check shows them, and confirmation runs them again.
 * `complete` also asks for everything the application must hold to be confirmed.
 */
export async function filingProblems(
  db: Db,
  request: FilingRequest,
  at: Date,
  rules: WorkflowRules,
  complete: boolean,
): Promise<string[]> {
  const problems: string[] = [];
  const person = await loadPerson(db, request.personId);
  if (!person) return ['找不到您的个人信息。'];
  const { kind, profession, draft } = request;
  const info = professions[profession];
  const today = businessDate(at);

  // Rule 2.
  if (person.realNameLevel < 4) {
    problems.push(
      `您的实名认证等级为L${person.realNameLevel}，办理注册需达到L4级。请在“江苏政务服务”App中完成L4级实名认证后再申请。`,
    );
  }
  const missing = missingProfileFields(person, at);
  if (missing.length > 0) problems.push(`请先完善个人信息：${missing.join('、')}。`);

  const registrations = await activeRegistrations(db, person.personId);
  const current = registrations.find((r) => r.profession === profession);
  const qualifications = (await usableQualifications(db, person)).filter(
    (q) => q.profession === profession,
  );

  if (kind === 'out_of_province_qualification') {
    if (!info.outOfProvinceEntry) {
      problems.push('省外资格信息录入仅适用于二级注册建筑师和二级注册结构工程师。');
    } else if (qualifications.some((q) => q.source === 'out_of_province')) {
      problems.push(`您的${info.name}省外资格信息已审核通过，无需再次录入。`);
    }
    return complete ? [...problems, ...materialsAndCommitment(kind, draft)] : problems;
  }

  if (kind === 'initial') {
    if (qualifications.length === 0) {
      problems.push(
        info.outOfProvinceEntry
          ? `没有查到您的${info.name}资格。省外取得的资格，须先办理省外资格信息录入并审核通过后才能申请注册。`
          : `没有查到您的${info.name}资格。请核对资格证书信息，或咨询注册事项咨询热线。`,
      );
    }
    if (current) {
      problems.push(
        `您已有${info.name}有效注册（${current.registrationNumber}），不能再次申请初始注册。变更执业单位须先办理注销注册。`,
      );
    }
  } else if (!current) {
    problems.push(`您没有${info.name}有效注册，不能申请${kindNames[kind]}。`);
  }

  // Rule 15: every active registration with one enterprise.
  const enterpriseId = kind === 'initial' ? request.enterpriseId : (current?.enterpriseId ?? null);
  const elsewhere = registrations.find((r) => enterpriseId && r.enterpriseId !== enterpriseId);
  if (kind === 'initial' && elsewhere) {
    problems.push(
      `您在${elsewhere.enterpriseName}有有效注册，一人的所有注册须在同一聘用企业。如需变更执业单位，请先办理注销注册。`,
    );
  }

  if (kind === 'renewal' && current) {
    const opens = addDays(current.validUntil, -rules.renewalOpensDaysBefore);
    const closes = addDays(current.validUntil, -rules.renewalClosesDaysBefore);
    if (today < opens || today > closes) {
      problems.push(
        `延续注册须在注册有效期满前${rules.renewalOpensDaysBefore}日至${rules.renewalClosesDaysBefore}日之间申请（您的注册有效期至${current.validUntil}，可申请期间为${opens}至${closes}）。`,
      );
    }
  }

  if (kind === 'additional' && current && info.specialties.length === 0) {
    problems.push(`${info.name}不分专业，不能申请增项注册。`);
  }

  if (kind === 'initial' && request.demonstrationZone && profession !== 'constructor') {
    problems.push('长三角示范区注册仅限二级注册建造师。');
  }

  if (!complete) return problems;

  // What a confirmable application must hold.
  if (kind === 'initial') {
    const enterprise = request.enterpriseId
      ? await loadEnterprise(db, request.enterpriseId)
      : undefined;
    // An enterprise that has not completed its information may be chosen: it completes it before
    // it can confirm (rule 1), and its pages lead it there.
    if (!enterprise) problems.push('请选择聘用企业。');
    else if (request.demonstrationZone && enterprise.districtCode !== DEMONSTRATION_ZONE_DISTRICT) {
      problems.push(DEMONSTRATION_ZONE_EMPLOYER);
    }
  }
  if (kind === 'initial' || kind === 'additional') {
    problems.push(...specialtyProblems(kind, profession, draft, qualifications, current));
  }
  if (hasContract(kind)) {
    problems.push(...contractProblems(draft, today, rules));
  }
  if (kind === 'personal_change' && Object.keys(draft.change ?? {}).length === 0) {
    problems.push('请填写要变更的个人信息。');
  }
  return [...problems, ...materialsAndCommitment(kind, draft)];
}

function materialsAndCommitment(kind: ApplicationKind, draft: ApplicationDraft): string[] {
  const problems: string[] = [];
  const missingScans = missingMaterials(kind, draft);
  if (missingScans.length > 0) problems.push(`请上传：${missingScans.join('、')}。`);
  if (!draft.commitment) {
    problems.push('请阅读并勾选承诺：所填信息真实有效，本人承担相应法律责任。');
  }
  return problems;
}

function specialtyProblems(
  kind: 'initial' | 'additional',
  profession: Profession,
  draft: ApplicationDraft,
  qualifications: UsableQualification[],
  current: ActiveRegistration | undefined,
): string[] {
  const info = professions[profession];
  if (info.specialties.length === 0) return [];
  const chosen = draft.specialties ?? [];
  if (chosen.length === 0) return ['请选择注册专业。'];
  const qualified = new Set(qualifications.map((q) => q.specialty));
  const problems: string[] = [];
  for (const specialty of chosen) {
    if (!info.specialties.includes(specialty))
      problems.push(`“${specialty}”不是${info.name}的专业。`);
    else if (!qualified.has(specialty)) problems.push(`您没有${specialty}专业的${info.name}资格。`);
    else if (kind === 'additional' && current?.specialties.includes(specialty)) {
      problems.push(`您已注册${specialty}专业，增项注册请选择新的专业。`);
    }
  }
  return problems;
}

/** Rule 13: the employer of a demonstration-zone registration. */
export const DEMONSTRATION_ZONE_EMPLOYER =
  '长三角示范区注册的聘用企业须为工商注册地在苏州市吴江区的企业。';

/** The kinds that state the person's employment and labour contract (rule 3). */
export function hasContract(kind: ApplicationKind): boolean {
  return kind === 'initial' || kind === 'additional' || kind === 'renewal';
}

/** The last day a labour contract may end on, confirmed or submitted `today` (rule 3). */
function contractMustRunUntil(today: string, rules: WorkflowRules): string {
  return addMonths(today, rules.contractMinMonths);
}

/** Rule 3: the labour contract must run at least three months (inclusive) past today. */
export function contractProblems(
  draft: ApplicationDraft,
  today: string,
  rules: WorkflowRules,
): string[] {
  const employment = draft.employment ?? {};
  const problems: string[] = [];
  if (!employment.position) problems.push('请填写聘用岗位。');
  if (!employment.contractStart || !employment.contractEnd) {
    problems.push('请填写劳动合同起止日期。');
    return problems;
  }
  if (employment.contractEnd <= employment.contractStart) {
    problems.push('劳动合同终止日期须晚于起始日期。');
  }
  const mustRunUntil = contractMustRunUntil(today, rules);
  if (employment.contractEnd < mustRunUntil) {
    problems.push(
      `劳动合同须自申请确认之日起${rules.contractMinMonths}个月以上有效（至少到${mustRunUntil}），请核对劳动合同终止日期。`,
    );
  }
  return problems;
}

/**
 * Rule 3 again when the enterprise submits: the frozen contract must still run three months past
 * the day of submission. The enterprise cannot edit the person's contract, so the message says
 * what it can do: return the application for the person to correct.
 */
export function contractAtSubmissionProblems(
  draft: ApplicationDraft,
  today: string,
  rules: WorkflowRules,
): string[] {
  const end = draft.employment?.contractEnd;
  const mustRunUntil = contractMustRunUntil(today, rules);
  if (end && end >= mustRunUntil) return [];
  return [
    `劳动合同须自提交之日起${rules.contractMinMonths}个月以上有效（至少到${mustRunUntil}），这项申请的劳动合同${end ? `${end}到期` : '未填写终止日期'}，不能提交。请退回申请人，核对劳动合同后重新确认。`,
  ];
}
