import type { Db, Tx } from '../platform/index.js';
import { businessDate, recordAudit, ValidationError } from '../platform/index.js';
import { professions } from '../reference/index.js';
import type { ApplicationKind, ApplicationRow, WorkflowDeps } from '../workflow/index.js';
import { kindNames, lockApplication, readDraft, transitionIn } from '../workflow/index.js';
import type { ReasonUse } from './reasons.js';
import { claimIn } from './assignment.js';

/**
 * The authority's acts on an application: acceptance (受理), and the decisions: 不予受理, approval
 * (准予) and refusal (不予注册). Each decision is one transaction: the transition (which runs its
 * effects on registrations), a renewal's or a change's completion, and the written decision
 * (决定书) with its number, the facts, the reasons and, when it refuses, the remedies.
 */

export type DecisionKind = 'approval' | 'refusal' | 'not_accepted';

/** The officer's choice on the decision form. */
export type DecisionChoice = 'approve' | 'refuse' | 'not_accept';

const KIND_OF_CHOICE: Record<DecisionChoice, DecisionKind> = {
  approve: 'approval',
  refuse: 'refusal',
  not_accept: 'not_accepted',
};
/** Which part of the catalogue a decision's reasons come from; an approval gives none. */
export const REASON_USE_OF: Record<DecisionChoice, ReasonUse | null> = {
  approve: null,
  refuse: 'refusal',
  not_accept: 'not_accepted',
};

/** Numbered per year and kind, e.g. 苏建注准字〔2026〕第12号. */
const NUMBER_WORD: Record<DecisionKind, string> = {
  approval: '准',
  refusal: '不准',
  not_accepted: '不受',
};

export function decisionNumber(kind: DecisionKind, year: number, serial: number): string {
  return `苏建注${NUMBER_WORD[kind]}字〔${year}〕第${serial}号`;
}

/** What a refused applicant may do (行政复议法, 行政诉讼法). */
export const REMEDIES =
  '申请人如对本决定不服，可以自收到本决定书之日起60日内向江苏省人民政府申请行政复议，也可以自收到本决定书之日起6个月内依法向人民法院提起行政诉讼。';

/** The title of a written decision for this kind of application. */
export function decisionTitle(kind: DecisionKind, appKind: ApplicationKind): string {
  if (kind === 'not_accepted') return '不予受理决定书';
  const what =
    appKind === 'personal_change' || appKind === 'enterprise_rename'
      ? '变更'
      : appKind === 'out_of_province_qualification'
        ? '录入'
        : '注册';
  return `${kind === 'approval' ? '准予' : '不予'}${what}决定书`;
}

export type DecisionFacts = {
  title: string;
  applicationNumber: string;
  kindName: string;
  professionName: string | null;
  applicant: { name: string; idNumber: string } | null;
  enterpriseName: string | null;
  submittedOn: string | null;
  acceptedOn: string | null;
  decidedOn: string;
  specialties: string[];
  registration: { number: string; validFrom: string; validUntil: string } | null;
  /** The body: what is decided, in one sentence. */
  text: string;
  remedies: string | null;
};

export type WrittenDecision = {
  id: string;
  applicationId: string;
  kind: DecisionKind;
  number: string;
  decidedAt: Date;
  officerName: string;
  reasons: { code: string; title: string; wording: string }[];
  note: string;
  facts: DecisionFacts;
};

/** The officer accepts (受理): the statutory clock starts; the officer now has the application. */
export async function acceptApplication(
  deps: WorkflowDeps,
  request: { applicationId: string; officerAccountId: string; expectedVersion?: number },
): Promise<ApplicationRow> {
  return deps.sql.begin(async (tx) => {
    const moved = await transitionIn(tx, deps, {
      applicationId: request.applicationId,
      action: 'accept',
      actor: { role: 'officer', accountId: request.officerAccountId },
      expectedVersion: request.expectedVersion,
    });
    await claimIn(tx, moved, request.officerAccountId, deps.clock.now(), { ifUnassigned: true });
    return moved;
  });
}

export type DecisionRequest = {
  applicationId: string;
  officerAccountId: string;
  choice: DecisionChoice;
  reasonCodes: readonly string[];
  note: string;
  expectedVersion?: number;
};

/** The catalogue's reasons a decision gives, checked against its use. */
async function reasonsGiven(tx: Tx, choice: DecisionChoice, codes: readonly string[]) {
  const use = REASON_USE_OF[choice];
  if (!use) return [];
  if (codes.length === 0) {
    throw new ValidationError(
      choice === 'refuse' ? '不予注册须选择至少一项理由。' : '不予受理须选择至少一项理由。',
    );
  }
  const rows = await tx<{ code: string; title: string; wording: string }[]>`
    select code, title, wording from review_reasons
    where use = ${use} and active and code in ${tx([...codes])} order by position, code`;
  if (rows.length !== new Set(codes).size) throw new ValidationError('所选理由不在理由目录中。');
  return rows;
}

/**
 * Decides an application: the transition, a renewal's or a personal change's completion, and the
 * written decision, in one transaction. A page older than the application (another officer has
 * decided meanwhile) gets a 409 and nothing is written.
 */
export async function decide(
  deps: WorkflowDeps,
  request: DecisionRequest,
): Promise<WrittenDecision> {
  const note = request.note.trim();
  if (note.length > 500) throw new ValidationError('补充说明最多500个字。');
  const id = await deps.sql.begin(async (tx) => {
    const at = deps.clock.now();
    const reasons = await reasonsGiven(tx, request.choice, request.reasonCodes);
    const reasonText = [...reasons.map((r) => r.wording), ...(note ? [note] : [])].join('；');
    const officer = { role: 'officer' as const, accountId: request.officerAccountId };
    let moved = await transitionIn(tx, deps, {
      applicationId: request.applicationId,
      action: request.choice,
      actor: officer,
      ...(reasonText ? { reason: reasonText } : {}),
      expectedVersion: request.expectedVersion,
    });
    if (moved.state === 'approved' && ['renewal', 'personal_change'].includes(moved.kind)) {
      moved = await transitionIn(tx, deps, {
        applicationId: moved.id,
        action: 'complete',
        actor: { role: 'system' },
        // The approval's notice says it; its completion in the same act is not news.
        notify: false,
      });
    }
    // As the effects left it (an initial registration's number is on it now).
    moved = (await lockApplication(tx, moved.id))!;
    const kind = KIND_OF_CHOICE[request.choice];
    const facts = await factsOf(tx, moved, kind, at);
    const [counter] = await tx<{ last: number }[]>`
      insert into decision_counters (year, kind, last)
      values (${Number(facts.decidedOn.slice(0, 4))}, ${kind}, 1)
      on conflict (year, kind) do update set last = decision_counters.last + 1
      returning last`;
    const number = decisionNumber(kind, Number(facts.decidedOn.slice(0, 4)), counter!.last);
    const [row] = await tx<{ id: string }[]>`
      insert into decisions
        (application_id, kind, number, decided_at, officer_account_id, reasons, note, facts)
      values (${moved.id}, ${kind}, ${number}, ${at}, ${request.officerAccountId},
              ${tx.json(reasons)}, ${note}, ${tx.json(facts)})
      returning id`;
    await recordAudit(tx, {
      at,
      actorAccountId: request.officerAccountId,
      action: 'decision_issued',
      subjectType: 'application',
      subjectId: moved.id,
      detail: { number, kind, reasons: reasons.map((r) => r.code) },
    });
    return row!.id;
  });
  return (await decisionById(deps.sql, id))!;
}

/** What the written decision states, as it stands at the decision. */
async function factsOf(
  tx: Tx,
  app: ApplicationRow,
  kind: DecisionKind,
  at: Date,
): Promise<DecisionFacts> {
  const snapshot = readDraft(app.snapshot);
  const frozen = (app.snapshot ?? {}) as {
    person?: { name: string; idNumber: string } | null;
    enterprise?: { name: string } | null;
  };
  const [events] = await tx<{ acceptedAt: Date | null }[]>`
    select min(occurred_at) filter (where action = 'accept') as "acceptedAt"
    from application_events where application_id = ${app.id}`;
  const [registration] = app.registrationId
    ? await tx<{ number: string; validFrom: string; validUntil: string }[]>`
        select registration_number as number, to_char(valid_from, 'YYYY-MM-DD') as "validFrom",
               to_char(valid_until, 'YYYY-MM-DD') as "validUntil"
        from registrations where id = ${app.registrationId}`
    : [];
  const [enterprise] = app.enterpriseId
    ? await tx<{ name: string }[]>`select name from enterprises where id = ${app.enterpriseId}`
    : [];
  const professionName = app.profession ? professions[app.profession].name : null;
  const what = `${professionName ?? ''}${kindNames[app.kind]}申请（${app.applicationNumber}）`;
  const applicant = frozen.person ? frozen.person.name : (enterprise?.name ?? '');
  const text =
    kind === 'approval'
      ? app.kind === 'initial' || app.kind === 'additional'
        ? `经审查，${applicant}的${what}符合规定条件，准予注册，经公告后生效。`
        : `经审查，${applicant}的${what}符合规定条件，予以准予。`
      : kind === 'refusal'
        ? `经审查，${applicant}的${what}不符合规定条件，决定不予准予，理由如下。`
        : `${applicant}的${what}，经审查决定不予受理，理由如下。`;
  return {
    title: decisionTitle(kind, app.kind),
    applicationNumber: app.applicationNumber,
    kindName: kindNames[app.kind],
    professionName,
    applicant: frozen.person
      ? { name: frozen.person.name, idNumber: frozen.person.idNumber }
      : null,
    enterpriseName: enterprise?.name ?? frozen.enterprise?.name ?? null,
    submittedOn: app.submittedAt ? businessDate(app.submittedAt) : null,
    acceptedOn: events?.acceptedAt ? businessDate(events.acceptedAt) : null,
    decidedOn: businessDate(at),
    specialties: snapshot.specialties ?? [],
    registration: kind === 'approval' && registration ? registration : null,
    text,
    remedies: kind === 'approval' ? null : REMEDIES,
  };
}

const DECISION_QUERY = `
  select d.id, d.application_id as "applicationId", d.kind, d.number, d.decided_at as "decidedAt",
         s.name as "officerName", d.reasons, d.note, d.facts
  from decisions d join staff s on s.account_id = d.officer_account_id`;

async function decisionById(db: Db, id: string): Promise<WrittenDecision | undefined> {
  const [row] = await db.unsafe<WrittenDecision[]>(`${DECISION_QUERY} where d.id = $1`, [id]);
  return row;
}

/** The written decision of an application, if it has one. */
export async function decisionOf(
  db: Db,
  applicationId: string,
): Promise<WrittenDecision | undefined> {
  const [row] = await db.unsafe<WrittenDecision[]>(
    `${DECISION_QUERY} where d.application_id = $1`,
    [applicationId],
  );
  return row;
}
