import type { Sql, Tx } from '../platform/index.js';
import type { FileStore } from '../files/index.js';
import { storeFile } from '../files/index.js';
import { activeRegistrations } from '../registrations/index.js';
import { personOfAccount } from './person.js';
import { ConflictError, recordAudit } from '../platform/index.js';
import type { ApplicationRow } from '../workflow/index.js';
import { readDraft } from '../workflow/index.js';

export type ContactDetails = { phone: string; email: string; address: string };

/**
 * Particulars that appear on a certificate are the person's to change only while they hold no
 * registration; after that they change through a personal-change application.
 */
export async function mayEditParticulars(sql: Sql, personId: string): Promise<boolean> {
  return (await activeRegistrations(sql, personId)).length === 0;
}

/**
 * Saves the profile form in one transaction: contact details are always the person's to change;
 * the education (a particular) only while they hold no registration, checked before anything is
 * written.
 */
export async function updateProfile(
  sql: Sql,
  accountId: string,
  details: ContactDetails & { education?: string },
  at: Date,
): Promise<void> {
  const person = await personOfAccount(sql, accountId);
  if (details.education !== undefined && !(await mayEditParticulars(sql, person.personId))) {
    throw new ConflictError('您已有注册，学历等个人信息须通过“个人自然情况变更”申请修改。');
  }
  await sql.begin(async (tx) => {
    await tx`
      update persons set phone = ${details.phone}, email = ${details.email},
                         address = ${details.address},
                         education = coalesce(${details.education ?? null}, education)
      where id = ${person.personId}`;
    await recordAudit(tx, {
      at,
      actorAccountId: accountId,
      action: 'profile_updated',
      subjectType: 'person',
      subjectId: person.personId,
    });
  });
}

/**
 * The ID photo (rule 2): re-encoded to 295x413 (lib/files/checks.ts), declared taken within 6 months.
 * Like the other particulars, the person sets it only while holding no registration.
 */
export async function setPhoto(
  sql: Sql,
  store: FileStore,
  accountId: string,
  photo: { bytes: Buffer; originalName: string },
  at: Date,
): Promise<void> {
  const person = await personOfAccount(sql, accountId);
  if (!(await mayEditParticulars(sql, person.personId))) {
    throw new ConflictError('您已有注册，证件照须通过“个人自然情况变更”申请更换。');
  }
  await sql.begin(async (tx) => {
    const fileId = await storeFile(tx, store, {
      bytes: photo.bytes,
      contentType: 'image/jpeg',
      originalName: photo.originalName,
      ownerAccountId: accountId,
      at,
    });
    await tx`update persons set photo_file_id = ${fileId}, photo_declared_at = ${at}
             where id = ${person.personId}`;
    await recordAudit(tx, {
      at,
      actorAccountId: accountId,
      action: 'profile_photo_updated',
      subjectType: 'person',
      subjectId: person.personId,
    });
  });
}

/**
 * An approved personal change takes effect on the person (in the approving transaction): the new
 * education and ID photo replace the old; the name and ID number are the real-name login's
 * already, and the snapshot keeps what was approved for the certificate.
 */
export async function applyPersonalChange(tx: Tx, app: ApplicationRow, at: Date): Promise<void> {
  const change = readDraft(app.snapshot).change ?? {};
  await tx`
    update persons
    set education = coalesce(${change.education ?? null}, education),
        photo_file_id = coalesce(${change.photoFileId ?? null}::uuid, photo_file_id),
        photo_declared_at = case when ${change.photoFileId ?? null}::uuid is null
                                 then photo_declared_at else ${at} end
    where id = ${app.personId}`;
}
