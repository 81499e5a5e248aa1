import type { Db, Problem, Tx, WorkflowRules } from '../platform/index.js';
import { addDays, addMonths, businessDate } from '../platform/index.js';
import type { Profession } from '../reference/index.js';
import { professions } from '../reference/index.js';
import type { ApplicationRow } from '../workflow/index.js';
import { readDraft } from '../workflow/index.js';
import { nextRegistrationNumber } from './numbers.js';
import { keepStatedLicence, renewedValidity } from './registrations.js';

/**
 * What the authority's approval does to registrations, in the approving transaction (DESIGN.md
 * §4, §5a): an initial registration is made, approved but not yet public until its announcement;
 * a renewal's validity runs on from the old end date at once. An additional registration's new
 * specialty waits for the announcement (recorded on the application).
 */

/** The validity of a new registration from its first day: the profession's years, less a day. */
export function validityFrom(validFrom: string, profession: Profession): string {
  return addDays(addMonths(validFrom, 12 * professions[profession].validityYears), -1);
}

/**
 * Rule 15 again at approval: the person's registrations in force must all be at the application's
 * enterprise, counting those made since it was filed; an initial one needs none in force in its
 * profession, and an additional or a renewal needs its registration still in force.
 */
export async function authorityMayApprove(
  tx: Db,
  app: ApplicationRow,
  _at: Date,
  _rules: WorkflowRules,
): Promise<Problem[]> {
  if (!app.personId || !app.profession) return [];
  const inForce = await tx<
    { id: string; profession: Profession; enterpriseId: string; registrationNumber: string }[]
  >`
    select id, profession, enterprise_id as "enterpriseId",
           registration_number as "registrationNumber"
    from registrations where person_id = ${app.personId} and status in ('approved', 'active')`;
  const problems: Problem[] = [];
  if (app.kind === 'initial') {
    const same = inForce.find((r) => r.profession === app.profession);
    if (same) {
      problems.push({
        code: 'registration_in_force',
        message: `申请人已有${professions[app.profession].name}注册（${same.registrationNumber}），不能再准予初始注册。`,
      });
    }
    const elsewhere = inForce.find((r) => r.enterpriseId !== app.enterpriseId);
    if (elsewhere) {
      problems.push({
        code: 'registered_elsewhere',
        message: `申请人在其他单位有${professions[elsewhere.profession].name}注册（${elsewhere.registrationNumber}），同一人的注册须在同一单位（规则15），须先注销。`,
      });
    }
  } else if (app.registrationId && ['additional', 'renewal'].includes(app.kind)) {
    if (!inForce.some((r) => r.id === app.registrationId)) {
      problems.push({
        code: 'registration_not_in_force',
        message: '这项申请所涉的注册已不在有效状态，不能准予。',
      });
    }
  }
  return problems;
}

/** The workflow effect of an approved initial registration: the registration, not yet public. */
export async function registerApproved(tx: Tx, app: ApplicationRow, at: Date): Promise<void> {
  if (!app.personId || !app.profession || !app.enterpriseId) return;
  const validFrom = businessDate(at);
  const number = await nextRegistrationNumber(tx, app.profession, validFrom);
  const [row] = await tx<{ id: string }[]>`
    insert into registrations
      (registration_number, person_id, enterprise_id, profession, specialties, valid_from,
       valid_until, status, demonstration_zone, created_at, approved_by_application_id)
    values (${number}, ${app.personId}, ${app.enterpriseId}, ${app.profession},
            ${readDraft(app.snapshot).specialties ?? []}, ${validFrom},
            ${validityFrom(validFrom, app.profession)}, 'approved', ${app.demonstrationZone},
            ${at}, ${app.id})
    returning id`;
  await tx`update applications set registration_id = ${row!.id} where id = ${app.id}`;
  // Rule 12: the licence stated at confirmation goes with it; one still owed stays on its item.
  await keepStatedLicence(tx, [app.id]);
}

/** The workflow effect of an approved renewal: the validity runs on from the old end date. */
export async function renewApproved(tx: Tx, app: ApplicationRow): Promise<void> {
  if (!app.registrationId || !app.profession) return;
  const [current] = await tx<{ validUntil: string }[]>`
    select to_char(valid_until, 'YYYY-MM-DD') as "validUntil" from registrations
    where id = ${app.registrationId} for update`;
  if (!current) return;
  const renewed = renewedValidity(current.validUntil, app.profession);
  await tx`update registrations set valid_until = ${renewed.until}
           where id = ${app.registrationId}`;
}
