import type { FormErrors, Problem } from '../platform/index.js';
import { businessDate, fieldErrors, formatErrors, inputLimits } from '../platform/index.js';
import { personOfAccount } from '../person/index.js';
import type { Profession } from '../reference/index.js';
import { DEMONSTRATION_ZONE_DISTRICT, professions } from '../reference/index.js';
import type {
  ApplicationDraft,
  ApplicationKind,
  ApplicationRow,
  WorkflowDeps,
} from '../workflow/index.js';
import { readDraft } from '../workflow/index.js';
import { registrationOfApplication } from '../registrations/index.js';
import type { DraftPatch } from './drafts.js';
import { confirmDraft } from './drafts.js';
import {
  COMMITMENT_MISSING,
  chosenSpecialtyProblems,
  contractProblems,
  DEMONSTRATION_ZONE_EMPLOYER,
  filingProblems,
  filingProblemsOf,
  loadFilingFacts,
} from './eligibility.js';
import type { EnterpriseChoice } from './employer-search.js';
import { employerSearch, enterpriseChoice, searchEnterprises } from './employer-search.js';
import type { PersonalChange } from './forms.js';
import {
  CHANGE_FIELDS,
  changeForm,
  commitmentForm,
  employerForm,
  employmentForm,
  outOfProvinceForm,
  specialtiesForm,
} from './forms.js';
import { materialsFor, materialsWithFiles, missingMaterials } from './materials.js';

/**
 * The application wizard (注册申报) as one table of steps, one page each, in this order: which
 * kinds have the step, when it is complete (read from what the draft holds, so a person can stop
 * anywhere and resume from any device at the first unfinished step), what its page needs beyond
 * the draft, and what its form saves. Adding a step is adding a row (and its view,
 * views/pages/me/steps/<id>.eta).
 */

export type StepContext = {
  kind: ApplicationKind;
  profession: Profession;
  enterpriseId: string | null;
  draft: ApplicationDraft;
};

/** What a step acts on: the person's own application, still theirs to edit. */
export type StepInput = {
  application: ApplicationRow;
  context: StepContext;
  accountId: string;
  at: Date;
};

/** What a step's form came to: what to save (if anything), or why it is refused. */
export type StepOutcome =
  | { ok: true; patch?: DraftPatch; confirmed?: true }
  | { ok: false; errors: FormErrors }
  /** Refused by the rules, with what refused it (the route links what each is about). */
  | { ok: false; refused: Problem[] };

export type Step = {
  id: StepId;
  title: string;
  /** Whether an application of this kind and profession has this step. */
  appliesTo(kind: ApplicationKind, profession: Profession): boolean;
  isComplete(c: StepContext): boolean;
  /** The longest each of its text fields may be (its page's `maxlength`), from its form's schema. */
  limits?: Record<string, number>;
  /** What the step's page shows beyond the draft (`query`: the page's query string). */
  pageData?(
    deps: WorkflowDeps,
    input: StepInput & { query: Record<string, unknown> },
  ): Promise<Record<string, unknown>>;
  /** Reads the posted form (its values trimmed) and decides. */
  submit(
    deps: WorkflowDeps,
    input: StepInput,
    values: Record<string, unknown>,
  ): StepOutcome | Promise<StepOutcome>;
};

export const STEP_IDS = [
  'eligibility',
  'employer',
  'employment',
  'specialties',
  'change',
  'out-of-province',
  'uploads',
  'check',
] as const;
export type StepId = (typeof STEP_IDS)[number];

const hasSpecialties = (profession: Profession) => professions[profession].specialties.length > 0;
const isKind =
  (...kinds: ApplicationKind[]) =>
  (kind: ApplicationKind) =>
    kinds.includes(kind);
const saved = (patch: DraftPatch): StepOutcome => ({ ok: true, patch });
const invalid = (error: Parameters<typeof formatErrors>[0]): StepOutcome => ({
  ok: false,
  errors: formatErrors(error),
});
/** Rule problems as an error summary leading to where the page lists them. */
const refusedAt = (href: string, messages: string[]): FormErrors => ({
  summary: messages.map((text) => ({ href, text })),
  fields: {},
});

/** The filing rules' request for this application. */
export function filingOf(application: ApplicationRow) {
  return {
    applicationId: application.id,
    personId: application.personId!,
    kind: application.kind,
    profession: application.profession!,
    enterpriseId: application.enterpriseId,
    demonstrationZone: application.demonstrationZone,
    draft: readDraft(application.draft),
  };
}

/**
 * Rules 13 and 15 for the employer chosen: a demonstration-zone application needs one in Wujiang
 * District; every registration, and every initial application on its way to one, is with one
 * enterprise.
 */
async function employerProblems(
  deps: WorkflowDeps,
  { application, at }: StepInput,
  chosen: EnterpriseChoice,
): Promise<Problem[]> {
  const request = { ...filingOf(application), enterpriseId: chosen.id };
  const facts = await loadFilingFacts(deps.sql, request);
  if (!facts) return [];
  const oneEnterprise = filingProblemsOf(facts, request, at, deps.rules, 'eligibility').filter(
    (p) => p.code === 'registered_elsewhere' || p.code === 'open_application_elsewhere',
  );
  const zone =
    application.demonstrationZone && chosen.districtCode !== DEMONSTRATION_ZONE_DISTRICT
      ? [{ code: 'demonstration_zone_employer', message: DEMONSTRATION_ZONE_EMPLOYER }]
      : [];
  return [...zone, ...oneEnterprise].map((p) => ({ ...p, field: 'enterpriseId' }));
}

export const STEPS: readonly Step[] = [
  {
    id: 'eligibility',
    title: '资格条件自查',
    // Every kind the person files (an enterprise's rename has no wizard).
    appliesTo: (kind) => kind !== 'enterprise_rename',
    isComplete: (c) => c.draft.eligibilityChecked === true,
    pageData: async (deps, { application, at }) => ({
      problems: await filingProblems(
        deps.sql,
        filingOf(application),
        at,
        deps.rules,
        'eligibility',
      ),
    }),
    submit: async (deps, { application, at }) => {
      const problems = await filingProblems(
        deps.sql,
        filingOf(application),
        at,
        deps.rules,
        'eligibility',
      );
      if (problems.length > 0) {
        return {
          ok: false,
          errors: refusedAt(
            '#problems',
            problems.map((p) => p.message),
          ),
        };
      }
      return saved({ eligibilityChecked: true });
    },
  },
  {
    id: 'employer',
    title: '选择聘用企业',
    appliesTo: isKind('initial'),
    isComplete: (c) => c.enterpriseId !== null,
    pageData: async (deps, { application, query }) => {
      const q = employerSearch.read(query.q);
      return {
        query: q,
        limits: employerSearch.limits,
        results: await searchEnterprises(deps.sql, q, application.demonstrationZone),
        chosen: application.enterpriseId
          ? await enterpriseChoice(deps.sql, application.enterpriseId)
          : undefined,
      };
    },
    submit: async (deps, input, values) => {
      const parsed = employerForm.safeParse(values);
      if (!parsed.success) return invalid(parsed.error);
      const chosen = await enterpriseChoice(deps.sql, parsed.data.enterpriseId);
      if (!chosen) {
        return { ok: false, errors: fieldErrors({ enterpriseId: '请从搜索结果中选择聘用企业' }) };
      }
      // What the employer decides is known now: refused here, not on the check page.
      const refused = await employerProblems(deps, input, chosen);
      if (refused.length > 0) return { ok: false, refused };
      return saved({ enterpriseId: chosen.id });
    },
  },
  {
    id: 'employment',
    title: '填写聘用信息',
    appliesTo: isKind('initial', 'additional', 'renewal'),
    isComplete: ({ draft }) => {
      const e = draft.employment ?? {};
      return Boolean(e.position && e.contractStart && e.contractEnd);
    },
    limits: inputLimits(employmentForm),
    submit: (deps, { at }, values) => {
      const parsed = employmentForm.safeParse(values);
      if (!parsed.success) return invalid(parsed.error);
      // Rule 3 as far as it is known today: a contract that has not begun, or that ends within
      // three months, is refused here, not on the check page (which checks again on the day).
      const refused = contractProblems({ employment: parsed.data }, businessDate(at), deps.rules);
      if (refused.length > 0) {
        const fieldOf = (code: string) =>
          code === 'contract_not_started' ? 'contractStart' : 'contractEnd';
        return {
          ok: false,
          errors: fieldErrors(Object.fromEntries(refused.map((p) => [fieldOf(p.code), p.message]))),
        };
      }
      return saved({ employment: parsed.data });
    },
  },
  {
    id: 'specialties',
    title: '选择注册专业',
    appliesTo: (kind, profession) =>
      (kind === 'initial' && hasSpecialties(profession)) || kind === 'additional',
    isComplete: (c) => (c.draft.specialties ?? []).length > 0,
    // Only the specialties the person may choose: qualified in, and not registered in already.
    pageData: async (deps, { application, context }) => {
      const facts = await loadFilingFacts(deps.sql, filingOf(application));
      const qualified = new Set(facts?.qualifications.map((q) => q.specialty));
      const held = new Set(
        facts?.registrations.find((r) => r.profession === context.profession)?.specialties,
      );
      return {
        specialtyOptions: professions[context.profession].specialties.filter(
          (s) => qualified.has(s) && !held.has(s),
        ),
      };
    },
    submit: async (deps, { application, context }, values) => {
      const parsed = specialtiesForm(context.profession).safeParse(values);
      if (!parsed.success) return invalid(parsed.error);
      // Whether the person may hold them is known now: refused here, not on the check page.
      const request = {
        ...filingOf(application),
        draft: { ...context.draft, specialties: parsed.data.specialties },
      };
      const facts = await loadFilingFacts(deps.sql, request);
      const refused = facts ? chosenSpecialtyProblems(facts, request) : [];
      if (refused.length > 0) return { ok: false, refused };
      return saved({ specialties: parsed.data.specialties });
    },
  },
  {
    id: 'change',
    title: '填写变更内容',
    appliesTo: isKind('personal_change'),
    isComplete: (c) => CHANGE_FIELDS.some((f) => c.draft.change?.[f]),
    limits: inputLimits(changeForm),
    pageData: async (deps, { accountId }) => ({
      person: await personOfAccount(deps.sql, accountId),
    }),
    submit: async (deps, { context, accountId }, values) => {
      const parsed = changeForm.safeParse(values);
      if (!parsed.success) return invalid(parsed.error);
      const { education, identity, note } = parsed.data;
      // The photo is uploaded on its own form (saveChangePhoto); saving keeps it.
      const change: PersonalChange = {};
      if (education) change.education = education;
      if (identity === 'yes') {
        const person = await personOfAccount(deps.sql, accountId);
        Object.assign(change, { name: person.name, idNumber: person.idNumber });
      }
      if (note) change.note = note;
      if (!CHANGE_FIELDS.some((f) => change[f]) && !context.draft.change?.photoFileId) {
        return {
          ok: false,
          errors: fieldErrors({
            education: '请选择要变更的内容：学历、姓名或身份证号码、证件照，或写明其他变更',
          }),
        };
      }
      return saved({
        change: Object.fromEntries(Object.entries(change).filter(([, v]) => v)),
      });
    },
  },
  {
    id: 'out-of-province',
    title: '填写省外资格信息',
    appliesTo: isKind('out_of_province_qualification'),
    isComplete: ({ draft }) => {
      const o = draft.outOfProvince ?? {};
      return Boolean(o.examProvince && o.certificateNumber && o.passYear !== undefined);
    },
    // The limits do not depend on the year.
    limits: inputLimits(outOfProvinceForm(2000)),
    submit: (_deps, { at }, values) => {
      const thisYear = Number(businessDate(at).slice(0, 4));
      const parsed = outOfProvinceForm(thisYear).safeParse(values);
      if (!parsed.success) return invalid(parsed.error);
      const { registeredElsewhere, previousRegistration, ...entry } = parsed.data;
      return saved({
        outOfProvince: {
          ...entry,
          registeredElsewhere: registeredElsewhere === 'yes',
          previousRegistration: registeredElsewhere === 'yes' ? previousRegistration : '',
        },
      });
    },
  },
  {
    id: 'uploads',
    title: '上传材料',
    // The kinds that need materials at all.
    appliesTo: (kind) => materialsFor(kind, {}).length > 0,
    isComplete: (c) => missingMaterials(c.kind, c.draft).length === 0,
    pageData: async (deps, { context }) => ({
      materials: await materialsWithFiles(deps.sql, context.kind, context.draft),
    }),
    // Each material is uploaded by its own form (saveMaterial); this one only goes on.
    submit: (_deps, { context }) => {
      const missing = missingMaterials(context.kind, context.draft);
      if (missing.length === 0) return { ok: true };
      return {
        ok: false,
        errors: fieldErrors(
          Object.fromEntries(missing.map((m) => [`upload-${m.purpose}`, `请上传${m.name}`])),
        ),
      };
    },
  },
  {
    id: 'check',
    title: '核对申请表并承诺',
    appliesTo: () => true,
    isComplete: (c) => c.draft.commitment === true,
    pageData: async (deps, { application, context, accountId, at }) => ({
      person: await personOfAccount(deps.sql, accountId),
      registration: await registrationOfApplication(deps.sql, application),
      // The commitment is asked for by this page's own form.
      problems: (
        await filingProblems(deps.sql, filingOf(application), at, deps.rules, 'confirmation')
      ).filter((p) => p.code !== COMMITMENT_MISSING),
      stepsDone: stepsFor(context.kind, context.profession).map((id) => ({
        id,
        done: isStepComplete(id, context),
      })),
    }),
    // Confirming is the transition; the rules' refusal comes back as a RuleError.
    submit: async (deps, { application, accountId }, values) => {
      const parsed = commitmentForm.safeParse(values);
      if (!parsed.success) return invalid(parsed.error);
      await confirmDraft(deps, accountId, application.id, application.version);
      return { ok: true, confirmed: true };
    },
  },
];

export const stepTitles = Object.fromEntries(STEPS.map((s) => [s.id, s.title])) as Record<
  StepId,
  string
>;

export function stepOf(id: string): Step | undefined {
  return STEPS.find((s) => s.id === id);
}

export function stepsFor(kind: ApplicationKind, profession: Profession): StepId[] {
  if (kind === 'enterprise_rename') return [];
  return STEPS.filter((s) => s.appliesTo(kind, profession)).map((s) => s.id);
}

export function isStepComplete(step: StepId, c: StepContext): boolean {
  return stepOf(step)!.isComplete(c);
}

/** The step to resume at: the first one not yet done (the check page when all are). */
export function nextStep(c: StepContext): StepId {
  const steps = stepsFor(c.kind, c.profession);
  return steps.find((s) => !isStepComplete(s, c)) ?? 'check';
}

/** The step after this one in the kind's order. */
export function stepAfter(step: StepId, c: StepContext): StepId {
  const steps = stepsFor(c.kind, c.profession);
  return steps[steps.indexOf(step) + 1] ?? 'check';
}

/** The step before this one in the kind's order, if there is one. */
export function stepBefore(step: StepId, c: StepContext): StepId | undefined {
  const steps = stepsFor(c.kind, c.profession);
  return steps[steps.indexOf(step) - 1];
}

/** What the wizard reads of an application. */
export function stepContextOf(application: ApplicationRow): StepContext {
  return {
    kind: application.kind,
    profession: application.profession!,
    enterpriseId: application.enterpriseId,
    draft: readDraft(application.draft),
  };
}

/** Whether the person may still edit it: a draft, or returned to them by the enterprise. */
export function isEditable(application: Pick<ApplicationRow, 'state'>): boolean {
  return application.state === 'draft' || application.state === 'returned';
}
