import type { Clock, Problem, Sql, Tx, WorkflowRules } from '../platform/index.js';
import { ConflictError, NotFoundError, RuleError, ValidationError } from '../platform/index.js';
import type { ApplicationRow } from './applications.js';
import { lockApplication, wasAccepted } from './applications.js';
import { notifyParties } from './notifications.js';
import { snapshotOf } from './snapshot.js';
import type { Action, ApplicationKind, GuardName, Role, State } from './table.js';
import { actionNames, dependsOnAcceptance, findTransition, stateNameOf } from './table.js';
import type { AccountKind, SessionUser } from '../identity/index.js';

/** A check a transition of the table names (its `guard`): what stops it, empty when nothing does. */
export type Guard = (
  tx: Tx,
  app: ApplicationRow,
  at: Date,
  rules: WorkflowRules,
) => Promise<Problem[]>;

/** What a transition sets off in the same transaction, on the application as it now stands. */
export type Effect = (tx: Tx, app: ApplicationRow, at: Date) => Promise<void>;

/** One row of the effects table: after which transitions (every condition given must hold). */
export type EffectRow = {
  /** The kinds it applies to; every kind when absent. */
  kinds?: readonly ApplicationKind[];
  action?: Action;
  /** The state the transition led to. */
  to?: State;
  run: Effect;
};

/**
 * The guards and effects of the modules above the workflow (filing, enterprise, corrections,
 * registrations...), registered with it from one place (lib/services/workflow-hooks.ts), so the
 * engine imports none of them.
 */
export type WorkflowHooks = { guards: Record<GuardName, Guard>; effects: readonly EffectRow[] };

export type WorkflowDeps = { sql: Sql; clock: Clock; rules: WorkflowRules; hooks: WorkflowHooks };

/** What an actor is told whose page is older than the application. */
const STALE = '这项申请已有新的办理进展，请刷新页面查看后再操作。';

/**
 * The version a form was rendered with (its hidden `version` field) as a whole number; missing,
 * empty or anything else is a stale page, refused like an older version (409).
 */
export function postedVersion(value: unknown): number {
  if (typeof value === 'string' && /^\d{1,9}$/.test(value.trim())) return Number(value);
  throw new ConflictError('页面已过期，请返回申请页面刷新后重试。');
}

/** Who acts: a signed-in account in a role, or the platform itself. */
export type Actor = { role: Exclude<Role, 'system'>; accountId: string } | { role: 'system' };

/**
 * The workflow role each kind of account acts in: a staff account acts as the authority's
 * officer (DESIGN.md §5a). The one place the two names meet.
 */
export const ROLE_OF_ACCOUNT = {
  person: 'person',
  enterprise: 'enterprise',
  staff: 'officer',
} as const satisfies Record<AccountKind, Exclude<Role, 'system'>>;

/** The signed-in account as the workflow's actor. */
export function actorOf(user: Pick<SessionUser, 'id' | 'kind'>): Actor {
  return { role: ROLE_OF_ACCOUNT[user.kind], accountId: user.id };
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
  /** False for a step the parties were just told of in the same act (a renewal's completion). */
  notify?: boolean;
};

/**
 * Moves an application by one transition of the table, in one transaction: the row is locked, the
 * actor's right and the transition's guard are checked, the event is written, the state and version
 * change conditionally, the effects run and the parties are notified. Anything not in the table is
 * a 409.
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
  deps: Pick<WorkflowDeps, 'clock' | 'rules' | 'hooks'>,
  request: TransitionRequest,
): Promise<ApplicationRow> {
  const { clock, hooks } = deps;
  const app = await lockApplication(tx, request.applicationId);
  const party = await partyOf(tx, request.actor);
  if (!app || !mayActOn(app, request.actor, party)) throw new NotFoundError();
  if (request.expectedVersion !== undefined && request.expectedVersion !== app.version) {
    throw new ConflictError(STALE);
  }
  // Read from the events only when the table's rows for this step ask for it.
  const accepted =
    dependsOnAcceptance(app.kind, app.state, request.action, request.actor.role) &&
    (await wasAccepted(tx, app.id));
  const rule = findTransition(app.kind, app.state, request.action, request.actor.role, accepted);
  if (!rule) {
    throw new ConflictError(
      `这项申请当前状态为“${stateNameOf(app.kind, app.state)}”，不能${actionNames[request.action]}。`,
    );
  }
  const reason = request.reason?.trim() || null;
  if (rule.reasonRequired && !reason) {
    throw new ValidationError(`${actionNames[request.action]}须填写原因。`);
  }
  const at = clock.now();
  if (rule.guard) {
    const problems = await hooks.guards[rule.guard](tx, app, at, deps.rules);
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
    update applications set state = ${rule.to}, version = ${version}, state_changed_at = ${at},
           submitted_at = coalesce(submitted_at, ${rule.to === 'submitted' ? at : null})
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
  for (const effect of hooks.effects) {
    if (effect.kinds && !effect.kinds.includes(moved.kind)) continue;
    if (effect.action && effect.action !== request.action) continue;
    if (effect.to && effect.to !== moved.state) continue;
    await effect.run(tx, moved, at);
  }
  if (request.notify !== false) {
    await notifyParties(tx, moved, request.causedBy ?? request.actor.role, reason, at);
  }
  return moved;
}
