/**
 * The application workflow (DESIGN.md §4) as one declared table: which actor may do what to which
 * kind of application in which state, and where that leads. Nothing moves an application that is
 * not in this table (engine.ts).
 */

export const APPLICATION_KINDS = [
  'initial',
  'additional',
  'renewal',
  'cancellation',
  'personal_change',
  'out_of_province_qualification',
  'enterprise_rename',
] as const;
export type ApplicationKind = (typeof APPLICATION_KINDS)[number];

export const STATES = [
  'draft',
  'awaiting_enterprise',
  'returned',
  'awaiting_signed_form',
  'submitted',
  'under_review',
  'correction_requested',
  'approved',
  'refused',
  'not_accepted',
  'completed',
  'withdrawn',
  'expired',
] as const;
export type State = (typeof STATES)[number];

/** States after which nothing more happens; every other state is "open". */
export const FINAL_STATES: readonly State[] = [
  'completed',
  'refused',
  'not_accepted',
  'withdrawn',
  'expired',
];

/** States in which the application is with the authority (its queue). */
export const AUTHORITY_STATES: readonly State[] = [
  'submitted',
  'under_review',
  'correction_requested',
];

/** Final states in which an application ended without taking effect. */
export const STOPPED_STATES: readonly State[] = FINAL_STATES.filter((s) => s !== 'completed');

/** States as an SQL list, e.g. `('refused', 'withdrawn')`, for queries over the declared names. */
export function sqlStates(states: readonly State[]): string {
  return `(${states.map((s) => `'${s}'`).join(', ')})`;
}

/** States the enterprise never sees: the person's draft, and one that expired unconfirmed. */
const HIDDEN_FROM_ENTERPRISE: readonly State[] = ['draft', 'expired'];

/**
 * Whether the enterprise an application `a` names sees it (SQL over `a`): once the person handed
 * it to that enterprise, and never a draft or one that expired unconfirmed. A returned initial
 * application on which the person chose another employer names the new one before it was handed
 * to it (migration 007): until the person confirms it again, the new employer sees nothing of it,
 * nor of its withdrawal.
 */
export const ENTERPRISE_SEES_APPLICATION = `(a.state not in ${sqlStates(HIDDEN_FROM_ENTERPRISE)}
  and a.handed_to_enterprise_id = a.enterprise_id)`;

export const ACTIONS = [
  /** The first event of every application: it was started (a draft, or a rename filed). */
  'start',
  'confirm',
  'enterprise_confirm',
  'return',
  'submit',
  'accept',
  'not_accept',
  'request_correction',
  'corrections_complete',
  'approve',
  'refuse',
  'complete',
  'withdraw',
  'expire',
] as const;
export type Action = (typeof ACTIONS)[number];

export const ROLES = ['person', 'enterprise', 'officer', 'system'] as const;
export type Role = (typeof ROLES)[number];

/** Named checks a transition runs before it happens (the modules that own the rules register them). */
export type GuardName =
  | 'personMayFile'
  | 'enterpriseMayConfirm'
  | 'enterpriseMaySubmit'
  | 'enterpriseMayRename'
  | 'authorityMayApprove';

export type Transition = {
  kinds: readonly ApplicationKind[];
  from: readonly State[];
  action: Action;
  role: Role;
  to: State;
  guard?: GuardName;
  /** Returns, refusals and corrections always say why. */
  reasonRequired?: boolean;
  /**
   * Only for an application the authority has (true) or has not yet (false) accepted: corrections
   * asked before acceptance lead back to 待受理, those asked during review back to review.
   */
  accepted?: boolean;
};

/** Filed by the person, confirmed by the enterprise with a signed form, decided by the authority. */
const DECIDED: readonly ApplicationKind[] = ['initial', 'additional', 'renewal', 'personal_change'];
/** Every kind the person files through an enterprise. */
const THROUGH_ENTERPRISE: readonly ApplicationKind[] = [...DECIDED, 'cancellation'];
/** Filed by one party and decided by the authority, with no enterprise step. */
const DIRECT: readonly ApplicationKind[] = ['out_of_province_qualification', 'enterprise_rename'];
/** Every kind that reaches the authority. */
const AUTHORITY_DECIDES: readonly ApplicationKind[] = [...DECIDED, ...DIRECT];

export const TRANSITIONS: readonly Transition[] = [
  // The person confirms: the snapshot is frozen and it goes to the enterprise (or, for an
  // out-of-province entry, straight to the authority).
  {
    kinds: THROUGH_ENTERPRISE,
    from: ['draft', 'returned'],
    action: 'confirm',
    role: 'person',
    to: 'awaiting_enterprise',
    guard: 'personMayFile',
  },
  {
    kinds: ['out_of_province_qualification'],
    from: ['draft'],
    action: 'confirm',
    role: 'person',
    to: 'submitted',
    guard: 'personMayFile',
  },
  {
    kinds: ['enterprise_rename'],
    from: ['draft'],
    action: 'submit',
    role: 'enterprise',
    to: 'submitted',
    guard: 'enterpriseMayRename',
  },
  // Rule 4: not confirmed within 5 days of starting or of coming back.
  {
    kinds: [...THROUGH_ENTERPRISE, 'out_of_province_qualification'],
    from: ['draft'],
    action: 'expire',
    role: 'system',
    to: 'expired',
  },
  {
    kinds: THROUGH_ENTERPRISE,
    from: ['returned'],
    action: 'expire',
    role: 'system',
    to: 'expired',
  },
  // The enterprise confirms (rule 11) or sends it back with a reason.
  {
    kinds: DECIDED,
    from: ['awaiting_enterprise'],
    action: 'enterprise_confirm',
    role: 'enterprise',
    to: 'awaiting_signed_form',
    guard: 'enterpriseMayConfirm',
  },
  {
    kinds: ['cancellation'], // rule 7: done at once
    from: ['awaiting_enterprise'],
    action: 'enterprise_confirm',
    role: 'enterprise',
    to: 'completed',
    guard: 'enterpriseMayConfirm',
  },
  {
    kinds: THROUGH_ENTERPRISE,
    from: ['awaiting_enterprise'],
    action: 'return',
    role: 'enterprise',
    to: 'returned',
    reasonRequired: true,
  },
  {
    kinds: DECIDED,
    from: ['awaiting_signed_form'],
    action: 'return',
    role: 'enterprise',
    to: 'returned',
    reasonRequired: true,
  },
  {
    kinds: DECIDED,
    from: ['awaiting_signed_form'],
    action: 'submit',
    role: 'enterprise',
    to: 'submitted',
    guard: 'enterpriseMaySubmit',
  },
  // The authority. Before acceptance it may accept, not accept (不予受理), or ask for corrections
  // first (the clock has not started); during review it may ask for corrections, approve or refuse.
  { kinds: DECIDED, from: ['submitted'], action: 'accept', role: 'officer', to: 'under_review' },
  {
    kinds: AUTHORITY_DECIDES,
    from: ['submitted'],
    action: 'not_accept',
    role: 'officer',
    to: 'not_accepted',
    reasonRequired: true,
  },
  {
    kinds: AUTHORITY_DECIDES,
    from: ['submitted'],
    action: 'request_correction',
    role: 'officer',
    to: 'correction_requested',
    reasonRequired: true,
  },
  {
    kinds: DECIDED,
    from: ['under_review'],
    action: 'request_correction',
    role: 'officer',
    to: 'correction_requested',
    reasonRequired: true,
  },
  // A further request while items of earlier ones are still open (an item asked again): it waits on.
  {
    kinds: AUTHORITY_DECIDES,
    from: ['correction_requested'],
    action: 'request_correction',
    role: 'officer',
    to: 'correction_requested',
    reasonRequired: true,
  },
  {
    kinds: AUTHORITY_DECIDES,
    from: ['correction_requested'],
    action: 'corrections_complete',
    role: 'system',
    to: 'submitted',
    accepted: false,
  },
  {
    kinds: DECIDED,
    from: ['correction_requested'],
    action: 'corrections_complete',
    role: 'system',
    to: 'under_review',
    accepted: true,
  },
  {
    kinds: DECIDED,
    from: ['under_review'],
    action: 'approve',
    role: 'officer',
    to: 'approved',
    guard: 'authorityMayApprove',
  },
  {
    kinds: DECIDED,
    from: ['under_review'],
    action: 'refuse',
    role: 'officer',
    to: 'refused',
    reasonRequired: true,
  },
  // Corrections not supplied in time (逾期未补正): refused once accepted, not accepted before.
  {
    kinds: DECIDED,
    from: ['correction_requested'],
    action: 'refuse',
    role: 'officer',
    to: 'refused',
    reasonRequired: true,
    accepted: true,
  },
  {
    kinds: DECIDED,
    from: ['correction_requested'],
    action: 'not_accept',
    role: 'officer',
    to: 'not_accepted',
    reasonRequired: true,
    accepted: false,
  },
  // Initial and additional complete at their announcement; a renewal and a personal change at
  // once, in the approval's transaction.
  { kinds: DECIDED, from: ['approved'], action: 'complete', role: 'system', to: 'completed' },
  // An entry or a rename takes effect when approved.
  { kinds: DIRECT, from: ['submitted'], action: 'approve', role: 'officer', to: 'completed' },
  {
    kinds: DIRECT,
    from: ['submitted', 'correction_requested'],
    action: 'refuse',
    role: 'officer',
    to: 'refused',
    reasonRequired: true,
  },
  // Rule 10: withdraw before acceptance and while under review, not once decided.
  {
    kinds: DECIDED,
    from: [
      'draft',
      'awaiting_enterprise',
      'returned',
      'awaiting_signed_form',
      'submitted',
      'under_review',
      'correction_requested',
    ],
    action: 'withdraw',
    role: 'person',
    to: 'withdrawn',
  },
  {
    kinds: ['cancellation'],
    from: ['draft', 'awaiting_enterprise', 'returned'],
    action: 'withdraw',
    role: 'person',
    to: 'withdrawn',
  },
  {
    kinds: ['out_of_province_qualification'],
    from: ['draft', 'submitted', 'correction_requested'],
    action: 'withdraw',
    role: 'person',
    to: 'withdrawn',
  },
  {
    kinds: ['enterprise_rename'],
    from: ['draft', 'submitted', 'correction_requested'],
    action: 'withdraw',
    role: 'enterprise',
    to: 'withdrawn',
  },
];

function candidates(kind: ApplicationKind, from: State, action: Action, role: Role) {
  return TRANSITIONS.filter(
    (t) =>
      t.action === action && t.role === role && t.kinds.includes(kind) && t.from.includes(from),
  );
}

export function findTransition(
  kind: ApplicationKind,
  from: State,
  action: Action,
  role: Role,
  accepted = false,
): Transition | undefined {
  return candidates(kind, from, action, role).find(
    (t) => t.accepted === undefined || t.accepted === accepted,
  );
}

/** Whether which transition applies depends on the authority's acceptance (rows with `accepted`). */
export function dependsOnAcceptance(
  kind: ApplicationKind,
  from: State,
  action: Action,
  role: Role,
): boolean {
  return candidates(kind, from, action, role).some((t) => t.accepted !== undefined);
}

export const kindNames: Record<ApplicationKind, string> = {
  initial: '初始注册',
  additional: '增项注册',
  renewal: '延续注册',
  cancellation: '注销注册',
  personal_change: '个人自然情况变更',
  out_of_province_qualification: '省外资格信息录入',
  enterprise_rename: '企业更名',
};

export const stateNames: Record<State, string> = {
  draft: '填写中',
  awaiting_enterprise: '待企业确认',
  returned: '企业已退回',
  awaiting_signed_form: '待企业上传申请表',
  submitted: '待受理',
  under_review: '审核中',
  correction_requested: '待材料补正',
  approved: '准予注册，待公告',
  refused: '不予注册',
  not_accepted: '不予受理',
  completed: '已办结',
  withdrawn: '已撤回',
  expired: '已失效',
};

/**
 * A state's name for an application of this kind: only initial and additional registrations wait
 * for an announcement once approved; a renewal or a change is simply granted (and completes at once).
 */
export function stateNameOf(kind: ApplicationKind, state: State): string {
  if (state === 'approved' && kind !== 'initial' && kind !== 'additional') return '已准予';
  return stateNames[state];
}

export const actionNames: Record<Action, string> = {
  start: '发起申请',
  confirm: '确认提交',
  enterprise_confirm: '企业确认',
  return: '退回',
  submit: '提交',
  accept: '受理',
  not_accept: '不予受理',
  request_correction: '要求材料补正',
  corrections_complete: '补正完成',
  approve: '准予',
  refuse: '不予准予',
  complete: '办结',
  withdraw: '撤回',
  expire: '作废',
};
