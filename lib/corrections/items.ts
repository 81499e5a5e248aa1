import type { Db, Tx } from '../platform/index.js';
import type { FileStore, UploadedDocument } from '../files/index.js';
import type { Licence } from '../reference/index.js';
import { isLicence } from '../reference/index.js';
import { storeFile } from '../files/index.js';
import type { WorkflowDeps } from '../workflow/index.js';
import { lockApplication, STOPPED_STATES, transitionIn } from '../workflow/index.js';
import { z } from 'zod';
import {
  ConflictError,
  isUuid,
  NotFoundError,
  recordAudit,
  RuleError,
  ValidationError,
} from '../platform/index.js';
import { formQrMismatch, readFormQr, SIGNED_FORM_MISMATCH } from '../documents/index.js';

/** The note a person or an enterprise may write with what it supplies for a correction item. */
export const correctionNoteForm = z.object({
  note: z.string({ error: '补正说明须是文字' }).trim().max(500, '补正说明最多500个字').default(''),
});

/**
 * Correction items (材料补正): the authority asks the person or the enterprise for something, says
 * what and why; the party supplies it and the item closes with what was supplied, kept for the
 * record. While items that block review are open the application is `correction_requested`; when
 * the last one closes it returns to `under_review`. The enterprise-licence item of rule 12 does not
 * block review and opens no state change.
 */

export type CorrectionParty = 'person' | 'enterprise';

/** What an item asks for: materials (a file and/or a note), or the enterprise's licence (rule 12). */
export type CorrectionAsks = 'material' | 'licence';

export type Supplied = {
  note?: string;
  fileId?: string;
  licence?: Licence;
  /** Closed without being supplied: why it no longer applies. */
  voided?: string;
  /**
   * A signed application form sent again (SIGNED_FORM_REASONS): whether its QR matched the
   * application, or could not be read (the officer checks it by eye).
   */
  formQr?: 'matched' | 'unreadable';
};

/**
 * The reasons an officer asks the enterprise for its signed application form again: what it
 * sends is read for the form's QR and matched like the first upload (lib/enterprise).
 */
export const SIGNED_FORM_REASONS: readonly string[] = ['signed_form_unclear'];

export type CorrectionItem = {
  id: string;
  applicationId: string;
  addressedTo: CorrectionParty;
  asks: CorrectionAsks;
  what: string;
  why: string;
  blocksReview: boolean;
  openedAt: Date;
  closedAt: Date | null;
  supplied: Supplied | null;
  requestId: string | null;
  reasonCode: string | null;
  /** The officer's review of what was supplied. */
  review: 'accepted' | 'asked_again' | 'withdrawn' | null;
  reviewedAt: Date | null;
  /** The reply deadline of the request it belongs to, and whether it is provisional (暂定). */
  replyBy: string | null;
  replyByProvisional: boolean | null;
};

const ITEM_COLUMNS = `
  id, application_id as "applicationId", addressed_to as "addressedTo", asks, what, why,
  blocks_review as "blocksReview", opened_at as "openedAt", closed_at as "closedAt", supplied,
  request_id as "requestId", reason_code as "reasonCode", review, reviewed_at as "reviewedAt",
  (select to_char(r.reply_by, 'YYYY-MM-DD') from correction_requests r where r.id = request_id)
    as "replyBy",
  (select r.reply_by_provisional from correction_requests r where r.id = request_id)
    as "replyByProvisional"`;

export type NewItem = {
  addressedTo: CorrectionParty;
  what: string;
  why: string;
  /** The catalogue's reason it was chosen from (lib/authority's review_reasons). */
  reasonCode?: string;
};

/** Opens an item inside the caller's transaction (no state change). */
export async function openItem(
  tx: Tx,
  applicationId: string,
  item: NewItem & {
    blocksReview: boolean;
    openedBy: string | null;
    asks?: CorrectionAsks;
    requestId?: string;
  },
  at: Date,
): Promise<string> {
  if (!item.what.trim() || !item.why.trim()) {
    throw new ValidationError('补正事项须写明需要补充什么和原因。');
  }
  const [row] = await tx<{ id: string }[]>`
    insert into correction_items
      (application_id, addressed_to, asks, what, why, blocks_review, opened_by_account_id,
       opened_at, request_id, reason_code)
    values (${applicationId}, ${item.addressedTo}, ${item.asks ?? 'material'}, ${item.what.trim()},
            ${item.why.trim()}, ${item.blocksReview}, ${item.openedBy}, ${at},
            ${item.requestId ?? null}, ${item.reasonCode ?? null})
    returning id`;
  return row!.id;
}

export async function itemsOf(sql: Db, applicationId: string): Promise<CorrectionItem[]> {
  return sql.unsafe<CorrectionItem[]>(
    `select ${ITEM_COLUMNS} from correction_items where application_id = $1 order by seq`,
    [applicationId],
  );
}

/**
 * The addressed party supplies an item; it closes with what was supplied, with its audit event. The
 * last blocking item closed sends the application back to review, in the same transaction. A
 * licence (rule 12) is also kept on the application's confirmation and on its registration.
 */
export async function supplyItem(
  deps: WorkflowDeps & { fileStore: FileStore },
  request: {
    itemId: string;
    party: CorrectionParty;
    accountId: string;
    supplied: Supplied;
    /** A scan supplied with it, stored (as `supplied.fileId`) only if the item closes. */
    document?: UploadedDocument;
  },
): Promise<CorrectionItem> {
  if (!isUuid(request.itemId)) throw new NotFoundError();
  // A signed form's QR is read before the transaction: slow work on the bytes alone.
  const [asked] = request.document
    ? await deps.sql<{ reasonCode: string | null }[]>`
        select reason_code as "reasonCode" from correction_items where id = ${request.itemId}`
    : [];
  const reading =
    request.document && asked?.reasonCode && SIGNED_FORM_REASONS.includes(asked.reasonCode)
      ? await readFormQr(request.document.bytes, request.document.contentType)
      : undefined;
  return deps.sql.begin(async (tx) => {
    const at = deps.clock.now();
    // The application is locked before its item, in the order a transition (a return voiding
    // the licence item) takes them, so the two never wait on each other.
    const [owner] = await tx<{ applicationId: string }[]>`
      select application_id as "applicationId" from correction_items where id = ${request.itemId}`;
    const app = owner && (await lockApplication(tx, owner.applicationId));
    // And its registration before the item too, as a cancellation takes them (it ends the
    // registration, then voids the licence items owed for it).
    if (app?.registrationId) {
      await tx`select 1 from registrations where id = ${app.registrationId} for update`;
    }
    const [item] = app
      ? await tx.unsafe<CorrectionItem[]>(
          `select ${ITEM_COLUMNS} from correction_items where id = $1 for update`,
          [request.itemId],
        )
      : [];
    if (!item || !app || item.addressedTo !== request.party) throw new NotFoundError();
    const [own] =
      request.party === 'person'
        ? await tx`select 1 from persons where id = ${app.personId} and account_id = ${request.accountId}`
        : await tx`select 1 from enterprises where id = ${app.enterpriseId} and account_id = ${request.accountId}`;
    if (!own) throw new NotFoundError();
    // A licence item (rule 12) may close after approval and completion; nothing closes on an
    // application that was withdrawn, refused or expired (its open items closed with it).
    if (STOPPED_STATES.includes(app.state)) {
      throw new ConflictError('这项申请已终止办理，无需补正。');
    }
    if (item.closedAt) throw new ConflictError('这项补正已经办结，无需再次提交。');
    // Compared under the application's lock, with the application as it is now.
    const mismatch = reading?.qr && formQrMismatch(reading.qr, app);
    if (mismatch) {
      throw new RuleError([{ code: SIGNED_FORM_MISMATCH, message: mismatch }]);
    }
    // The bytes go to the content-addressed store first: a rollback leaves them unreferenced
    // there, never a row that points at nothing.
    const supplied: Supplied = request.document
      ? {
          ...request.supplied,
          fileId: await storeFile(tx, deps.fileStore, {
            ...request.document,
            ownerAccountId: request.accountId,
            at,
          }),
        }
      : request.supplied;
    if (reading) supplied.formQr = reading.qr ? 'matched' : 'unreadable';
    const { note, fileId, licence } = supplied;
    if (item.asks === 'licence') {
      if (!isLicence(licence)) throw new ValidationError('请选择资质类型并填写资质证号。');
      // The statement made at confirmation stays as it was made; the licence supplied later is
      // the item's own (keepStatedLicence takes it to the registration on completion).
      const kept = { type: licence.type, number: licence.number };
      if (app.registrationId) {
        await tx`update registrations set enterprise_licence = ${tx.json(kept)}
                 where id = ${app.registrationId}`;
      }
    } else if ((!note?.trim() && !fileId) || licence || supplied.voided) {
      throw new ValidationError('请上传补正材料或填写补正说明。');
    }
    await tx`
      update correction_items set closed_at = ${at}, supplied = ${tx.json(supplied)}
      where id = ${item.id}`;
    await recordAudit(tx, {
      at,
      actorAccountId: request.accountId,
      action: 'correction_item_supplied',
      subjectType: 'correction_item',
      subjectId: item.id,
      detail: {
        applicationId: app.id,
        asks: item.asks,
        ...(supplied.formQr && { qr: supplied.formQr }),
      },
    });
    const [open] = await tx`
      select 1 from correction_items
      where application_id = ${app.id} and blocks_review and closed_at is null`;
    if (!open && app.state === 'correction_requested') {
      await transitionIn(tx, deps, {
        applicationId: app.id,
        action: 'corrections_complete',
        actor: { role: 'system' },
        causedBy: request.party,
      });
    }
    return (await itemsOf(tx, app.id)).find((i) => i.id === item.id)!;
  });
}

/**
 * When the enterprise returns an application, what it stated at confirmation no longer stands: its
 * open licence item (rule 12) closes as void, in the returning transaction. Confirming again asks
 * anew, and the person may choose another employer meanwhile.
 */
export async function voidLicenceItems(tx: Tx, applicationId: string, at: Date): Promise<void> {
  await tx`
    update correction_items
    set closed_at = ${at}, supplied = ${tx.json({ voided: '申请已退回申请人，本项随之撤销' })}
    where application_id = ${applicationId} and asks = 'licence' and closed_at is null`;
  await tx`update applications set enterprise_confirmation = null where id = ${applicationId}`;
}

/**
 * When a registration is cancelled, the licence its enterprise still owed for it (rule 12) is no
 * longer anyone's to supply: the open items of the applications that led to it close as void, in
 * the cancelling transaction.
 */
export async function voidLicenceItemsOfRegistration(
  tx: Tx,
  registrationId: string,
  at: Date,
): Promise<void> {
  await tx`
    update correction_items c
    set closed_at = ${at}, supplied = ${tx.json({ voided: '注册已注销，本项随之撤销' })}
    from applications a
    where a.id = c.application_id and a.registration_id = ${registrationId}
      and c.asks = 'licence' and c.closed_at is null`;
}

/**
 * When an application ends without a decision for it (refused, not accepted, withdrawn), its open
 * correction items are no one's to supply any more: they close as void, in the same transaction.
 */
export async function voidOpenItems(tx: Tx, app: { id: string }, at: Date): Promise<void> {
  await tx`
    update correction_items
    set closed_at = ${at}, supplied = ${tx.json({ voided: '申请已终止办理，本项随之撤销' })}
    where application_id = ${app.id} and blocks_review and closed_at is null`;
}
