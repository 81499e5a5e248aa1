import type { Db, Tx, WorkflowRules } from '../platform/index.js';
import { addDays, businessDate } from '../platform/index.js';
import { professions } from '../reference/index.js';
import type { ApplicationRow } from '../workflow/index.js';
import { FINAL_STATES } from '../workflow/index.js';

/**
 * A registration's life after its approval, each step set-based (one statement over every row it
 * touches, however many): it takes effect at its announcement (DESIGN.md §3 rule 5), an additional
 * specialty joins it there, and it ends when its validity runs out unless a renewal filed in time
 * is still open; its people are reminded to renew 90, 60 and 30 days before.
 */

/** The workflow effect of an announced initial registration: it is active (public) from now. */
export async function activateRegistrations(
  tx: Tx,
  apps: readonly Pick<ApplicationRow, 'registrationId'>[],
): Promise<void> {
  const ids = apps.flatMap((a) => (a.registrationId ? [a.registrationId] : []));
  if (ids.length === 0) return;
  await tx`
    update registrations set status = 'active'
    where id = any(${ids}::uuid[]) and status = 'approved'`;
}

/**
 * The workflow effect of an announced additional registration: the specialties it asked for join
 * the registration (after those it had, each once); its validity is unchanged (DESIGN.md §3).
 */
export async function addAnnouncedSpecialties(
  tx: Tx,
  apps: readonly Pick<ApplicationRow, 'id'>[],
): Promise<void> {
  if (apps.length === 0) return;
  await tx`
    update registrations r
    set specialties = r.specialties || array(
      select distinct s from jsonb_array_elements_text(coalesce(a.snapshot -> 'specialties', '[]')) s
      where s <> all (r.specialties) order by s)
    from applications a
    where a.id = any(${apps.map((a) => a.id)}::uuid[]) and r.id = a.registration_id`;
}

const FINAL = FINAL_STATES as string[];

/** The professions' names by code, for the statements that write messages. */
const PROFESSION_NAMES = Object.fromEntries(
  Object.entries(professions).map(([code, p]) => [code, p.name]),
);

/**
 * Registrations past their validity become expired (set-based: one statement), except one with a
 * renewal the person confirmed by its end date that is still open: it expires only once that
 * renewal is refused or withdrawn (a renewal approved runs it on). The licence its enterprise
 * still owed for it (rule 12) is voided, as a cancellation does; each is audited and its person
 * and enterprise are told. Returns how many expired and how many items were voided.
 */
export async function expireRegistrations(
  db: Db,
  at: Date,
): Promise<{ expired: number; voided: number }> {
  const today = businessDate(at);
  const [row] = await db<{ expired: number; voided: number }[]>`
    with ended as (
      update registrations r set status = 'expired', ended_at = ${at}
      where r.status = 'active' and r.valid_until < ${today}::date
        and not exists (
          select 1 from applications a
          where a.registration_id = r.id and a.kind = 'renewal'
            and a.state <> all (${FINAL}::text[])
            and exists (
              select 1 from application_events e
              where e.application_id = a.id and e.action = 'confirm'
                and (e.occurred_at at time zone 'Asia/Shanghai')::date <= r.valid_until))
      returning r.id, r.person_id, r.enterprise_id, r.profession, r.registration_number,
                to_char(r.valid_until, 'YYYY-MM-DD') as valid_until
    ), named as (
      select ended.*, p.account_id as person_account, e.account_id as enterprise_account,
             p.name as person_name,
             (${db.json(PROFESSION_NAMES)}::jsonb ->> ended.profession) as profession_name
      from ended join persons p on p.id = ended.person_id
        join enterprises e on e.id = ended.enterprise_id
    ), voided as (
      update correction_items c
      set closed_at = ${at}, supplied = ${db.json({ voided: '注册已失效，本项随之撤销' })}
      from applications a
      where a.id = c.application_id and a.registration_id in (select id from ended)
        and c.asks = 'licence' and c.closed_at is null
      returning c.id
    ), audited as (
      insert into audit_events (occurred_at, action, subject_type, subject_id, detail)
      select ${at}, 'registration.expired', 'registration', id::text,
             jsonb_build_object('registrationNumber', registration_number, 'validUntil', valid_until)
      from ended
    ), told as (
      insert into notifications (account_id, registration_id, message, created_at)
      select person_account, id,
             '您的' || profession_name || '注册（注册编号 ' || registration_number || '）有效期已于'
               || valid_until || '届满，注册已失效。如需继续执业，须重新申请初始注册。', ${at}
      from named
      union all
      select enterprise_account, id,
             person_name || '的' || profession_name || '注册（注册编号 ' || registration_number
               || '）有效期已于' || valid_until || '届满，注册已失效。', ${at}
      from named
    )
    select (select count(*) from ended)::int as expired, (select count(*) from voided)::int as voided`;
  return row!;
}

/** The reminders' thresholds: days before the end of validity. */
export const RENEWAL_REMINDER_DAYS = [90, 60, 30] as const;

/**
 * Renewal reminders (set-based): to the person and the enterprise of each active registration at
 * or past 90, 60 or 30 days before its end, once per threshold and validity period however often
 * it runs (the renewal_reminders key). A registration reaching several thresholds at once (first
 * seen late) is told once, of the nearest; one whose renewal is already open is not reminded.
 * Returns how many registrations were reminded.
 */
export async function sendRenewalReminders(
  db: Db,
  at: Date,
  rules: Pick<WorkflowRules, 'renewalClosesDaysBefore'>,
): Promise<number> {
  const closes = rules.renewalClosesDaysBefore;
  const today = businessDate(at);
  const furthest = addDays(today, Math.max(...RENEWAL_REMINDER_DAYS));
  const [row] = await db<{ reminded: number }[]>`
    with due as (
      select r.id, r.valid_until, t.days
      from registrations r
        cross join unnest(${[...RENEWAL_REMINDER_DAYS]}::int[]) as t (days)
      where r.status = 'active' and r.valid_until >= ${today}::date
        and r.valid_until <= ${furthest}::date
        and r.valid_until - ${today}::date <= t.days
        and not exists (
          select 1 from applications a
          where a.registration_id = r.id and a.kind = 'renewal'
            and a.state <> all (${FINAL}::text[]))
    ), marked as (
      insert into renewal_reminders (registration_id, valid_until, days_before, sent_at)
      select id, valid_until, days, ${at} from due
      on conflict do nothing
      returning registration_id, days_before
    ), nearest as (
      select registration_id, min(days_before) as days from marked group by registration_id
    ), named as (
      select r.id, r.registration_number, to_char(r.valid_until, 'YYYY-MM-DD') as valid_until,
             (r.valid_until - ${today}::date) as left_days,
             to_char(r.valid_until - ${closes}::int, 'YYYY-MM-DD') as last_day,
             (r.valid_until - ${today}::date) >= ${closes}::int as still_open,
             p.account_id as person_account,
             e.account_id as enterprise_account, p.name as person_name,
             (${db.json(PROFESSION_NAMES)}::jsonb ->> r.profession) as profession_name
      from nearest n join registrations r on r.id = n.registration_id
        join persons p on p.id = r.person_id join enterprises e on e.id = r.enterprise_id
    ), told as (
      insert into notifications (account_id, registration_id, message, created_at)
      select person_account, id,
             '您的' || profession_name || '注册（注册编号 ' || registration_number || '）有效期至'
               || valid_until || '，还有' || left_days || '天届满。'
               || case when still_open
                    then '如需继续执业，请于' || last_day || '前（含当日）申请延续注册。'
                    else '延续注册的申请期限已过，有效期届满后注册将失效。' end,
             ${at}
      from named
      union all
      select enterprise_account, id,
             person_name || '的' || profession_name || '注册（注册编号 ' || registration_number
               || '）有效期至' || valid_until || '，还有' || left_days || '天届满'
               || case when still_open then '，请提醒其于' || last_day || '前（含当日）申请延续注册。'
                    else '，延续注册的申请期限已过。' end, ${at}
      from named
    )
    select count(*)::int as reminded from named`;
  return row!.reminded;
}
