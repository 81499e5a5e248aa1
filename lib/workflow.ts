import { createHash } from 'node:crypto';
import { readDraft } from './application-draft.js';
import type { Clock } from './clock.js';
import { businessDate } from './clock.js';
import type { WorkflowRules } from './config.js';
import type { Sql, Tx } from './db.js';
import { isUuid } from './db.js';
import {
  DEMONSTRATION_ZONE_EMPLOYER,
  contractAtSubmissionProblems,
  filingProblems,
  hasContract,
  loadPerson,
} from './eligibility.js';
import { voidLicenceItems, voidLicenceItemsOfRegistration } from './corrections.js';
import { applyRename, renameProblems } from './enterprise-rename.js';
import { ConflictError, NotFoundError, RuleError, ValidationError } from './errors.js';
import type { Profession } from './professions.js';
import { DEMONSTRATION_ZONE_DISTRICT, professions } from './professions.js';
import type { Action, ApplicationKind, GuardName, Role, State } from './workflow-table.js';
import {
  ENTERPRISE_SEES_APPLICATION,
  actionNames,
  findTransition,
  kindNames,
  stateNames,
} from './workflow-table.js';

export type WorkflowDeps = { sql: Sql; clock: Clock; rules: WorkflowRules };

/** Who acts: a signed-in account in a role, or the platform itself. */
export type Actor = { role: Exclude<Role, 'system'>; accountId: string } | { role: 'system' };

export type ApplicationRow = {
  id: string;
  applicationNumber: string;
  kind: ApplicationKind;
  profession: Profession | null;
  personId: string | null;
  enterpriseId: string | null;
  registrationId: string | null;
  demonstrationZone: boolean;
  state: State;
  version: number;
  draft: unknown;
  snapshot: unknown;
  snapshotVersion: number;
  snapshotHash: string | null;
  startedAt: Date;
  stateChangedAt: Date;
};

const APPLICATION_COLUMNS = `
  id, application_number as "applicationNumber", kind, profession, person_id as "personId",
  enterprise_id as "enterpriseId", registration_id as "registrationId",
  demonstration_zone as "demonstrationZone", state, version, draft, snapshot,
  snapshot_version as "snapshotVersion", snapshot_hash as "snapshotHash",
  started_at as "startedAt", state_changed_at as "stateChangedAt"`;

/** An application as it is now, without locking it (pages). */
export async function readApplication(sql: Sql, id: string): Promise<ApplicationRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await sql.unsafe<ApplicationRow[]>(
    `select ${APPLICATION_COLUMNS} from applications where id = $1`,
    [id],
  );
  return row;
}

/** Human-facing application numbers: SQ + the Shanghai date + a serial, e.g. SQ20261125000042. */
export async function nextApplicationNumber(tx: Tx, at: Date): Promise<string> {
  const [row] = await tx<{ n: string }[]>`select nextval('application_serial')::text as n`;
  return `SQ${businessDate(at).replaceAll('-', '')}${row!.n.padStart(6, '0')}`;
}

export type ApplicationEvent = {
  version: number;
  action: string;
  actorRole: string;
  fromState: State | null;
  toState: State;
  reason: string | null;
  occurredAt: Date;
};

/** An application's timeline: its events, oldest first. */
export async function eventsOf(sql: Sql, applicationId: string): Promise<ApplicationEvent[]> {
  return sql<ApplicationEvent[]>`
    select version, action, actor_role as "actorRole", from_state as "fromState",
           to_state as "toState", reason, occurred_at as "occurredAt"
    from application_events where application_id = ${applicationId} order by version`;
}

export async function lockApplication(tx: Tx, id: string): Promise<ApplicationRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await tx.unsafe<ApplicationRow[]>(
    `select ${APPLICATION_COLUMNS} from applications where id = $1 for update`,
    [id],
  );
  return row;
}

/** The person or enterprise behind an account, to check it is the application's own. */
async function partyOf(tx: Tx, actor: Actor): Promise<string | null> {
  if (actor.role === 'person') {
    const [row] = await tx<{ id: string }[]>`
      select id from persons where account_id = ${actor.accountId}`;
    return row?.id ?? null;
  }
  if (actor.role === 'enterprise') {
    const [row] = await tx<{ id: string }[]>`
      select id from enterprises where account_id = ${actor.accountId}`;
    return row?.id ?? null;
  }
  return null;
}

/** An application that is not the actor's own does not exist, as far as the actor can tell. */
function mayActOn(app: ApplicationRow, actor: Actor, party: string | null): boolean {
  if (actor.role === 'person') return app.personId !== null && app.personId === party;
  if (actor.role === 'enterprise') return app.enterpriseId !== null && app.enterpriseId === party;
  return true;
}

export type TransitionRequest = {
  applicationId: string;
  action: Action;
  actor: Actor;
  reason?: string;
  /** The version the actor saw: a page older than the application gets a 409, not a surprise. */
  expectedVersion?: number;
  /** The party whose act set off this (system) transition: it is not told of it. */
  causedBy?: 'person' | 'enterprise';
};

/**
 * Moves an application by one transition of the table, in one transaction: the row is locked, the
 * actor's right and the transition's guard are checked, the event is written, the state and version
 * change conditionally, and the parties are notified. Anything not in the table is a 409.
 */
export async function transition(
  deps: WorkflowDeps,
  request: TransitionRequest,
): Promise<ApplicationRow> {
  return deps.sql.begin((tx) => transitionIn(tx, deps, request));
}

/** The same, as part of a transaction the caller holds (which then holds the whole change). */
export async function transitionIn(
  tx: Tx,
  deps: Pick<WorkflowDeps, 'clock' | 'rules'>,
  request: TransitionRequest,
): Promise<ApplicationRow> {
  const { clock } = deps;
  const app = await lockApplication(tx, request.applicationId);
  const party = await partyOf(tx, request.actor);
  if (!app || !mayActOn(app, request.actor, party)) throw new NotFoundError();
  if (request.expectedVersion !== undefined && request.expectedVersion !== app.version) {
    throw new ConflictError('这项申请已有新的办理进展，请刷新页面查看后再操作。');
  }
  const rule = findTransition(app.kind, app.state, request.action, request.actor.role);
  if (!rule) {
    throw new ConflictError(
      `这项申请当前状态为“${stateNames[app.state]}”，不能${actionNames[request.action]}。`,
    );
  }
  const reason = request.reason?.trim() || null;
  if (rule.reasonRequired && !reason) {
    throw new ValidationError(`${actionNames[request.action]}须填写原因。`);
  }
  const at = clock.now();
  if (rule.guard) {
    const problems = await guards[rule.guard](tx, app, at, deps.rules);
    if (problems.length > 0) throw new RuleError(problems);
  }

  const version = app.version + 1;
  const actorAccountId = request.actor.role === 'system' ? null : request.actor.accountId;
  await tx`
    insert into application_events
      (application_id, version, action, actor_role, actor_account_id, from_state, to_state,
       reason, occurred_at)
    values (${app.id}, ${version}, ${request.action}, ${request.actor.role}, ${actorAccountId},
            ${app.state}, ${rule.to}, ${reason}, ${at})`;
  // The content is frozen when its party hands it on: the person's confirmation, or an
  // enterprise's rename filed from its draft.
  const freezes =
    request.action === 'confirm' || (request.action === 'submit' && app.state === 'draft');
  const freeze = freezes ? await snapshotOf(tx, app) : null;
  const updated = await tx`
    update applications set state = ${rule.to}, version = ${version}, state_changed_at = ${at}
    where id = ${app.id} and state = ${app.state} and version = ${app.version}`;
  if (updated.count === 1 && freeze) {
    await tx`
      update applications
      set snapshot = ${tx.json(freeze.snapshot)}, snapshot_hash = ${freeze.hash},
          snapshot_version = snapshot_version + 1, handed_to_enterprise_id = enterprise_id
      where id = ${app.id}`;
  }
  const moved = updated.count === 1 ? await lockApplication(tx, app.id) : undefined;
  if (!moved) throw new ConflictError('这项申请刚刚被办理过，请刷新页面查看。');
  await applyEffects(tx, moved, request.action, at);
  await notifyParties(tx, moved, request.actor, request.causedBy, reason, at);
  return moved;
}

/** Why an application cannot be submitted yet: its signed form of this version is missing. */
export const SIGNED_FORM_MISSING = '请先上传法定代表人签字并加盖公章的申请表扫描件。';

type Guard = (tx: Tx, app: ApplicationRow, at: Date, rules: WorkflowRules) => Promise<string[]>;

const guards: Record<GuardName, Guard> = {
  personMayFile: (tx, app, at, rules) =>
    filingProblems(
      tx,
      {
        personId: app.personId!,
        kind: app.kind,
        profession: app.profession!,
        enterpriseId: app.enterpriseId,
        demonstrationZone: app.demonstrationZone,
        draft: readDraft(app.draft),
      },
      at,
      rules,
      true,
    ),
  // Rule 1: an enterprise confirms nothing before its information is complete; rule 13: a
  // demonstration-zone application only while it is registered in Wujiang District.
  enterpriseMayConfirm: async (tx, app) => {
    const [e] = await tx<{ complete: boolean; districtCode: string | null }[]>`
      select information_completed_at is not null as complete, district_code as "districtCode"
      from enterprises where id = ${app.enterpriseId}`;
    if (!e?.complete) return ['请先完善企业信息，再确认员工的申请。'];
    return demonstrationZoneProblems(app, e.districtCode);
  },
  // Rule 11: the signed form of this very snapshot version; rules 3 and 13 checked again.
  enterpriseMaySubmit: async (tx, app, at, rules) => {
    const [row] = await tx<{ version: number | null; districtCode: string | null }[]>`
      select a.signed_form_snapshot_version as version, e.district_code as "districtCode"
      from applications a join enterprises e on e.id = a.enterprise_id where a.id = ${app.id}`;
    const problems = row?.version === app.snapshotVersion ? [] : [SIGNED_FORM_MISSING];
    problems.push(...demonstrationZoneProblems(app, row?.districtCode ?? null));
    if (hasContract(app.kind)) {
      problems.push(
        ...contractAtSubmissionProblems(readDraft(app.snapshot), businessDate(at), rules),
      );
    }
    return problems;
  },
  // Rule 9: the registry holds a new name, and the proof of it is uploaded.
  enterpriseMayRename: async (tx, app) =>
    renameProblems(tx, app.enterpriseId!, readDraft(app.draft)),
};

/** Rule 13, for the enterprise: a demonstration-zone application needs it in Wujiang District. */
function demonstrationZoneProblems(app: ApplicationRow, districtCode: string | null): string[] {
  if (!app.demonstrationZone || districtCode === DEMONSTRATION_ZONE_DISTRICT) return [];
  return [
    `${DEMONSTRATION_ZONE_EMPLOYER}本单位的注册地区划代码${districtCode ? `现为${districtCode}` : '尚未填写'}，不能办理这项长三角示范区注册申请，请核对企业信息或退回申请人。`,
  ];
}

/** The frozen content of an application at the person's confirmation, and its hash. */
export async function snapshotOf(
  tx: Tx,
  app: Pick<
    ApplicationRow,
    | 'applicationNumber'
    | 'kind'
    | 'profession'
    | 'demonstrationZone'
    | 'personId'
    | 'enterpriseId'
    | 'draft'
  >,
) {
  const person = app.personId ? await loadPerson(tx, app.personId) : undefined;
  const [enterprise] = app.enterpriseId
    ? await tx<{ name: string; creditCode: string }[]>`
        select name, credit_code as "creditCode" from enterprises where id = ${app.enterpriseId}`
    : [];
  const draft = readDraft(app.draft);
  const snapshot = {
    applicationNumber: app.applicationNumber,
    kind: app.kind,
    kindName: kindNames[app.kind],
    profession: app.profession,
    professionName: app.profession ? professions[app.profession].name : null,
    demonstrationZone: app.demonstrationZone,
    person: person && {
      name: person.name,
      idNumber: person.idNumber,
      phone: person.phone,
      email: person.email,
      address: person.address,
      education: person.education,
      photoFileId: person.photoFileId,
    },
    enterprise: enterprise ?? null,
    ...draft,
  };
  const hash = createHash('sha256').update(canonicalJson(snapshot)).digest('hex');
  return { snapshot, hash };
}

/** JSON with sorted keys, so equal content always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

async function applyEffects(tx: Tx, app: ApplicationRow, action: Action, at: Date) {
  if (app.kind === 'cancellation' && app.state === 'completed' && app.registrationId) {
    // Rule 7: the registration ends when the enterprise confirms.
    await tx`update registrations set status = 'cancelled', ended_at = ${at}
             where id = ${app.registrationId} and status = 'active'`;
    await voidLicenceItemsOfRegistration(tx, app.registrationId, at);
  }
  if (action === 'return') await voidLicenceItems(tx, app.id, at);
  if (app.state === 'completed' && app.registrationId && app.kind !== 'cancellation') {
    // Rule 12: the licence the enterprise stated is kept on the registration; "none for now"
    // clears an earlier one (its open item fills it in when supplied).
    await tx`
      update registrations r
      set enterprise_licence = case
        when jsonb_typeof(a.enterprise_confirmation -> 'licence') = 'object'
        then a.enterprise_confirmation -> 'licence' end
      from applications a
      where a.id = ${app.id} and r.id = a.registration_id
        and a.enterprise_confirmation ? 'licence'`;
  }
  if (app.kind === 'enterprise_rename' && action === 'approve') {
    await applyRename(tx, app, at);
  }
  if (app.kind === 'out_of_province_qualification' && action === 'approve') {
    const entry = readDraft(app.snapshot).outOfProvince ?? {};
    await tx`
      insert into qualifications
        (person_id, profession, certificate_number, exam_province, pass_year, approved_at)
      values (${app.personId}, ${app.profession}, ${entry.certificateNumber ?? ''},
              ${entry.examProvince ?? ''}, ${entry.passYear ?? 0}, ${at})
      on conflict (person_id, profession) do nothing`;
  }
}

/** What an application is called in messages, e.g. 二级注册建造师初始注册申请（SQ…）. */
function applicationTitle(
  kind: ApplicationKind,
  profession: Profession | null,
  applicationNumber: string,
): string {
  return `${profession ? professions[profession].name : ''}${kindNames[kind]}申请（${applicationNumber}）`;
}

/** The enterprise's notification of an application waiting for its confirmation. */
export function toConfirmMessage(
  personName: string | null,
  kind: ApplicationKind,
  profession: Profession | null,
  applicationNumber: string,
): string {
  return `${personName ? `${personName}的` : ''}${applicationTitle(kind, profession, applicationNumber)}待您确认。`;
}

/**
 * Tells the parties who did not act what happened (their pages show it). A system step counts as
 * the act of the party whose act set it off (`causedBy`).
 */
async function notifyParties(
  tx: Tx,
  app: ApplicationRow,
  actor: Actor,
  causedBy: TransitionRequest['causedBy'],
  reason: string | null,
  at: Date,
) {
  const actedBy = causedBy ?? actor.role;
  const what = `${applicationTitle(app.kind, app.profession, app.applicationNumber)}现为“${stateNames[app.state]}”${reason ? `，原因：${reason}` : ''}。`;
  if (actedBy !== 'person' && app.personId) {
    await tx`
      insert into notifications (account_id, application_id, message, created_at)
      select account_id, ${app.id}, ${`您的${what}`}, ${at} from persons where id = ${app.personId}`;
  }
  // The enterprise hears of every step it did not take on an application it sees: what waits
  // for its confirmation, and what the person or the authority did with the rest.
  if (actedBy !== 'enterprise' && app.enterpriseId) {
    const [person] = app.personId
      ? await tx<{ name: string }[]>`select name from persons where id = ${app.personId}`
      : [];
    const message =
      app.state === 'awaiting_enterprise'
        ? toConfirmMessage(person?.name ?? null, app.kind, app.profession, app.applicationNumber)
        : `${person ? `${person.name}的` : '本单位的'}${what}`;
    await tx`
      insert into notifications (account_id, application_id, message, created_at)
      select e.account_id, a.id, ${message}, ${at}
      from applications a join enterprises e on e.id = a.enterprise_id
      where a.id = ${app.id} and ${tx.unsafe(ENTERPRISE_SEES_APPLICATION)}`;
  }
}
