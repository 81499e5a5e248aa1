import type { Db, Problem, WorkflowRules } from '../platform/index.js';
import type { PersonFacts, UsableQualification } from '../person/index.js';
import { loadPerson, missingProfileFields, usableQualifications } from '../person/index.js';
import type { Profession } from '../reference/index.js';
import { DEMONSTRATION_ZONE_DISTRICT, professions } from '../reference/index.js';
import type { ActiveRegistration } from '../registrations/index.js';
import { activeRegistrations } from '../registrations/index.js';
import type { ApplicationDraft, ApplicationKind, Guard, State } from '../workflow/index.js';
import { FINAL_STATES, kindNames, readDraft } from '../workflow/index.js';
import { confirmDeadline } from './drafts.js';
import { missingMaterials } from './materials.js';
import { addDays, addMonths, businessDate } from '../platform/index.js';

/**
 * The rules a person's application must meet (DESIGN.md §3 rules 2, 3, 13, 14, 15, the renewal
 * window and what a confirmable application holds), in two parts: `loadFilingFacts` reads what the
 * rules look at, and `filingProblemsOf` is the rules themselves, a pure function of those facts.
 */

export type FilingRequest = {
  /** The application being filed, once it exists (its own openness never counts against it). */
  applicationId?: string;
  personId: string;
  kind: ApplicationKind;
  profession: Profession;
  enterpriseId: string | null;
  demonstrationZone: boolean;
  draft: ApplicationDraft;
};

/**
 * What the rules are asked: `eligibility` is the self-check before the person fills anything in;
 * `confirmation` also asks for everything the application must hold to be confirmed.
 */
export type FilingScope = 'eligibility' | 'confirmation';

export type EmployerFacts = { id: string; name: string; districtCode: string | null };

/** The facts the filing rules look at, loaded once. */
export type FilingFacts = {
  person: PersonFacts;
  /** The person's registrations in force, in every profession. */
  registrations: ActiveRegistration[];
  /** The person's usable qualifications in the application's profession. */
  qualifications: UsableQualification[];
  /** The employer chosen for an initial application, if one is and it exists. */
  employer: EmployerFacts | undefined;
  /**
   * The person's other initial applications handed to an enterprise and still open: each would
   * create a registration there (rule 15 counts them like registrations).
   */
  openInitials: OpenInitial[];
};

export type OpenInitial = {
  id: string;
  applicationNumber: string;
  profession: Profession;
  enterpriseId: string;
  enterpriseName: string;
};

export async function loadFilingFacts(
  db: Db,
  request: Pick<
    FilingRequest,
    'applicationId' | 'personId' | 'kind' | 'profession' | 'enterpriseId'
  >,
): Promise<FilingFacts | undefined> {
  const person = await loadPerson(db, request.personId);
  if (!person) return undefined;
  // The employer and the other initial applications matter only to an initial application.
  const initial = request.kind === 'initial';
  const [registrations, qualifications, employer, openInitials] = await Promise.all([
    activeRegistrations(db, person.personId),
    usableQualifications(db, person),
    initial && request.enterpriseId
      ? db<EmployerFacts[]>`
          select id, name, district_code as "districtCode" from enterprises
          where id = ${request.enterpriseId}`.then((rows) => rows[0])
      : undefined,
    initial
      ? db<OpenInitial[]>`
      select a.id, a.application_number as "applicationNumber", a.profession,
             a.enterprise_id as "enterpriseId", e.name as "enterpriseName"
      from applications a join enterprises e on e.id = a.enterprise_id
      where a.person_id = ${request.personId} and a.kind = 'initial'
        and a.id is distinct from ${request.applicationId ?? null}::uuid
        and a.state not in ${db(['draft', ...FINAL_STATES] as State[])}
      order by a.started_at`
      : [],
  ]);
  return {
    person,
    registrations,
    qualifications: qualifications.filter((q) => q.profession === request.profession),
    employer,
    openInitials,
  };
}

/**
 * Every reason the rules give why this person may not file this application now; empty when
 * nothing blocks it. The eligibility self-check shows them, and confirmation runs them again.
 */
export async function filingProblems(
  db: Db,
  request: FilingRequest,
  at: Date,
  rules: WorkflowRules,
  scope: FilingScope,
): Promise<Problem[]> {
  const facts = await loadFilingFacts(db, request);
  if (!facts) return [{ code: 'person_missing', message: '找不到您的个人信息。' }];
  return filingProblemsOf(facts, request, at, rules, scope);
}

/** The filing rules over their facts (see filingProblems). */
export function filingProblemsOf(
  facts: FilingFacts,
  request: FilingRequest,
  at: Date,
  rules: WorkflowRules,
  scope: FilingScope,
): Problem[] {
  const problems: Problem[] = [];
  const { person, registrations, qualifications } = facts;
  const { kind, profession, draft } = request;
  const info = professions[profession];
  const today = businessDate(at);

  // Rule 2.
  if (person.realNameLevel < 4) {
    problems.push({
      code: 'real_name_level',
      message: `您的实名认证等级为L${person.realNameLevel}，办理注册需达到L4级。请在“江苏政务服务”App中完成L4级实名认证后再申请。`,
    });
  }
  const missing = missingProfileFields(person, at);
  if (missing.length > 0) {
    problems.push({
      code: 'profile_incomplete',
      message: `请先完善个人信息：${missing.join('、')}。`,
    });
  }

  const current = registrations.find((r) => r.profession === profession);

  if (kind === 'out_of_province_qualification') {
    if (!info.outOfProvinceEntry) {
      problems.push({
        code: 'out_of_province_not_applicable',
        message: '省外资格信息录入仅适用于二级注册建筑师和二级注册结构工程师。',
      });
    } else if (qualifications.some((q) => q.source === 'out_of_province')) {
      problems.push({
        code: 'out_of_province_already_approved',
        message: `您的${info.name}省外资格信息已审核通过，无需再次录入。`,
      });
    }
    return scope === 'confirmation'
      ? [...problems, ...materialsAndCommitment(kind, draft)]
      : problems;
  }

  if (kind === 'initial') {
    if (qualifications.length === 0) {
      problems.push({
        code: 'not_qualified',
        message: info.outOfProvinceEntry
          ? `没有查到您的${info.name}资格。省外取得的资格，须先办理省外资格信息录入并审核通过后才能申请注册。`
          : `没有查到您的${info.name}资格。请核对资格证书信息，或咨询注册事项咨询热线。`,
      });
    }
    if (current) {
      problems.push({
        code: 'already_registered',
        message: `您已有${info.name}有效注册（${current.registrationNumber}），不能再次申请初始注册。变更执业单位须先办理注销注册。`,
      });
    }
  } else if (!current) {
    problems.push({
      code: 'not_registered',
      message: `您没有${info.name}有效注册，不能申请${kindNames[kind]}。`,
    });
  }

  // Rule 15: every active registration with one enterprise.
  const enterpriseId = kind === 'initial' ? request.enterpriseId : (current?.enterpriseId ?? null);
  const elsewhere = registrations.find((r) => enterpriseId && r.enterpriseId !== enterpriseId);
  if (kind === 'initial' && elsewhere) {
    problems.push({
      code: 'registered_elsewhere',
      message: `您在${elsewhere.enterpriseName}有有效注册，一人的所有注册须在同一聘用企业。如需变更执业单位，请先办理注销注册。`,
    });
  }
  // And the initial applications on their way to a registration at another enterprise.
  const openElsewhere = facts.openInitials.find(
    (a) => enterpriseId && a.enterpriseId !== enterpriseId,
  );
  if (kind === 'initial' && openElsewhere) {
    problems.push({
      code: 'open_application_elsewhere',
      message: `您有一项${professions[openElsewhere.profession].name}初始注册申请（${openElsewhere.applicationNumber}）正在由${openElsewhere.enterpriseName}办理，一人的所有注册须在同一聘用企业。请选择${openElsewhere.enterpriseName}，或待该申请办结、撤回后再选择其他企业。`,
      applicationId: openElsewhere.id,
    });
  }

  if (kind === 'renewal' && current) {
    const opens = addDays(current.validUntil, -rules.renewalOpensDaysBefore);
    const closes = addDays(current.validUntil, -rules.renewalClosesDaysBefore);
    if (today < opens || today > closes) {
      problems.push({
        code: 'renewal_window',
        message: `延续注册须在注册有效期满前${rules.renewalOpensDaysBefore}日至${rules.renewalClosesDaysBefore}日之间申请（您的注册有效期至${current.validUntil}，可申请期间为${opens}至${closes}）。`,
      });
    }
  }

  if (kind === 'additional' && current && info.specialties.length === 0) {
    problems.push({
      code: 'no_specialties',
      message: `${info.name}不分专业，不能申请增项注册。`,
    });
  }

  if (kind === 'initial' && request.demonstrationZone && profession !== 'constructor') {
    problems.push({
      code: 'demonstration_zone_profession',
      message: '长三角示范区注册仅限二级注册建造师。',
    });
  }

  if (scope === 'eligibility') return problems;

  // What a confirmable application must hold.
  if (kind === 'initial') {
    // An enterprise that has not completed its information may be chosen: it completes it before
    // it can confirm (rule 1), and its pages lead it there.
    const employer = request.enterpriseId ? facts.employer : undefined;
    if (!employer) {
      problems.push({ code: 'employer_missing', message: '请选择聘用企业。' });
    } else if (request.demonstrationZone && employer.districtCode !== DEMONSTRATION_ZONE_DISTRICT) {
      problems.push({
        code: 'demonstration_zone_employer',
        message: DEMONSTRATION_ZONE_EMPLOYER,
      });
    }
  }
  if (kind === 'initial' || kind === 'additional') {
    problems.push(...specialtyProblems(kind, profession, draft, qualifications, current));
  }
  if (hasContract(kind)) {
    problems.push(...contractProblems(draft, today, rules));
  }
  if (kind === 'personal_change' && Object.keys(draft.change ?? {}).length === 0) {
    problems.push({ code: 'change_missing', message: '请填写要变更的个人信息。' });
  }
  return [...problems, ...materialsAndCommitment(kind, draft)];
}

/** The problem of an unchecked commitment, which the check page asks for with its own field. */
export const COMMITMENT_MISSING = 'commitment_missing';

function materialsAndCommitment(kind: ApplicationKind, draft: ApplicationDraft): Problem[] {
  const problems: Problem[] = [];
  const missingScans = missingMaterials(kind, draft);
  if (missingScans.length > 0) {
    problems.push({
      code: 'materials_missing',
      message: `请上传：${missingScans.map((m) => m.name).join('、')}。`,
    });
  }
  if (!draft.commitment) {
    problems.push({
      code: COMMITMENT_MISSING,
      field: 'commitment',
      message: '请阅读并勾选承诺：所填信息真实有效，本人承担相应法律责任。',
    });
  }
  return problems;
}

/**
 * The specialties chosen, against the person's qualifications and registration: what the specialty
 * step refuses as soon as they are chosen (and confirmation again).
 */
export function chosenSpecialtyProblems(facts: FilingFacts, request: FilingRequest): Problem[] {
  const { kind, profession } = request;
  if (kind !== 'initial' && kind !== 'additional') return [];
  const current = facts.registrations.find((r) => r.profession === profession);
  return specialtyProblems(kind, profession, request.draft, facts.qualifications, current).map(
    (p) => ({ ...p, field: 'specialties' }),
  );
}

function specialtyProblems(
  kind: 'initial' | 'additional',
  profession: Profession,
  draft: ApplicationDraft,
  qualifications: UsableQualification[],
  current: ActiveRegistration | undefined,
): Problem[] {
  const info = professions[profession];
  if (info.specialties.length === 0) return [];
  const chosen = draft.specialties ?? [];
  if (chosen.length === 0) return [{ code: 'specialty_missing', message: '请选择注册专业。' }];
  const qualified = new Set(qualifications.map((q) => q.specialty));
  const problems: Problem[] = [];
  for (const specialty of chosen) {
    if (!info.specialties.includes(specialty)) {
      problems.push({
        code: 'specialty_unknown',
        message: `“${specialty}”不是${info.name}的专业。`,
      });
    } else if (!qualified.has(specialty)) {
      problems.push({
        code: 'specialty_not_qualified',
        message: `您没有${specialty}专业的${info.name}资格。`,
      });
    } else if (kind === 'additional' && current?.specialties.includes(specialty)) {
      problems.push({
        code: 'specialty_already_registered',
        message: `您已注册${specialty}专业，增项注册请选择新的专业。`,
      });
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

/** The earliest day a labour contract may end on, confirmed or submitted `today` (rule 3). */
function contractMustRunUntil(today: string, rules: WorkflowRules): string {
  return addMonths(today, rules.contractMinMonths);
}

/** Rule 3: the labour contract must run at least three months (inclusive) past today. */
export function contractProblems(
  draft: ApplicationDraft,
  today: string,
  rules: WorkflowRules,
): Problem[] {
  const employment = draft.employment ?? {};
  const problems: Problem[] = [];
  if (!employment.position) {
    problems.push({ code: 'position_missing', message: '请填写聘用岗位。' });
  }
  if (!employment.contractStart || !employment.contractEnd) {
    problems.push({ code: 'contract_dates_missing', message: '请填写劳动合同起止日期。' });
    return problems;
  }
  if (employment.contractEnd <= employment.contractStart) {
    problems.push({
      code: 'contract_end_before_start',
      message: '劳动合同终止日期须晚于起始日期。',
    });
  } else if (employment.contractStart > today) {
    // Employment the contract states has not begun: there is nothing to register yet.
    problems.push({
      code: 'contract_not_started',
      message: `劳动合同自${employment.contractStart}起生效，尚未生效的劳动合同不能申请注册，请在合同生效后再提交申请。`,
    });
  }
  const mustRunUntil = contractMustRunUntil(today, rules);
  if (employment.contractEnd < mustRunUntil) {
    problems.push({
      code: 'contract_too_short',
      message: `劳动合同须自申请确认之日起${rules.contractMinMonths}个月以上有效（至少到${mustRunUntil}），请核对劳动合同终止日期。`,
    });
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
): Problem[] {
  const end = draft.employment?.contractEnd;
  const mustRunUntil = contractMustRunUntil(today, rules);
  if (end && end >= mustRunUntil) return [];
  return [
    {
      code: 'contract_too_short_at_submission',
      message: `劳动合同须自提交之日起${rules.contractMinMonths}个月以上有效（至少到${mustRunUntil}），这项申请的劳动合同${end ? `${end}到期` : '未填写终止日期'}，不能提交。请退回申请人，核对劳动合同后重新确认。`,
    },
  ];
}

/**
 * The guard of the person's confirmation: rule 4 first (past its last day an application is
 * void, whether or not the expiry job has run yet), then every filing rule, with everything the
 * application must hold.
 */
export const personMayFile: Guard = (tx, app, at, rules) => {
  const deadline = confirmDeadline(app, { rules });
  if (businessDate(at) > deadline) {
    return Promise.resolve([
      {
        code: 'confirm_deadline_passed',
        message: `这项申请须在${rules.confirmWithinDays}日内确认（最后一天为${deadline}），已逾期失效，不能再确认。如需办理，请重新发起申请。`,
      },
    ]);
  }
  return filingProblems(
    tx,
    {
      applicationId: app.id,
      personId: app.personId!,
      kind: app.kind,
      profession: app.profession!,
      enterpriseId: app.enterpriseId,
      demonstrationZone: app.demonstrationZone,
      draft: readDraft(app.draft),
    },
    at,
    rules,
    'confirmation',
  );
};
