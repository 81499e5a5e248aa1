import type { Clock, Problem, Sql, Tx, WorkflowRules } from '../platform/index.js';
import { ConflictError, NotFoundError, RuleError, ValidationError } from '../platform/index.js';
import type { ApplicationRow, BulkApplicationRow } from './applications.js';
import { lockApplication, lockApplications, wasAccepted } from './applications.js';
import { notifyMoves, notifyParties } from './notifications.js';
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

/**
 * The same for many applications moved at once (transitionAllIn), in one statement or a few; it
 * is given the rows without their draft and snapshot (a statement reads those it needs).
 */
export type EffectAll = (tx: Tx, apps: readonly BulkApplicationRow[], at: Date) => Promise<void>;

/**
 * One row of the effects table: after which transitions (every condition given must hold), and
 * what it does: row by row (`run`), or over every application moved (`runAll`), which a job's
 * transitions of thousands of applications need and one transition uses with one.
 */
export type EffectRow = {
  /** The kinds it applies to; every kind when absent. */
  kinds?: readonly ApplicationKind[];
  action?: Action;
  /** The state the transition led to. */
  to?: State;
} & ({ run: Effect; runAll?: never } | { runAll: EffectAll; run?: never });

function effectApplies(effect: EffectRow, app: BulkApplicationRow, action: Action): boolean {
  if (effect.kinds && !effect.kinds.includes(app.kind)) return false;
  if (effect.action && effect.action !== action) return false;
  return !effect.to || effect.to === app.state;
}

/** The effects of one transition on the application it moved, in the table's order. */
async function runEffects(
  tx: Tx,
  effects: readonly EffectRow[],
  app: ApplicationRow,
  action: Action,
  at: Date,
): Promise<void> {
  for (const effect of effects) {
    if (!effectApplies(effect, app, action)) continue;
    if (effect.run) await effect.run(tx, app, at);
    else await effect.runAll(tx, [app], at);
  }
}

/** The bulk path's effects: only those written for many (runAll) are set-based, as a job needs. */
async function runBulkEffects(
  tx: Tx,
  effects: readonly EffectRow[],
  moved: readonly BulkApplicationRow[],
  action: Action,
  at: Date,
): Promise<void> {
  for (const effect of effects) {
    const apps = moved.filter((app) => effectApplies(effect, app, action));
    if (apps.length === 0) continue;
    if (!effect.runAll) {
      throw new Error(`transitionAllIn: an effect of ${action} runs row by row; give it runAll`);
    }
    await effect.runAll(tx, apps, at);
  }
}

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
  await runEffects(tx, hooks.effects, moved, request.action, at);
  if (request.notify !== false) {
    await notifyParties(tx, moved, request.causedBy ?? request.actor.role, reason, at);
  }
  return moved;
}

export type BulkTransitionRequest = {
  /** The applications to move; those the table does not let this action move are left as they are. */
  applicationIds: readonly string[];
  /** A platform step: no guard, no snapshot, the same for every application it moves. */
  action: Action;
  /** Each application's reason (on its event and in its notification). */
  reasonOf?: (app: BulkApplicationRow) => string | null;
  /** What the parties are told of it, in place of its new state and reason. */
  whatOf?: (app: BulkApplicationRow) => string | undefined;
};

/**
 * Moves many applications by the same platform step in the caller's transaction, set-based: they
 * are locked in one statement, their events written in one, their rows changed in one, the
 * effects run over all of them (`runAll`) and the parties notified in a few. Each moves by the
 * table exactly as `transitionIn` would move it alone. Returns the applications as they now stand.
 */
export async function transitionAllIn(
  tx: Tx,
  deps: Pick<WorkflowDeps, 'clock' | 'hooks'>,
  request: BulkTransitionRequest,
): Promise<BulkApplicationRow[]> {
  const { action } = request;
  if (action === 'confirm' || action === 'submit') {
    throw new Error(`transitionAllIn: ${action} freezes a snapshot; use transitionIn`);
  }
  const at = deps.clock.now();
  const steps: { app: BulkApplicationRow; to: State; reason: string | null }[] = [];
  for (const app of await lockApplications(tx, request.applicationIds)) {
    if (dependsOnAcceptance(app.kind, app.state, action, 'system')) {
      throw new Error(`transitionAllIn: ${action} from ${app.state} depends on the acceptance`);
    }
    const rule = findTransition(app.kind, app.state, action, 'system');
    if (!rule) continue;
    if (rule.guard) throw new Error(`transitionAllIn: ${action} has a guard; use transitionIn`);
    const reason = request.reasonOf?.(app)?.trim() || null;
    if (rule.reasonRequired && !reason)
      throw new ValidationError(`${actionNames[action]}须填写原因。`);
    steps.push({ app, to: rule.to, reason });
  }
  if (steps.length === 0) return [];
  const ids = steps.map((s) => s.app.id);
  await tx`
    insert into application_events
      (application_id, version, action, actor_role, from_state, to_state, reason, occurred_at)
    select m.id, m.version, ${action}, 'system', m.from_state, m.to_state, m.reason, ${at}
    from unnest(${ids}::uuid[], ${steps.map((s) => s.app.version + 1)}::int[],
                ${steps.map((s) => s.app.state)}::text[], ${steps.map((s) => s.to)}::text[],
                ${steps.map((s) => s.reason) as string[]}::text[])
         as m (id, version, from_state, to_state, reason)`;
  await tx`
    update applications a
    set state = m.to_state, version = m.version, state_changed_at = ${at},
        submitted_at = coalesce(a.submitted_at, case when m.to_state = 'submitted' then ${at}::timestamptz end)
    from unnest(${ids}::uuid[], ${steps.map((s) => s.app.version + 1)}::int[],
                ${steps.map((s) => s.to)}::text[]) as m (id, version, to_state)
    where a.id = m.id`;
  const moved = steps.map(({ app, to, reason }) => ({
    app: { ...app, state: to, version: app.version + 1, stateChangedAt: at },
    reason,
  }));
  await runBulkEffects(
    tx,
    deps.hooks.effects,
    moved.map((m) => m.app),
    action,
    at,
  );
  await notifyMoves(
    tx,
    moved.map((m) => ({ ...m, what: request.whatOf?.(m.app) })),
    'system',
    at,
  );
  return moved.map((m) => m.app);
}
