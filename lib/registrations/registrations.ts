import type { Profession } from '../reference/index.js';
import type { Db, Tx } from '../platform/index.js';
import { addDays, addMonths } from '../platform/index.js';
import { professions } from '../reference/index.js';

/**
 * A person's registration in one profession that is in force: active, or approved and waiting for
 * its announcement (which counts like an active one for rule 15 and the one-per-profession rule).
 */
export type ActiveRegistration = {
  id: string;
  status: 'approved' | 'active';
  registrationNumber: string;
  profession: Profession;
  enterpriseId: string;
  enterpriseName: string;
  specialties: string[];
  validUntil: string;
};

export async function activeRegistrations(db: Db, personId: string): Promise<ActiveRegistration[]> {
  return db<ActiveRegistration[]>`
    select r.id, r.status, r.registration_number as "registrationNumber", r.profession,
           r.enterprise_id as "enterpriseId", e.name as "enterpriseName", r.specialties,
           to_char(r.valid_until, 'YYYY-MM-DD') as "validUntil"
    from registrations r join enterprises e on e.id = r.enterprise_id
    where r.person_id = ${personId} and r.status in ('approved', 'active')
    order by r.profession`;
}

/** Rule 7: a completed cancellation ends its registration (in the confirming transaction). */
export async function endRegistration(tx: Tx, registrationId: string, at: Date): Promise<void> {
  await tx`update registrations set status = 'cancelled', ended_at = ${at}
           where id = ${registrationId} and status = 'active'`;
}

/**
 * Rule 12: the licence of an application that completed is kept on its registration: the one the
 * enterprise supplied later for its "none for now" (the latest licence item closed with one), else
 * the one it stated when it confirmed; "none for now" with nothing supplied yet clears an earlier
 * one (its open item fills it in when supplied). Set-based: one statement for the applications.
 */
export async function keepStatedLicence(tx: Tx, applicationIds: readonly string[]): Promise<void> {
  if (applicationIds.length === 0) return;
  await tx`
    update registrations r
    set enterprise_licence = coalesce(
      (select ci.supplied -> 'licence' from correction_items ci
       where ci.application_id = a.id and ci.asks = 'licence' and ci.closed_at is not null
         and jsonb_typeof(ci.supplied -> 'licence') = 'object'
         -- for the statement that stands: the enterprise's latest confirmation
         and ci.closed_at >= coalesce(
           (select max(e.occurred_at) from application_events e
            where e.application_id = a.id and e.action = 'enterprise_confirm'),
           '-infinity')
       order by ci.closed_at desc limit 1),
      case when jsonb_typeof(a.enterprise_confirmation -> 'licence') = 'object'
      then a.enterprise_confirmation -> 'licence' end)
    from applications a
    where a.id = any(${applicationIds as string[]}::uuid[]) and r.id = a.registration_id
      and a.enterprise_confirmation ? 'licence'`;
}

/**
 * The registration an application acts on, as its pages show it: number, specialties, the
 * validity now and, for a renewal, the validity it would bring (extended from the old end date,
 * by the profession's period).
 */
export type RegistrationSummary = {
  registrationNumber: string;
  specialties: string[];
  validFrom: string;
  validUntil: string;
  renewedValidity?: { from: string; until: string };
};

export function renewedValidity(
  validUntil: string,
  profession: Profession,
): { from: string; until: string } {
  return {
    from: addDays(validUntil, 1),
    until: addMonths(validUntil, 12 * professions[profession].validityYears),
  };
}

export async function registrationOfApplication(
  db: Db,
  application: { kind: string; registrationId: string | null },
): Promise<RegistrationSummary | undefined> {
  if (!application.registrationId) return undefined;
  const [row] = await db<
    (Omit<RegistrationSummary, 'renewedValidity'> & { profession: Profession })[]
  >`
    select registration_number as "registrationNumber", profession, specialties,
           to_char(valid_from, 'YYYY-MM-DD') as "validFrom",
           to_char(valid_until, 'YYYY-MM-DD') as "validUntil"
    from registrations where id = ${application.registrationId}`;
  if (!row) return undefined;
  const { profession, ...summary } = row;
  return application.kind === 'renewal'
    ? { ...summary, renewedValidity: renewedValidity(row.validUntil, profession) }
    : summary;
}
