import type { Problem } from '../../lib/platform/index.js';
import type { StepId } from '../../lib/filing/index.js';
import type { ApplicationRow } from '../../lib/workflow/index.js';
import { professions } from '../../lib/reference/index.js';
import { paths } from '../paths.js';

export type Fix = { href: string; text: string };

/** A problem with the page that would remove it, when this service has one. */
export type ProblemWithFix = Problem & { fix?: Fix };

/**
 * Where the person goes to remove what blocks their application: the profile, the qualifications,
 * the other application, or the step of this one that holds the answer. A blocked page shows these
 * links instead of a button that would only repeat the refusal.
 */
export function withFixes(
  problems: Problem[],
  application: Pick<ApplicationRow, 'id' | 'profession'>,
): ProblemWithFix[] {
  const step = (id: StepId, text: string): Fix => ({
    href: paths.me.step(application.id, id),
    text,
  });
  const outOfProvince =
    application.profession && professions[application.profession].outOfProvinceEntry;
  const fixes: Record<string, Fix | undefined> = {
    profile_incomplete: { href: paths.me.profile, text: '完善个人信息' },
    not_qualified: outOfProvince
      ? { href: `${paths.me.qualifications}#out-of-province`, text: '办理省外资格信息录入' }
      : { href: paths.me.qualifications, text: '查看我的资格' },
    out_of_province_already_approved: { href: paths.me.qualifications, text: '查看我的资格' },
    specialty_not_qualified: { href: paths.me.qualifications, text: '查看我的资格' },
    already_registered: { href: paths.me.home, text: '查看我的注册' },
    not_registered: { href: paths.me.home, text: '查看我的注册' },
    registered_elsewhere: { href: paths.me.home, text: '查看我的注册' },
    renewal_window: { href: paths.me.home, text: '查看我的注册' },
    no_specialties: { href: paths.me.apply, text: '选择其他申请事项' },
    demonstration_zone_profession: { href: paths.me.apply, text: '选择其他申请事项' },
    employer_missing: step('employer', '选择聘用企业'),
    demonstration_zone_employer: step('employer', '重新选择聘用企业'),
    specialty_missing: step('specialties', '选择注册专业'),
    specialty_unknown: step('specialties', '重新选择注册专业'),
    specialty_already_registered: step('specialties', '重新选择注册专业'),
    position_missing: step('employment', '填写聘用信息'),
    contract_dates_missing: step('employment', '填写聘用信息'),
    contract_end_before_start: step('employment', '修改劳动合同日期'),
    contract_too_short: step('employment', '修改劳动合同日期'),
    contract_not_started: step('employment', '修改劳动合同日期'),
    contract_too_short_at_submission: step('employment', '修改劳动合同日期'),
    change_missing: step('change', '填写变更内容'),
    materials_missing: step('uploads', '上传材料'),
  };
  return problems.map((p) => {
    const fix = p.applicationId
      ? { href: paths.me.application(p.applicationId), text: '查看该申请' }
      : fixes[p.code];
    return fix ? { ...p, fix } : p;
  });
}
