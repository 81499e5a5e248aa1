import { z } from 'zod';
import type { Db } from '../platform/index.js';
import { addDays, cleanText, inputLimits, isUuid, startOfBusinessDay } from '../platform/index.js';
import { professions } from '../reference/index.js';
import type { Profession } from '../reference/index.js';
import type { Action, ApplicationKind, State } from '../workflow/index.js';
import { ACTIONS, actionNames, kindNames, stateNameOf } from '../workflow/index.js';
import { queueTabNames } from './queue.js';
import type { QueueTab } from './queue.js';

/**
 * The audit search (/authority/audit, admin only): every application event (the workflow's
 * transitions) and every other audited act (sign-ins, staff accounts, claims, corrections,
 * decisions, calendar, jobs, exports...) in one list, newest first, filtered by who, what, which
 * application and when, paged by keyset.
 *
 * The two tables are read by two ordered subqueries, each limited to one page and each served by
 * an index whose order is the list's (migration 016), then merged: a page costs the same over
 * millions of events as over ten, whichever filter leads.
 */

/** The audited acts outside the workflow's transitions, as the code records them, by name. */
export const auditActionNames = {
  login: '登录',
  login_failed: '登录失败',
  logout: '退出登录',
  'account.password_chosen': '设置新密码',
  'staff.created': '新建工作人员账号',
  'staff.disabled': '停用工作人员账号',
  'staff.enabled': '启用工作人员账号',
  'staff.password_reset': '重置工作人员密码',
  profile_updated: '修改个人信息',
  profile_photo_updated: '更新证件照',
  enterprise_information_saved: '保存企业基本信息',
  enterprise_confirmation_stated: '企业确认时的声明',
  signed_form_uploaded: '上传申请表扫描件',
  enterprise_renamed: '企业名称变更生效',
  application_claimed: '认领申请',
  application_assigned: '分配承办人',
  correction_requested: '发出补正通知',
  correction_item_supplied: '提交补正材料',
  correction_item_accepted: '认可补正',
  correction_item_asked_again: '要求重新补正',
  correction_item_withdrawn: '撤回补正事项',
  decision_issued: '出具决定书',
  deadline_recomputed: '重新计算法定期限',
  calendar_year_entered: '录入年度工作日历',
  calendar_year_corrected: '更正年度工作日历',
  review_reason_added: '新增审核理由',
  review_reason_saved: '修改审核理由',
  'announcement.published': '发布注册公告',
  'registration.expired': '注册有效期届满失效',
  'job.run_by_hand': '手动运行定时任务',
  'queue.exported': '导出审核队列',
  demo_data_seeded: '载入演示数据',
} as const satisfies Record<string, string>;
export type AuditAction = keyof typeof auditActionNames;
export const AUDIT_ACTIONS = Object.keys(auditActionNames) as AuditAction[];

/** Who did it, as the list names them: staff by their role, the others by their kind of login. */
export type AuditActorRole = 'system' | 'officer' | 'admin' | 'person' | 'enterprise';
export const auditActorRoleNames: Record<AuditActorRole, string> = {
  system: '系统',
  officer: '审核员',
  admin: '管理员',
  person: '个人',
  enterprise: '企业',
};

/** What a search can ask, as it is typed; every field is optional. */
export const AUDIT_LIMITS = inputLimits(
  z.object({
    account: z.string().max(64),
    application: z.string().max(40),
    from: z.string().max(20),
    to: z.string().max(20),
  }),
);

/** A query string's value as text: the first of repeated ones, cleaned, empty as absent. */
function queryText(value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof first !== 'string') return undefined;
  return cleanText(first) || undefined;
}

const text = (max: number, message: string) =>
  z.preprocess(queryText, z.string().max(max, message).optional());

/**
 * A business date as people type it, or as a date field sends it: 2026-11-25, 2026/11/25,
 * 2026.11.25, 2026年11月25日 or 20261125 (full-width digits too), made YYYY-MM-DD; null when it
 * is no such day.
 */
export function readBusinessDate(typed: string): string | null {
  const compact = typed.normalize('NFKC').replace(/\s+/gu, '');
  const m =
    /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/u.exec(compact) ??
    /^(\d{4})(\d{2})(\d{2})$/.exec(compact);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 2000 || year > 2100) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

const dateField = (label: string) =>
  text(20, `${label}最多20个字符`).transform((v, ctx) => {
    if (v === undefined) return undefined;
    const date = readBusinessDate(v);
    if (date) return date;
    ctx.addIssue({
      code: 'custom',
      message: `${label}“${v}”不是有效的日期，请按“2026-11-25”的格式填写`,
    });
    return z.NEVER;
  });

/**
 * The search form (a GET query string): who (a staff member's account or `system`, from the
 * list; or any account by its login id), what (an action), which application (its number,
 * spaces and case forgiven) and when (business dates in Asia/Shanghai, both ends inclusive).
 */
export const auditForm = z.object({
  actor: z.preprocess(
    queryText,
    z
      .string()
      .refine((v) => v === 'system' || isUuid(v))
      .optional()
      .catch(undefined),
  ),
  account: text(64, '账号最多64个字符').transform((v) =>
    v === undefined ? undefined : v.normalize('NFKC').replace(/\s+/gu, ''),
  ),
  action: z.preprocess(
    queryText,
    z
      .enum([...ACTIONS, ...AUDIT_ACTIONS])
      .optional()
      .catch(undefined),
  ),
  application: text(40, '申请编号最多40个字符').transform((v) =>
    v === undefined ? undefined : normaliseApplicationNumber(v),
  ),
  from: dateField('开始日期'),
  to: dateField('结束日期'),
  after: z.preprocess(queryText, z.string().max(300).optional().catch(undefined)),
});
export type AuditForm = z.infer<typeof auditForm>;

/**
 * The search form read field by field, so that every problem is found at once (a bad date does
 * not hide an unknown application number): what is valid, and a message for each field that is
 * not, in the form's order. A field in error is left out of the form.
 */
export function readAuditForm(query: Record<string, unknown>): {
  form: AuditForm;
  problems: Record<string, string>;
} {
  const form: Record<string, unknown> = {};
  const problems: Record<string, string> = {};
  for (const [key, schema] of Object.entries(auditForm.shape)) {
    const parsed = (schema as z.ZodType).safeParse(query[key]);
    if (parsed.success) form[key] = parsed.data;
    else problems[key] = parsed.error.issues[0]?.message ?? '请检查填写的内容';
  }
  const read = form as AuditForm;
  if (read.actor && read.account) {
    problems.account = '已在“操作人”中选择了人员，请清空账号，或将“操作人”改回“全部”';
    delete read.account;
  }
  if (read.from && read.to && read.to < read.from) {
    problems.to = `结束日期${read.to}早于开始日期${read.from}，请调整日期范围`;
    delete read.to;
  }
  return { form: read, problems };
}

/** An application number as the records spell it: no spaces, half-width, upper-case. */
export function normaliseApplicationNumber(typed: string): string {
  return typed.normalize('NFKC').replace(/\s+/gu, '').toUpperCase();
}

/** A search with its names looked up: the accounts and the application it is about. */
export type AuditSearch = {
  /** `system`: what the platform did itself; otherwise these accounts' acts. */
  actor?: 'system' | { accountIds: string[] };
  action?: string;
  applicationId?: string;
  /** Business dates, inclusive. */
  from?: string;
  to?: string;
  after?: string;
};

/**
 * The form's names looked up: the account by its login id (an ID number, a credit code or a staff
 * user name, whatever its case) and the application by its number. What is not found is a
 * problem beside its field, not an empty list that would look like "nobody did anything".
 */
export async function resolveAuditSearch(
  db: Db,
  form: AuditForm,
): Promise<{ search: AuditSearch } | { problems: Record<string, string> }> {
  const problems: Record<string, string> = {};
  const [accounts, applications] = await Promise.all([
    form.account
      ? db<{ id: string }[]>`
          select id from accounts
          where kind in ('person', 'enterprise', 'staff')
            and login_id in ${db([form.account, form.account.toUpperCase(), form.account.toLowerCase()])}`
      : [],
    form.application
      ? db<{ id: string }[]>`
          select id from applications where application_number = ${form.application}`
      : [],
  ]);
  if (form.account && accounts.length === 0) {
    problems.account = `没有登录账号为“${form.account}”的用户，请核对身份证号、统一社会信用代码或工作人员用户名`;
  }
  if (form.application && applications.length === 0) {
    problems.application = `没有申请编号为“${form.application}”的申请，请核对编号`;
  }
  if (Object.keys(problems).length > 0) return { problems };
  return {
    search: {
      actor:
        form.actor === 'system'
          ? 'system'
          : form.actor
            ? { accountIds: [form.actor] }
            : accounts.length > 0
              ? { accountIds: accounts.map((a) => a.id) }
              : undefined,
      action: form.action,
      applicationId: applications[0]?.id,
      from: form.from,
      to: form.to,
      after: form.after,
    },
  };
}

/** One line of the list. */
export type AuditEntry = {
  /** Which table it comes from: the workflow's transitions or the other audited acts. */
  source: 'application' | 'audit';
  /** Unique within its source. */
  id: string;
  at: Date;
  action: string;
  /** What happened, in Chinese (the code itself for an act this list does not know). */
  actionName: string;
  actorRole: AuditActorRole;
  actorName: string | null;
  actorLoginId: string | null;
  applicationId: string | null;
  applicationNumber: string | null;
  applicationKind: ApplicationKind | null;
  profession: Profession | null;
  fromState: State | null;
  toState: State | null;
  fromStateName: string | null;
  toStateName: string | null;
  /** The transition's reason, or what the audit row's detail says, summarised. */
  note: string | null;
};

export type AuditPage = { entries: AuditEntry[]; next: string | null };

export const AUDIT_PAGE_SIZE = 50;

/** The keyset: the instant (to the microsecond), the source (0 workflow, 1 other), the row id. */
type Cursor = { at: string; src: 0 | 1; id: string };

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string | undefined): Cursor | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString()) as Partial<Cursor>;
    if (
      typeof value.at === 'string' &&
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(value.at) &&
      value.at >= '1900' &&
      value.at < '2101' &&
      // No rolled-over date or time (2026-02-30 would parse as March 2nd).
      !Number.isNaN(Date.parse(value.at)) &&
      new Date(value.at).toISOString().slice(0, 23) === value.at.slice(0, 23) &&
      (value.src === 0 || value.src === 1) &&
      typeof value.id === 'string' &&
      /^[1-9]\d{0,17}$/.test(value.id)
    ) {
      return { at: value.at, src: value.src, id: value.id };
    }
  } catch {
    // a cursor that is not ours starts from the first page
  }
  return undefined;
}

/**
 * The application an audit row is about: its subject, or the one its detail names (a correction
 * item's, a rename's). Written exactly as migration 016's index `audit_events_application` is, so
 * that the search by application number reads that index.
 */
const AUDIT_APPLICATION = `coalesce(case when subject_type = 'application' then subject_id end, detail ->> 'applicationId')`;

/**
 * Who did it, as migration 017's actor indexes key it: the account, or for the platform's own acts
 * (no account) the nil uuid. An equality on it, unlike `is null`, lets the index give the rows
 * in time order for the platform as for anyone.
 */
const ACTOR_KEY = `coalesce(actor_account_id, '00000000-0000-0000-0000-000000000000'::uuid)`;
const PLATFORM = '00000000-0000-0000-0000-000000000000';

/** A uuid from text that should hold one, or null (a cast of anything else would fail). */
const asUuid = (expression: string) =>
  `case when ${expression} ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then (${expression})::uuid end`;

type StoredEntry = {
  src: 0 | 1;
  id: string;
  at: Date;
  cursorAt: string;
  action: string;
  actorAccountId: string | null;
  workflowRole: string | null;
  accountKind: string | null;
  staffRole: 'officer' | 'admin' | null;
  actorName: string | null;
  actorLoginId: string | null;
  fromState: State | null;
  toState: State | null;
  reason: string | null;
  subjectType: string | null;
  subjectId: string | null;
  detail: Record<string, unknown> | null;
  applicationId: string | null;
  applicationNumber: string | null;
  applicationKind: ApplicationKind | null;
  profession: Profession | null;
  itemWhat: string | null;
};

/** What the summaries need beyond the rows: the titles of the scheduled jobs (lib/jobs). */
export type AuditNames = { jobTitles?: Record<string, string> };

/** One page of the list for a search, newest first, after the search's cursor. */
export async function auditEntries(
  db: Db,
  search: AuditSearch,
  names: AuditNames = {},
  pageSize = AUDIT_PAGE_SIZE,
): Promise<AuditPage> {
  const cursor = decodeCursor(search.after);
  const limit = pageSize + 1;
  const workflowAction = ACTIONS.includes(search.action as Action);
  // An action belongs to one table: the other is not read at all. 'fixture' and other codes
  // only the workflow table holds are not offered, so an unknown action means the audit table.
  const readWorkflow = !search.action || workflowAction;
  const readAudit = !search.action || !workflowAction;

  /** The conditions both tables share, over the alias `t` (same column names in both). */
  const common = (src: 0 | 1) => db`
    ${
      search.actor === 'system'
        ? db`and ${db.unsafe(ACTOR_KEY)} = ${PLATFORM}::uuid`
        : search.actor
          ? search.actor.accountIds.length === 1
            ? db`and ${db.unsafe(ACTOR_KEY)} = ${search.actor.accountIds[0]!}::uuid`
            : db`and ${db.unsafe(ACTOR_KEY)} in ${db(search.actor.accountIds)}`
          : db``
    }
    ${search.action ? db`and t.action = ${search.action}` : db``}
    ${search.from ? db`and t.occurred_at >= ${startOfBusinessDay(search.from)}` : db``}
    ${search.to ? db`and t.occurred_at < ${startOfBusinessDay(addDays(search.to, 1))}` : db``}
    ${cursor ? after(src, cursor) : db``}`;

  // Rows after the cursor in the order (occurred_at, src, id) descending, for one source.
  function after(src: 0 | 1, c: Cursor) {
    const at = db`${c.at}::text::timestamptz`;
    if (src === c.src) return db`and (t.occurred_at, t.id) < (${at}, ${c.id}::bigint)`;
    return src < c.src ? db`and t.occurred_at <= ${at}` : db`and t.occurred_at < ${at}`;
  }

  const workflow = db`
    select 0 as src, t.id, t.occurred_at, t.action, t.actor_account_id, t.actor_role,
           t.from_state, t.to_state, t.reason, null::text as subject_type,
           null::text as subject_id, null::jsonb as detail, t.application_id
    from application_events t
    where true
      ${search.applicationId ? db`and t.application_id = ${search.applicationId}` : db``}
      ${common(0)}
    order by t.occurred_at desc, t.id desc
    limit ${limit}`;
  const audit = db`
    select 1 as src, t.id, t.occurred_at, t.action, t.actor_account_id, null::text as actor_role,
           null::text as from_state, null::text as to_state, null::text as reason,
           t.subject_type, t.subject_id, t.detail,
           ${db.unsafe(asUuid(AUDIT_APPLICATION))} as application_id
    from audit_events t
    where true
      ${search.applicationId ? db`and ${db.unsafe(AUDIT_APPLICATION)} = ${search.applicationId}` : db``}
      ${common(1)}
    order by t.occurred_at desc, t.id desc
    limit ${limit}`;
  const union =
    readWorkflow && readAudit
      ? db`(${workflow}) union all (${audit})`
      : readWorkflow
        ? workflow
        : audit;

  const rows = await db<StoredEntry[]>`
    select u.src, u.id::text as id, u.occurred_at as at,
           to_char(u.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "cursorAt",
           u.action, u.actor_account_id as "actorAccountId", u.actor_role as "workflowRole",
           ac.kind as "accountKind", s.role as "staffRole",
           coalesce(s.name, p.name, en.name, ac.display_name) as "actorName",
           case when ac.kind = 'staff' then ac.login_id end as "actorLoginId",
           u.from_state as "fromState", u.to_state as "toState", u.reason,
           u.subject_type as "subjectType", u.subject_id as "subjectId", u.detail,
           ap.id as "applicationId", ap.application_number as "applicationNumber",
           ap.kind as "applicationKind", ap.profession, ci.what as "itemWhat"
    from (select * from (${union}) m order by m.occurred_at desc, m.src desc, m.id desc
          limit ${limit}) u
      left join accounts ac on ac.id = u.actor_account_id
      left join staff s on s.account_id = u.actor_account_id
      left join persons p on p.account_id = u.actor_account_id
      left join enterprises en on en.account_id = u.actor_account_id
      left join applications ap on ap.id = u.application_id
      left join correction_items ci
        on u.subject_type = 'correction_item'
       and ci.id = ${db.unsafe(asUuid('u.subject_id'))}
    order by u.occurred_at desc, u.src desc, u.id desc`;

  const more = rows.length > pageSize;
  const shown = rows.slice(0, pageSize);
  const staffNames = await staffNamesIn(db, shown);
  const last = shown.at(-1);
  return {
    entries: shown.map((row) => readEntry(row, staffNames, names)),
    next: more && last ? encodeCursor({ at: last.cursorAt, src: last.src, id: last.id }) : null,
  };
}

/** The staff members the rows' details name by account id (an assignment, an export's filter). */
async function staffNamesIn(db: Db, rows: StoredEntry[]): Promise<Map<string, string>> {
  const ids = new Set<string>();
  for (const row of rows) {
    const d = row.detail ?? {};
    const filter = (d.filter ?? {}) as Record<string, unknown>;
    for (const v of [d.from, d.to, filter.officer]) {
      if (typeof v === 'string' && isUuid(v)) ids.add(v);
    }
  }
  if (ids.size === 0) return new Map();
  const found = await db<{ id: string; name: string }[]>`
    select account_id as id, name from staff where account_id in ${db([...ids])}`;
  return new Map(found.map((r) => [r.id, r.name]));
}

function readEntry(
  row: StoredEntry,
  staffNames: Map<string, string>,
  names: AuditNames,
): AuditEntry {
  const kind = row.applicationKind;
  const actorRole: AuditActorRole =
    row.actorAccountId === null
      ? 'system'
      : (row.staffRole ??
        (row.accountKind === 'person' || row.workflowRole === 'person' ? 'person' : 'enterprise'));
  return {
    source: row.src === 0 ? 'application' : 'audit',
    id: row.id,
    at: row.at,
    action: row.action,
    actionName:
      row.src === 0
        ? (actionNames[row.action as Action] ?? row.action)
        : ((auditActionNames as Record<string, string>)[row.action] ?? row.action),
    actorRole,
    actorName: row.actorName,
    actorLoginId: row.actorLoginId,
    applicationId: row.applicationId,
    applicationNumber: row.applicationNumber,
    applicationKind: kind,
    profession: row.profession,
    fromState: row.fromState,
    toState: row.toState,
    fromStateName: row.fromState && kind ? stateNameOf(kind, row.fromState) : null,
    toStateName: row.toState && kind ? stateNameOf(kind, row.toState) : null,
    note: row.src === 0 ? row.reason : summariseDetail(row, staffNames, names),
  };
}

const roleNames: Record<string, string> = { officer: '审核员', admin: '管理员' };

const enterpriseFieldNames: Record<string, string> = {
  legalRepresentative: '法定代表人',
  address: '企业地址',
  districtCode: '注册地区划代码',
  contactName: '联系人',
  contactPhone: '联系电话',
};

const str = (v: unknown): string | undefined =>
  typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;

/** An audit row's detail in a sentence, for the acts this list knows; null when it says nothing. */
function summariseDetail(
  row: StoredEntry,
  staffNames: Map<string, string>,
  names: AuditNames,
): string | null {
  const d = row.detail ?? {};
  const staff = (id: unknown) =>
    typeof id === 'string' ? (staffNames.get(id) ?? '（已不存在的账号）') : '无';
  const parts: (string | undefined | null | false)[] = (() => {
    switch (row.action) {
      case 'staff.created':
        return [
          `${str(d.name)}（${str(d.loginId)}）`,
          str(d.role) && `角色：${roleNames[str(d.role)!] ?? str(d.role)}`,
        ];
      case 'staff.disabled':
      case 'staff.enabled':
      case 'staff.password_reset':
        return [d.name !== undefined && `${str(d.name)}（${str(d.loginId)}）`];
      case 'application_assigned':
        return [`承办人：${staff(d.from)} → ${staff(d.to)}`];
      case 'correction_requested':
        return [str(d.items) && `${str(d.items)}项`, str(d.replyBy) && `答复期限${str(d.replyBy)}`];
      case 'correction_item_supplied':
      case 'correction_item_accepted':
      case 'correction_item_asked_again':
        return [row.itemWhat && `事项：${row.itemWhat}`, str(d.reason) && `原因：${str(d.reason)}`];
      case 'correction_item_withdrawn':
        return [row.itemWhat && `事项：${row.itemWhat}`, str(d.reason) && `原因：${str(d.reason)}`];
      case 'decision_issued':
        return [str(d.number) && `决定书${str(d.number)}`];
      case 'deadline_recomputed':
        return [
          `法定期限：${str(d.from) ?? '无'} → ${str(d.to) ?? '无'}${d.provisional ? '（暂定）' : ''}`,
        ];
      case 'calendar_year_entered':
      case 'calendar_year_corrected':
        return [str(d.year) && `${str(d.year)}年`];
      case 'review_reason_added':
        return [str(d.title) && `理由：${str(d.title)}`];
      case 'review_reason_saved': {
        const afterTitle = (d.after as Record<string, unknown> | undefined)?.title;
        return [str(afterTitle) && `理由：${str(afterTitle)}`];
      }
      case 'announcement.published':
        return [row.subjectId ?? undefined, str(d.entries) && `${str(d.entries)}条`];
      case 'registration.expired':
        return [
          str(d.registrationNumber) && `注册编号${str(d.registrationNumber)}`,
          str(d.validUntil) && `有效期至${str(d.validUntil)}`,
        ];
      case 'enterprise_renamed':
        return [`${str(d.from)} → ${str(d.to)}`];
      case 'enterprise_information_saved': {
        const changed = Object.keys((d.changed as object | undefined) ?? {});
        return [
          changed.length > 0
            ? `修改了${changed.map((f) => enterpriseFieldNames[f] ?? f).join('、')}`
            : '未修改内容',
        ];
      }
      case 'signed_form_uploaded':
        return [str(d.snapshotVersion) && `对应第${str(d.snapshotVersion)}版申请内容`];
      case 'job.run_by_hand':
        return [
          row.subjectId && `任务：${names.jobTitles?.[row.subjectId] ?? row.subjectId}`,
          str(d.runId) && `运行记录${str(d.runId)}`,
        ];
      case 'queue.exported':
        return [
          str(d.rows) && `${str(d.rows)}行`,
          d.complete === false && '未导出完整（下载中断）',
          `筛选：${describeQueueFilter((d.filter ?? {}) as Record<string, unknown>, staffNames)}`,
        ];
      default:
        return [];
    }
  })();
  const text = parts.filter((p): p is string => typeof p === 'string' && p !== '').join('；');
  return text || null;
}

/** A queue filter as recorded with an export, in words. */
export function describeQueueFilter(
  filter: Record<string, unknown>,
  staffNames: Map<string, string> = new Map(),
): string {
  const parts: string[] = [];
  const tab = str(filter.tab) as QueueTab | 'decided_today' | undefined;
  parts.push(tab && queueTabNames[tab] ? queueTabNames[tab] : '全部待办');
  const profession = str(filter.profession) as Profession | undefined;
  if (profession && professions[profession]) parts.push(professions[profession].name);
  const kind = str(filter.kind) as ApplicationKind | undefined;
  if (kind && kindNames[kind]) parts.push(kindNames[kind]);
  const officer = str(filter.officer);
  if (officer === 'none') parts.push('未分配');
  else if (officer) parts.push(`承办人${staffNames.get(officer) ?? officer}`);
  if (filter.provisional) parts.push('只看暂定期限');
  if (str(filter.q)) parts.push(`搜索“${str(filter.q)}”`);
  return parts.join('，');
}

/** A select's choices in groups (optgroup). */
export type OptionGroups = { label: string; options: { value: string; label: string }[] }[];

/** The choices of the "who" list: the platform itself, then every staff member (disabled too). */
export async function auditActorOptions(db: Db): Promise<OptionGroups> {
  const staff = await db<{ id: string; name: string; role: string; disabled: boolean }[]>`
    select a.id, s.name, s.role, a.disabled_at is not null as disabled
    from staff s join accounts a on a.id = s.account_id
    order by a.disabled_at is not null, s.role desc, s.name, a.login_id`;
  return [
    { label: '平台', options: [{ value: 'system', label: '系统（自动处理）' }] },
    {
      label: '工作人员',
      options: staff.map((s) => ({
        value: s.id,
        label: `${s.name}（${roleNames[s.role] ?? s.role}${s.disabled ? '，已停用' : ''}）`,
      })),
    },
  ];
}

/** The choices of the "what" list, in two groups: the workflow's steps and the other acts. */
export const auditActionGroups: OptionGroups = [
  {
    label: '申请办理',
    options: ACTIONS.map((a) => ({ value: a, label: actionNames[a] })),
  },
  {
    label: '账号与其他操作',
    options: AUDIT_ACTIONS.map((a) => ({ value: a, label: auditActionNames[a] })),
  },
];
