import type { Profession } from '../reference/index.js';
import { professions } from '../reference/index.js';
import type { ApplicationDraft, ApplicationKind } from '../workflow/index.js';
import { fileNames } from '../files/index.js';
import type { Db } from '../platform/index.js';

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
  'uploads',
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
  uploads: '上传材料',
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
        'uploads',
        'check',
      ];
    case 'additional':
      return ['eligibility', 'employment', 'specialties', 'uploads', 'check'];
    case 'renewal':
      return ['eligibility', 'employment', 'uploads', 'check'];
    case 'cancellation':
      return ['eligibility', 'check'];
    case 'personal_change':
      return ['eligibility', 'change', 'uploads', 'check'];
    case 'out_of_province_qualification':
      return ['eligibility', 'out-of-province', 'uploads', 'check'];
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
    case 'uploads':
      return missingMaterials(c.kind, draft).length === 0;
    case 'check':
      return draft.commitment === true;
  }
}

export type Material = { purpose: string; name: string; hint: string; required: boolean };

/** The scans each kind of application needs (上传相应扫描件), by purpose. */
export function materialsFor(kind: ApplicationKind, draft: ApplicationDraft): Material[] {
  const contract = {
    purpose: 'contract',
    name: '劳动合同扫描件',
    hint: '与所填聘用信息一致，含合同期限和双方签章的页面',
    required: true,
  };
  switch (kind) {
    case 'initial':
    case 'additional':
    case 'renewal':
      return [contract];
    case 'personal_change':
      return [
        {
          purpose: 'change-proof',
          name: '变更证明材料',
          hint: '例如学历证书、户籍证明或公安机关出具的证明',
          required: true,
        },
      ];
    case 'out_of_province_qualification':
      return [
        {
          purpose: 'qualification-certificate',
          name: '资格证书扫描件',
          hint: '省外取得的资格证书',
          required: true,
        },
        ...(draft.outOfProvince?.registeredElsewhere
          ? [
              {
                purpose: 'previous-registration',
                name: '原注册证书或注销证明',
                hint: '在省外做过初始注册的提供',
                required: true,
              },
            ]
          : []),
      ];
    default:
      return [];
  }
}

/** The materials of this kind, each with the file uploaded for it so far and that file's name. */
export async function materialsWithFiles(
  db: Db,
  kind: ApplicationKind,
  draft: ApplicationDraft,
): Promise<(Material & { fileId?: string; fileName?: string })[]> {
  const names = await fileNames(db, Object.values(draft.uploads ?? {}));
  return materialsFor(kind, draft).map((m) => {
    const fileId = draft.uploads?.[m.purpose];
    return { ...m, fileId, fileName: fileId ? names.get(fileId) : undefined };
  });
}

/** The names of required materials not yet uploaded. */
export function missingMaterials(kind: ApplicationKind, draft: ApplicationDraft): string[] {
  return materialsFor(kind, draft)
    .filter((m) => m.required && !draft.uploads?.[m.purpose])
    .map((m) => m.name);
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
