import postgres from 'postgres';
import {
  FINAL_STATES,
  nextApplicationNumber,
  readDraft,
  recordStart,
  transitionIn,
} from '../workflow/index.js';
import { ConflictError, NotFoundError, recordAudit, RuleError } from '../platform/index.js';
import type { Db, Problem, Sql, Tx } from '../platform/index.js';
import type { FileStore, UploadedDocument } from '../files/index.js';
import { storeFile } from '../files/index.js';
import type {
  ApplicationDraft,
  ApplicationRow,
  Guard,
  State,
  WorkflowDeps,
} from '../workflow/index.js';

/**
 * Enterprise rename (企业更名, rule 9). The new name is the one the provincial legal-person
 * registry holds for the enterprise's credit code, never typed; while the registry still holds the
 * enterprise's current name there is nothing to file. The enterprise uploads its business licence
 * and the name-change notice and files it; on approval the enterprise takes the new name, and with
 * it every registration there (they refer to the enterprise, not to a copy of its name).
 */

export const RENAME_REFUSED = '如法人库非更名后企业名称，请勿申请';

/** The proof a rename needs, by purpose (the application's uploads). */
export const RENAME_MATERIALS = [
  {
    purpose: 'business-licence',
    name: '更名后的营业执照扫描件',
    hint: '营业执照正本或副本，名称须与法人库中的新名称一致',
  },
  {
    purpose: 'name-change-notice',
    name: '企业名称变更通知书扫描件',
    hint: '市场监督管理部门出具的《准予变更登记通知书》等',
  },
] as const;

export type RenameApplication = {
  id: string;
  applicationNumber: string;
  state: State;
  version: number;
  from: string;
  to: string;
  stateChangedAt: Date;
};

export type RenameStatus = {
  name: string;
  /** What the legal-person registry holds for the credit code; null when it holds nothing. */
  registryName: string | null;
  /** The registry holds another name: a rename may be filed. */
  renamed: boolean;
  /** The enterprise's latest rename application that was filed, if any. */
  latest: RenameApplication | null;
  /** That rename is still with the authority (nothing else may be filed meanwhile). */
  open: boolean;
};

/** The enterprise's name and the registry's, and whether they differ (a rename may be filed). */
async function namesOf(db: Db, enterpriseId: string) {
  const [row] = await db<{ name: string; registryName: string | null }[]>`
    select e.name, r.name as "registryName"
    from enterprises e left join legal_person_registry r on r.credit_code = e.credit_code
    where e.id = ${enterpriseId}`;
  if (!row) throw new NotFoundError();
  const renamed = row.registryName !== null && row.registryName !== row.name;
  // Why a rename cannot be filed: the registry holds the current name, or a name longer than an
  // enterprise's may be (the registry is not ours to hold to our limits).
  const refusal: Problem | null = !renamed
    ? { code: 'registry_holds_current_name', message: RENAME_REFUSED }
    : [...row.registryName!].length > 100
      ? {
          code: 'registry_name_too_long',
          message:
            '法人库中的企业名称超过100个字，平台暂不能办理这项更名，请拨打注册事项咨询热线。',
        }
      : null;
  return { ...row, renamed, refusal };
}

export async function renameStatusOf(sql: Sql, enterpriseId: string): Promise<RenameStatus> {
  const names = await namesOf(sql, enterpriseId);
  const [latest] = await sql<RenameApplication[]>`
    select id, application_number as "applicationNumber", state, version,
           state_changed_at as "stateChangedAt",
           coalesce(snapshot -> 'rename' ->> 'from', '') as "from",
           coalesce(snapshot -> 'rename' ->> 'to', '') as "to"
    from applications
    where enterprise_id = ${enterpriseId} and kind = 'enterprise_rename' and state <> 'draft'
    order by started_at desc, application_number desc limit 1`;
  return {
    ...names,
    open: latest !== undefined && !FINAL_STATES.includes(latest.state),
    latest: latest ?? null,
  };
}

/** Why this rename may not be filed now (the submit guard); empty when nothing blocks it. */
export async function renameProblems(
  db: Db,
  enterpriseId: string,
  draft: ApplicationDraft,
): Promise<Problem[]> {
  const { registryName, refusal } = await namesOf(db, enterpriseId);
  if (refusal) return [refusal];
  const problems: Problem[] = [];
  if (draft.rename?.to !== registryName) {
    problems.push({
      code: 'registry_name_changed',
      message: '法人库中的企业名称已更新，请刷新页面核对后重新提交。',
    });
  }
  for (const m of RENAME_MATERIALS) {
    if (!draft.uploads?.[m.purpose]) {
      problems.push({ code: 'material_missing', field: m.purpose, message: `请上传${m.name}。` });
    }
  }
  return problems;
}

/** The guard of filing a rename (rule 9): the registry holds a new name, and the proof is here. */
export const enterpriseMayRename: Guard = (tx, app) =>
  renameProblems(tx, app.enterpriseId!, readDraft(app.draft));

/**
 * Files a rename in one transaction: the application is started with the names and the proof, and
 * submitted to the authority (its content frozen). Refused with RENAME_REFUSED while the registry
 * holds the current name; one open rename per enterprise.
 */
export async function fileRename(
  deps: WorkflowDeps & { fileStore: FileStore },
  request: { accountId: string; documents: Record<string, UploadedDocument> },
): Promise<ApplicationRow> {
  const at = deps.clock.now();
  try {
    return await deps.sql.begin(async (tx) => {
      const [enterprise] = await tx<{ id: string }[]>`
        select id from enterprises where account_id = ${request.accountId} for update`;
      if (!enterprise) throw new NotFoundError();
      const { name, registryName, refusal } = await namesOf(tx, enterprise.id);
      if (refusal || registryName === null) {
        throw new RuleError([
          refusal ?? { code: 'registry_holds_current_name', message: RENAME_REFUSED },
        ]);
      }
      // Stored only now, so a refused rename leaves no file rows behind.
      const uploads: Record<string, string> = {};
      for (const [purpose, document] of Object.entries(request.documents)) {
        uploads[purpose] = await storeFile(tx, deps.fileStore, {
          ...document,
          ownerAccountId: request.accountId,
          at,
        });
      }
      const draft: ApplicationDraft = { rename: { from: name, to: registryName }, uploads };
      const number = await nextApplicationNumber(tx, at);
      const [row] = await tx<{ id: string }[]>`
        insert into applications
          (application_number, kind, enterprise_id, state, version, draft, started_at,
           state_changed_at)
        values (${number}, 'enterprise_rename', ${enterprise.id}, 'draft', 0, ${tx.json(draft)},
                ${at}, ${at})
        returning id`;
      await recordStart(tx, row!.id, { role: 'enterprise', accountId: request.accountId }, at);
      return transitionIn(tx, deps, {
        applicationId: row!.id,
        action: 'submit',
        actor: { role: 'enterprise', accountId: request.accountId },
      });
    });
  } catch (err) {
    if (
      err instanceof postgres.PostgresError &&
      err.constraint_name === 'applications_one_open_rename'
    ) {
      throw new ConflictError('本单位已有一项企业更名申请正在办理，办结或撤回后才能再次申请。');
    }
    throw err;
  }
}

/**
 * The approval effect (called by the workflow in the approving transaction): the enterprise takes
 * the name it filed for; its registrations show it, as they refer to the enterprise.
 */
export async function applyRename(tx: Tx, app: ApplicationRow, at: Date): Promise<void> {
  const names = readDraft(app.snapshot).rename;
  if (!names || !app.enterpriseId) throw new Error(`rename ${app.id} has no names`);
  await tx`update enterprises set name = ${names.to} where id = ${app.enterpriseId}`;
  await tx`
    update accounts set display_name = ${names.to}
    where id = (select account_id from enterprises where id = ${app.enterpriseId})`;
  await recordAudit(tx, {
    at,
    actorAccountId: null,
    action: 'enterprise_renamed',
    subjectType: 'enterprise',
    subjectId: app.enterpriseId,
    detail: { applicationId: app.id, from: names.from, to: names.to },
  });
}
