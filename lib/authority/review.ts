import type { Db, WorkflowRules } from '../platform/index.js';
import { addMonths, businessDate, isUuid, NotFoundError } from '../platform/index.js';
import type { Calendar, ClockReading, DeadlineChange } from '../calendar/index.js';
import { clockOfEvents, deadlineChangesOf } from '../calendar/index.js';
import type { CorrectionItem, CorrectionRequest } from '../corrections/index.js';
import { itemsOf, requestsOf } from '../corrections/index.js';
import type { ApplicationDraft, ApplicationEvent, ApplicationRow } from '../workflow/index.js';
import {
  AUTHORITY_STATES,
  eventsOf,
  FINAL_STATES,
  readApplication,
  readDraft,
  sqlStates,
} from '../workflow/index.js';
import type { EnterpriseApplication } from '../enterprise/index.js';
import { materialsOf, SIGNED_FORM_QR_OF } from '../enterprise/index.js';
import type { RegistrationSummary } from '../registrations/index.js';
import { authorityMayApprove, registrationOfApplication } from '../registrations/index.js';
import type { WrittenDecision } from './decisions.js';
import { decisionOf } from './decisions.js';

/**
 * The review page's read model: everything an officer needs to decide without leaving it, and the
 * checks beside the facts, each of which says what fails and which catalogue reason would answer it.
 */

export type ReviewCheck = {
  code: 'contract_period' | 'one_enterprise' | 'open_application' | 'corrections_reviewed';
  title: string;
  ok: boolean;
  message: string;
  /** The catalogue's refusal reason that answers a failed check, and a correction reason when a
   * correction could answer it instead. */
  offers?: { refusal: string; correction?: string };
};

/** What the review shows of the application beyond its row. */
type ReviewExtra = Pick<
  EnterpriseApplication,
  'enterpriseConfirmation' | 'signedFormFileId' | 'signedFormSnapshotVersion' | 'signedFormQr'
> & { personName: string | null; enterpriseName: string | null; officerName: string | null };

export type Review = {
  application: ApplicationRow & ReviewExtra;
  content: ApplicationDraft;
  person: { name: string; idNumber: string; photoFileId: string | null } | null;
  materials: { name: string; fileId: string }[];
  registration: RegistrationSummary | undefined;
  registrations: {
    registrationNumber: string;
    profession: string;
    status: string;
    enterpriseName: string;
    validUntil: string;
  }[];
  earlier: Pick<ApplicationRow, 'id' | 'applicationNumber' | 'kind' | 'state' | 'startedAt'>[];
  requests: CorrectionRequest[];
  /** Items outside the officer's requests: the enterprise's licence still owed (rule 12). */
  otherItems: CorrectionItem[];
  events: ApplicationEvent[];
  deadlineChanges: DeadlineChange[];
  clock: ClockReading | undefined;
  checks: ReviewCheck[];
  decision: WrittenDecision | undefined;
  accepted: boolean;
  /** The steps that are not transitions, for the timeline: claims, assignments, item reviews. */
  steps: ReviewStep[];
};

export type ReviewStep = { at: Date; title: string; by: string; note: string | null };

/**
 * An application as the officer sees it: its row, the enterprise's statement and signed scan, the
 * names of the person, the enterprise and the officer who has it. Only what reached the authority
 * is the officer's to see; anything else is not found.
 */
export async function officerApplicationOf(
  db: Db,
  applicationId: string,
): Promise<Review['application']> {
  const app = isUuid(applicationId) ? await readApplication(db, applicationId) : undefined;
  if (!app || !app.submittedAt) throw new NotFoundError();
  const [extra] = await db<ReviewExtra[]>`
    select a.enterprise_confirmation as "enterpriseConfirmation",
           a.signed_form_file_id as "signedFormFileId",
           a.signed_form_snapshot_version as "signedFormSnapshotVersion",
           ${db.unsafe(SIGNED_FORM_QR_OF)} as "signedFormQr",
           p.name as "personName", e.name as "enterpriseName", s.name as "officerName"
    from applications a
      left join persons p on p.id = a.person_id
      left join enterprises e on e.id = a.enterprise_id
      left join staff s on s.account_id = a.assigned_officer_id
    where a.id = ${app.id}`;
  return { ...app, ...extra! };
}

export async function reviewOf(
  db: Db,
  calendar: Calendar,
  rules: WorkflowRules,
  applicationId: string,
  now: Date,
): Promise<Review> {
  const app = await officerApplicationOf(db, applicationId);
  const today = businessDate(now);
  const content = readDraft(app.snapshot);
  const frozen = (app.snapshot ?? {}) as { person?: Review['person'] };
  const [registrations, earlier, requests, items, events, deadlineChanges, decision, steps] =
    await Promise.all([
      app.personId
        ? db<Review['registrations']>`
            select r.registration_number as "registrationNumber", r.profession, r.status,
                   e.name as "enterpriseName", to_char(r.valid_until, 'YYYY-MM-DD') as "validUntil"
            from registrations r join enterprises e on e.id = r.enterprise_id
            where r.person_id = ${app.personId} order by r.created_at desc`
        : Promise.resolve([]),
      app.personId && app.profession
        ? db<Review['earlier']>`
            select id, application_number as "applicationNumber", kind, state,
                   started_at as "startedAt"
            from applications
            where person_id = ${app.personId} and profession = ${app.profession}
              and id <> ${app.id} and state not in ('draft', 'expired')
            order by started_at desc limit 20`
        : Promise.resolve([]),
      requestsOf(db, app.id),
      itemsOf(db, app.id),
      eventsOf(db, app.id),
      deadlineChangesOf(db, app.id),
      decisionOf(db, app.id),
      stepsOf(db, app.id),
    ]);
  return {
    application: app,
    content,
    person: frozen.person ?? null,
    materials: materialsOf(app, content),
    registration: await registrationOfApplication(db, app),
    registrations,
    earlier,
    requests,
    otherItems: items.filter((i) => !i.requestId),
    events,
    deadlineChanges,
    clock: clockOfEvents(app.kind, events, calendar, today),
    checks: [
      ...(await checksOf(db, app, content, rules, today, now)),
      ...reviewedCheck(app, items),
    ],
    decision,
    accepted: events.some((e) => e.action === 'accept'),
    steps,
  };
}

const STEP_TITLES: Record<string, string> = {
  application_claimed: '审核人员认领',
  application_assigned: '管理员分配承办人',
  correction_item_supplied: '提交补正',
  correction_item_accepted: '认可补正',
  correction_item_asked_again: '要求重新补正',
  correction_item_withdrawn: '撤回补正事项',
};

/**
 * The audited steps of an application that are not transitions, oldest first: claims and
 * assignments, and each correction item's supply and review (read through the items' ids, so the
 * audit table's subject index serves it).
 */
async function stepsOf(db: Db, applicationId: string): Promise<ReviewStep[]> {
  const rows = await db<
    {
      at: Date;
      action: string;
      by: string | null;
      what: string | null;
      detail: { reason?: string };
    }[]
  >`
    select e.occurred_at as at, e.action, coalesce(s.name, ac.display_name) as by,
           c.what, e.detail
    from audit_events e
      left join accounts ac on ac.id = e.actor_account_id
      left join staff s on s.account_id = e.actor_account_id
      left join correction_items c
        on e.subject_type = 'correction_item' and c.id::text = e.subject_id
    where (e.subject_type = 'application' and e.subject_id = ${applicationId}
           and e.action in ('application_claimed', 'application_assigned'))
       or (e.subject_type = 'correction_item'
           and e.subject_id in (select id::text from correction_items
                                where application_id = ${applicationId}))
    order by e.occurred_at, e.id`;
  return rows.flatMap((r) => {
    const title = STEP_TITLES[r.action];
    if (!title) return [];
    return [
      {
        at: r.at,
        title: r.what ? `${title}：${r.what}` : title,
        by: r.by ?? '平台',
        note: r.detail.reason ?? null,
      },
    ];
  });
}

/** Every supplied correction item reviewed (accepted or asked again) before deciding. */
function reviewedCheck(app: ApplicationRow, items: CorrectionItem[]): ReviewCheck[] {
  if (!AUTHORITY_STATES.includes(app.state)) return [];
  const supplied = items.filter((i) => i.blocksReview && i.closedAt && !i.supplied?.voided);
  if (supplied.length === 0) return [];
  const unreviewed = supplied.filter((i) => !i.review);
  return [
    {
      code: 'corrections_reviewed',
      title: '补正材料均已审核',
      ok: unreviewed.length === 0,
      message:
        unreviewed.length === 0
          ? `已提交的${supplied.length}项补正均已审核。`
          : `尚有${unreviewed.length}项补正未审核：${unreviewed.map((i) => i.what).join('、')}。请在下方“材料补正”中认可或要求重新补正。`,
    },
  ];
}

/** The checks shown beside the facts, read today. */
async function checksOf(
  db: Db,
  app: ApplicationRow,
  content: ApplicationDraft,
  rules: WorkflowRules,
  today: string,
  now: Date,
): Promise<ReviewCheck[]> {
  if (!app.personId || !AUTHORITY_STATES.includes(app.state)) return [];
  const checks: ReviewCheck[] = [];
  const end = content.employment?.contractEnd;
  if (end) {
    const mustRunUntil = addMonths(today, rules.contractMinMonths);
    const ok = end >= mustRunUntil;
    checks.push({
      code: 'contract_period',
      title: `劳动合同自今日起${rules.contractMinMonths}个月以上有效`,
      ok,
      message: ok
        ? `劳动合同${end}到期，不早于${mustRunUntil}。`
        : `劳动合同${end}到期，自今日起不足${rules.contractMinMonths}个月（须至少到${mustRunUntil}）。`,
      ...(ok ? {} : { offers: { refusal: 'contract_short', correction: 'contract_period' } }),
    });
  }
  if (['initial', 'additional', 'renewal'].includes(app.kind)) {
    // The same check the approval runs (rule 15), counting registrations made since filing.
    const problems = await authorityMayApprove(db, app, now, rules);
    checks.push({
      code: 'one_enterprise',
      title: '申请人的有效注册均在本单位（规则15）',
      ok: problems.length === 0,
      message:
        problems.length === 0
          ? '申请人没有在其他单位的有效注册。'
          : problems.map((p) => p.message).join(''),
      ...(problems.length === 0 ? {} : { offers: { refusal: 'other_enterprise' } }),
    });
  }
  if (app.profession) {
    const others = await db<{ applicationNumber: string }[]>`
      select application_number as "applicationNumber" from applications
      where person_id = ${app.personId} and profession = ${app.profession} and id <> ${app.id}
        and kind in ('initial', 'additional', 'renewal', 'cancellation')
        and state not in ${db.unsafe(sqlStates(FINAL_STATES))} and state <> 'draft'`;
    checks.push({
      code: 'open_application',
      title: '同一专业没有其他在办申请',
      ok: others.length === 0,
      message:
        others.length === 0
          ? '申请人在该专业没有其他在办的注册申请。'
          : `申请人在该专业另有在办申请：${others.map((o) => o.applicationNumber).join('、')}。`,
      ...(others.length === 0 ? {} : { offers: { refusal: 'not_qualified' } }),
    });
  }
  return checks;
}

/**
 * What the person's and the enterprise's pages show of the authority's part: the parties the open
 * correction items wait on, and the written decision once made.
 */
export async function authorityStatusOf(
  db: Db,
  applicationId: string,
  items: readonly CorrectionItem[],
): Promise<{ waitingOn: ('person' | 'enterprise')[]; decision: WrittenDecision | undefined }> {
  const decision = await decisionOf(db, applicationId);
  const open = items.filter((i) => i.blocksReview && !i.closedAt).map((i) => i.addressedTo);
  return {
    waitingOn: (['person', 'enterprise'] as const).filter((p) => open.includes(p)),
    decision,
  };
}
