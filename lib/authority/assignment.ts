import type { Sql, Tx } from '../platform/index.js';
import { ConflictError, isUuid, NotFoundError, recordAudit, RuleError } from '../platform/index.js';
import type { ApplicationRow } from '../workflow/index.js';
import { AUTHORITY_STATES, lockApplication } from '../workflow/index.js';

/**
 * Who has an application with the authority: an officer claims one that nobody has, or an admin
 * assigns it to an officer (or back to nobody). Accepting an unassigned application claims it.
 */

/** The officers an admin may assign to (every staff member reviews), by name. */
export async function officersOf(db: Sql | Tx): Promise<{ accountId: string; name: string }[]> {
  return db<{ accountId: string; name: string }[]>`
    select s.account_id as "accountId", s.name from staff s order by s.name, s.account_id`;
}

/** Claims in the caller's transaction; with `ifUnassigned`, only when nobody has it. */
export async function claimIn(
  tx: Tx,
  app: Pick<ApplicationRow, 'id'>,
  officerAccountId: string,
  at: Date,
  options: { ifUnassigned?: boolean } = {},
): Promise<boolean> {
  const claimed = await tx`
    update applications set assigned_officer_id = ${officerAccountId}
    where id = ${app.id} and assigned_officer_id is null`;
  if (claimed.count === 0) {
    if (options.ifUnassigned) return false;
    throw new ConflictError('这项申请已由其他审核人员认领，请刷新页面查看。');
  }
  await recordAudit(tx, {
    at,
    actorAccountId: officerAccountId,
    action: 'application_claimed',
    subjectType: 'application',
    subjectId: app.id,
  });
  return true;
}

async function lockWithAuthority(tx: Tx, applicationId: string): Promise<ApplicationRow> {
  const app = await lockApplication(tx, applicationId);
  if (!app || !app.submittedAt) throw new NotFoundError();
  if (!AUTHORITY_STATES.includes(app.state)) {
    throw new ConflictError('这项申请已办结，无需认领或分配。');
  }
  return app;
}

/** An officer takes an application nobody has yet. */
export async function claimApplication(
  sql: Sql,
  request: { applicationId: string; officerAccountId: string; at: Date },
): Promise<void> {
  await sql.begin(async (tx) => {
    const app = await lockWithAuthority(tx, request.applicationId);
    if (app.assignedOfficerId === request.officerAccountId) return;
    await claimIn(tx, app, request.officerAccountId, request.at);
  });
}

/** An admin gives an application to an officer, or (null) back to nobody. */
export async function assignApplication(
  sql: Sql,
  request: {
    applicationId: string;
    adminAccountId: string;
    officerAccountId: string | null;
    at: Date;
  },
): Promise<void> {
  await sql.begin(async (tx) => {
    const app = await lockWithAuthority(tx, request.applicationId);
    if (request.officerAccountId) {
      const [officer] = isUuid(request.officerAccountId)
        ? await tx`select 1 from staff where account_id = ${request.officerAccountId}`
        : [];
      if (!officer) {
        throw new RuleError([
          { code: 'officer_unknown', message: '请从列表中选择一名审核人员。', field: 'officer' },
        ]);
      }
    }
    if (app.assignedOfficerId === request.officerAccountId) return;
    await tx`update applications set assigned_officer_id = ${request.officerAccountId}
             where id = ${app.id}`;
    await recordAudit(tx, {
      at: request.at,
      actorAccountId: request.adminAccountId,
      action: 'application_assigned',
      subjectType: 'application',
      subjectId: app.id,
      detail: { from: app.assignedOfficerId, to: request.officerAccountId },
    });
  });
}
