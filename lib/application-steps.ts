import type { ApplicationDraft } from './application-draft.js';
import type { Profession } from './professions.js';
import { professions } from './professions.js';
import type { ApplicationKind } from './workflow-table.js';

/**
 * The steps of the application wizard (注册申报), one page each, in order, by kind. Each step's
 * completion is read from what the draft holds, so a person can stop anywhere and resume from
 * any device where the first unfinished step is.
 */
export const STEP_IDS = [
  'eligibility',
  'employer',
  'employment',
  'specialties',
  'change',
  'out-of-province',
  'check',
] as const;
export type StepId = (typeof STEP_IDS)[number];

export const stepTitles: Record<StepId, string> = {
  eligibility: '资格条件自查',
  employer: '选择聘用企业',
  employment: '填写聘用信息',
  specialties: '选择注册专业',
  change: '填写变更内容',
  'out-of-province': '填写省外资格信息',
  check: '核对申请表并承诺',
};

export type StepContext = {
  kind: ApplicationKind;
  profession: Profession;
  enterpriseId: string | null;
  draft: ApplicationDraft;
};

export function stepsFor(kind: ApplicationKind, profession: Profession): StepId[] {
  const hasSpecialties = professions[profession].specialties.length > 0;
  switch (kind) {
    case 'initial':
      return [
        'eligibility',
        'employer',
        'employment',
        ...(hasSpecialties ? (['specialties'] as const) : []),
        'check',
      ];
    case 'additional':
      return ['eligibility', 'employment', 'specialties', 'check'];
    case 'renewal':
      return ['eligibility', 'employment', 'check'];
    case 'cancellation':
      return ['eligibility', 'check'];
    case 'personal_change':
      return ['eligibility', 'change', 'check'];
    case 'out_of_province_qualification':
      return ['eligibility', 'out-of-province', 'check'];
    case 'enterprise_rename':
      return [];
  }
}

export function isStepComplete(step: StepId, c: StepContext): boolean {
  const { draft } = c;
  switch (step) {
    case 'eligibility':
      return draft.eligibilityChecked === true;
    case 'employer':
      return c.enterpriseId !== null;
    case 'employment': {
      const e = draft.employment ?? {};
      return Boolean(e.position && e.contractStart && e.contractEnd);
    }
    case 'specialties':
      return (draft.specialties ?? []).length > 0;
    case 'change':
      return Object.keys(draft.change ?? {}).length > 0;
    case 'out-of-province': {
      const o = draft.outOfProvince ?? {};
      return Boolean(o.examProvince && o.certificateNumber && o.passYear !== undefined);
    }
    case 'check':
      return draft.commitment === true;
  }
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
