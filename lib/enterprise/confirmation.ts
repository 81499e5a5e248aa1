import { businessDate, ConflictError, recordAudit, ValidationError } from '../platform/index.js';
import type { Problem } from '../platform/index.js';
import type { FileStore, UploadedDocument } from '../files/index.js';
import { storeFile } from '../files/index.js';
import { openItem } from '../corrections/index.js';
import { formQrMismatch, readFormQr, SIGNED_FORM_MISMATCH } from '../documents/index.js';
import {
  contractAtSubmissionProblems,
  DEMONSTRATION_ZONE_EMPLOYER,
  hasContract,
} from '../filing/index.js';
import type { Licence, Profession } from '../reference/index.js';
import { DEMONSTRATION_ZONE_DISTRICT, licenceFields } from '../reference/index.js';
import type { ApplicationKind, ApplicationRow, Guard, WorkflowDeps } from '../workflow/index.js';
import { readDraft, transitionIn } from '../workflow/index.js';
import { z } from 'zod';

/**
 * The enterprise's confirmation of an employee's application (rule 11): what it states with it
 * (rule 12), the signed form it uploads, and the guards of its confirmation and submission.
 */

export type EnterpriseConfirmation =
  { licence: Licence | 'none' } | { costConsulting: boolean } | Record<string, never>;

/**
 * What the enterprise states when it confirms (rule 12), for the applications that lead to a
 * registration there: the licence for an architect or structural engineer, whether it is a
 * cost-consulting firm for a cost engineer; nothing for other kinds (a cancellation ends one).
 */
export function confirmationAsks(
  kind: ApplicationKind,
  profession: Profession | null,
): 'licence' | 'costConsulting' | null {
  if (kind !== 'initial' && kind !== 'additional' && kind !== 'renewal') return null;
  if (profession === 'architect' || profession === 'structural_engineer') return 'licence';
  if (profession === 'cost_engineer') return 'costConsulting';
  return null;
}

/** Returning an application to the person for changes: why, in the enterprise's words. */
export const returnForm = z.object({
  reason: z
    .string({ error: '请写明退回原因，申请人将据此修改' })
    .trim()
    .min(1, '请写明退回原因，申请人将据此修改')
    .max(500, '退回原因最多500个字'),
});

/** The confirmation form of this application. */
export function confirmationForm(kind: ApplicationKind, profession: Profession | null) {
  const asks = confirmationAsks(kind, profession);
  if (asks === 'licence') {
    return z
      .object({
        licence: z.enum(['held', 'none'], { error: '请选择企业资质情况' }),
        licenceType: z.string().trim().catch(''),
        licenceNumber: z.string().trim().catch(''),
      })
      .superRefine((v, ctx) => {
        if (v.licence !== 'held') return;
        const checked = licenceFields.safeParse(v);
        for (const issue of checked.error?.issues ?? []) {
          ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
        }
      })
      .transform((v): EnterpriseConfirmation => ({
        licence: v.licence === 'none' ? 'none' : { type: v.licenceType, number: v.licenceNumber },
      }));
  }
  if (asks === 'costConsulting') {
    return z
      .object({ costConsulting: z.enum(['yes', 'no'], { error: '请选择是否为造价咨询企业' }) })
      .transform((v): EnterpriseConfirmation => ({ costConsulting: v.costConsulting === 'yes' }));
  }
  return z.object({}).transform((): EnterpriseConfirmation => ({}));
}

/**
 * The enterprise confirms (rule 11) with its commitment and its profession-specific statement, in
 * one transaction: the statement, the transition, and for "no licence for now" an open item that
 * does not hold review (rule 12).
 */
export async function confirmAsEnterprise(
  deps: WorkflowDeps,
  request: {
    accountId: string;
    applicationId: string;
    expectedVersion: number;
    confirmation: EnterpriseConfirmation;
  },
): Promise<void> {
  await deps.sql.begin(async (tx) => {
    const at = deps.clock.now();
    const moved = await transitionIn(tx, deps, {
      applicationId: request.applicationId,
      action: 'enterprise_confirm',
      actor: { role: 'enterprise', accountId: request.accountId },
      expectedVersion: request.expectedVersion,
    });
    const given =
      'licence' in request.confirmation
        ? 'licence'
        : 'costConsulting' in request.confirmation
          ? 'costConsulting'
          : null;
    if (given !== confirmationAsks(moved.kind, moved.profession)) {
      throw new ValidationError('确认内容与这项申请的类别不符，请刷新页面后重新确认。');
    }
    await tx`update applications set enterprise_confirmation = ${tx.json(request.confirmation)}
             where id = ${moved.id}`;
    // Kept for the record: a return clears the statement from the application, not from here.
    await recordAudit(tx, {
      at,
      actorAccountId: request.accountId,
      action: 'enterprise_confirmation_stated',
      subjectType: 'application',
      subjectId: moved.id,
      detail: { version: moved.version, confirmation: request.confirmation },
    });
    if ('licence' in request.confirmation && request.confirmation.licence === 'none') {
      await openItem(
        tx,
        moved.id,
        {
          addressedTo: 'enterprise',
          what: '企业资质类型及资质证号',
          why: '确认申请时选择了“暂无资质”，取得资质后请在此补正',
          blocksReview: false,
          openedBy: null,
          asks: 'licence',
        },
        at,
      );
    }
  });
}

/** What became of an uploaded scan: stored (its QR matched, or could not be read), or refused. */
export type SignedFormOutcome =
  | { ok: true; qr: 'matched' | 'unreadable'; decodeMs: number }
  | { ok: false; problem: Problem; decodeMs: number };

/**
 * What the QR of application `a`'s stored scan said (SQL: 'matched', 'unreadable', or null for a
 * scan from before the check): kept on the upload's audit event, written in the same transaction
 * as the scan, and tied to the very file by its id.
 */
export const SIGNED_FORM_QR_OF = `(select ev.detail ->> 'qr' from audit_events ev
  where ev.subject_type = 'application' and ev.subject_id = a.id::text
    and ev.action = 'signed_form_uploaded'
    and ev.detail ->> 'fileId' = a.signed_form_file_id::text
  order by ev.id desc limit 1)`;

/** The note the officer (and the enterprise) sees beside a scan whose QR could not be read. */
export const UNREADABLE_QR_NOTE = '扫描件未能识别二维码，请人工核对';

/**
 * Stores and records the signed and stamped form the enterprise uploaded, tied to the snapshot
 * version it was printed from, in one transaction; only while the application waits for it.
 * The form's QR is read from the scan first (outside the transaction: it is slow work on the
 * bytes alone) and compared, under the row's lock, with the application as it is now: a scan of
 * another application, of another version or with another snapshot hash is refused with both
 * versions named; a scan whose QR cannot be read is kept, marked for the officer to check.
 */
export async function attachSignedForm(
  deps: WorkflowDeps & { fileStore: FileStore },
  request: {
    accountId: string;
    applicationId: string;
    document: UploadedDocument;
    snapshotVersion: number;
  },
): Promise<SignedFormOutcome> {
  const { qr, ms: decodeMs } = await readFormQr(
    request.document.bytes,
    request.document.contentType,
  );
  return deps.sql.begin(async (tx): Promise<SignedFormOutcome> => {
    const at = deps.clock.now();
    const [application] = await tx<
      {
        id: string;
        applicationNumber: string;
        snapshotVersion: number;
        snapshotHash: string | null;
      }[]
    >`
      select a.id, a.application_number as "applicationNumber",
             a.snapshot_version as "snapshotVersion", a.snapshot_hash as "snapshotHash"
      from applications a join enterprises e on e.id = a.enterprise_id
      where a.id = ${request.applicationId} and e.account_id = ${request.accountId}
        and a.state = 'awaiting_signed_form' and a.snapshot_version = ${request.snapshotVersion}
      for update of a`;
    if (!application) {
      throw new ConflictError('这项申请当前不需要上传申请表，或申请表已更新，请刷新页面。');
    }
    if (qr) {
      const message = formQrMismatch(qr, application);
      if (message) {
        return {
          ok: false,
          decodeMs,
          problem: { code: SIGNED_FORM_MISMATCH, field: 'signedForm', message },
        };
      }
    }
    const reading = qr ? 'matched' : 'unreadable';
    const fileId = await storeFile(tx, deps.fileStore, {
      ...request.document,
      ownerAccountId: request.accountId,
      at,
    });
    await tx`
      update applications set signed_form_file_id = ${fileId},
             signed_form_snapshot_version = ${request.snapshotVersion}
      where id = ${application.id}`;
    await recordAudit(tx, {
      at,
      actorAccountId: request.accountId,
      action: 'signed_form_uploaded',
      subjectType: 'application',
      subjectId: request.applicationId,
      detail: { snapshotVersion: request.snapshotVersion, fileId, qr: reading },
    });
    return { ok: true, qr: reading, decodeMs };
  });
}

/** Why an application cannot be submitted yet: its signed form of this version is missing. */
export const SIGNED_FORM_MISSING = 'signed_form_missing';

/**
 * Rule 1: an enterprise confirms nothing before its information is complete; rule 13: a
 * demonstration-zone application only while it is registered in Wujiang District.
 */
export const enterpriseMayConfirm: Guard = async (tx, app) => {
  const [e] = await tx<{ complete: boolean; districtCode: string | null }[]>`
    select information_completed_at is not null as complete, district_code as "districtCode"
    from enterprises where id = ${app.enterpriseId}`;
  if (!e?.complete) {
    return [
      {
        code: 'enterprise_information_incomplete',
        message: '请先完善企业信息，再确认员工的申请。',
      },
    ];
  }
  return demonstrationZoneProblems(app, e.districtCode);
};

/** Rule 11: the signed form of this very snapshot version; rules 3 and 13 checked again. */
export const enterpriseMaySubmit: Guard = async (tx, app, at, rules) => {
  const [row] = await tx<{ version: number | null; districtCode: string | null }[]>`
    select a.signed_form_snapshot_version as version, e.district_code as "districtCode"
    from applications a join enterprises e on e.id = a.enterprise_id where a.id = ${app.id}`;
  const problems: Problem[] =
    row?.version === app.snapshotVersion
      ? []
      : [
          {
            code: SIGNED_FORM_MISSING,
            field: 'signedForm',
            message: '请先上传法定代表人签字并加盖公章的申请表扫描件。',
          },
        ];
  problems.push(...demonstrationZoneProblems(app, row?.districtCode ?? null));
  if (hasContract(app.kind)) {
    problems.push(
      ...contractAtSubmissionProblems(readDraft(app.snapshot), businessDate(at), rules),
    );
  }
  return problems;
};

/** Rule 13, for the enterprise: a demonstration-zone application needs it in Wujiang District. */
function demonstrationZoneProblems(app: ApplicationRow, districtCode: string | null): Problem[] {
  if (!app.demonstrationZone || districtCode === DEMONSTRATION_ZONE_DISTRICT) return [];
  return [
    {
      code: 'demonstration_zone_employer',
      message: `${DEMONSTRATION_ZONE_EMPLOYER}本单位的注册地区划代码${districtCode ? `现为${districtCode}` : '尚未填写'}，不能办理这项长三角示范区注册申请，请核对企业信息或退回申请人。`,
    },
  ];
}
