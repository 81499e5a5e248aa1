import path from 'node:path';
import { isUuid, NotFoundError } from '../platform/index.js';
import { ENTERPRISE_SEES_APPLICATION, sqlStates, STOPPED_STATES } from '../workflow/index.js';
import type { UploadType } from './checks.js';
import type { FileStore } from './store.js';
import { sha256Hex } from './store.js';
import type { Db, Tx } from '../platform/index.js';

/** The `files` table: who owns which stored bytes, and who else may read them. */

export type NewFile = {
  bytes: Buffer;
  contentType: UploadType;
  /** The name the sender gave; shown and offered on download, never used as a path. */
  originalName: string;
  ownerAccountId: string;
  at: Date;
};

/**
 * Puts the bytes in the store and records who owns them; returns the new file's id. Call it with
 * the transaction that also records what the file is for. Bytes stored for a transaction that then
 * rolls back stay in the store unreferenced, which is harmless (a sweep can remove them).
 */
export async function storeFile(db: Db, store: FileStore, file: NewFile): Promise<string> {
  if (file.bytes.length === 0) throw new Error('storeFile: empty file');
  if (!('savepoint' in db)) return db.begin((tx) => storeFile(tx, store, file));
  const sql = db;
  // The purge deletes bytes under the same lock, after checking no row holds them: until this
  // transaction commits its row, it cannot delete what `put` found already stored.
  await lockContent(sql, sha256Hex(file.bytes));
  const sha256 = await store.put(file.bytes);
  const [row] = await sql<{ id: string }[]>`
    insert into files (sha256, content_type, size_bytes, original_name, owner_account_id, created_at)
    values (${sha256}, ${file.contentType}, ${file.bytes.length},
            ${cleanOriginalName(file.originalName, file.contentType)}, ${file.ownerAccountId},
            ${file.at})
    returning id`;
  return row!.id;
}

/** The transaction-long lock on one content, taken by storeFile and by the purge. */
export async function lockContent(tx: Tx, sha256: string): Promise<void> {
  await tx`select pg_advisory_xact_lock(hashtextextended(${sha256}, 0))`;
}

const EXTENSIONS: Record<UploadType, string> = {
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'application/pdf': '.pdf',
};

/**
 * The last part of the sender's path, at most 200 characters, without control or invisible
 * formatting characters (a right-to-left override can make `gpj.exe` read as `exe.jpg`).
 */
export function cleanOriginalName(name: string, contentType: UploadType): string {
  const base = path.posix.basename(name.replaceAll('\\', '/'));
  const visible = base.replace(/[\p{Cc}\p{Cf}]/gu, '').trim();
  const cleaned = Array.from(visible).slice(0, 200).join('').trim();
  return cleaned === '' || cleaned === '.' || cleaned === '..'
    ? `file${EXTENSIONS[contentType]}`
    : cleaned;
}

/** A scan that passed checkUpload, ready for storeFile. */
export type UploadedDocument = { bytes: Buffer; contentType: UploadType; originalName: string };

export type StoredFile = { bytes: Buffer; contentType: UploadType; originalName: string };

/**
 * While the enterprise an application `a` names may see the person's files it refers to: while it
 * sees the application (ENTERPRISE_SEES_APPLICATION) and until it is withdrawn, refused or void;
 * once completed only while the person is registered at that enterprise (a completed
 * cancellation ends it). SQL over `a`.
 */
export const ENTERPRISE_SEES_FILES = `(${ENTERPRISE_SEES_APPLICATION}
  and a.state not in ${sqlStates(STOPPED_STATES)}
  and (a.state <> 'completed' or exists (
    select 1 from registrations r
    where r.person_id = a.person_id and r.enterprise_id = a.enterprise_id
      and r.status = 'active')))`;

/**
 * Whether application `a` refers to file `f` (SQL): the person's photo or the new photo of a
 * change in its snapshot, a material it lists, or what was supplied for one of its correction items.
 */
const PERSON_FILE_OF_APPLICATION = `(a.snapshot -> 'person' ->> 'photoFileId' = f.id::text
  or a.snapshot -> 'change' ->> 'photoFileId' = f.id::text
  or exists (select 1 from jsonb_each_text(coalesce(a.snapshot -> 'uploads', '{}'))
             where value = f.id::text)
  or exists (select 1 from correction_items c
             where c.application_id = a.id and c.supplied ->> 'fileId' = f.id::text))`;

/**
 * A file, for an account allowed to see it; anyone else gets the same "not found" as for a file
 * that does not exist, so ids cannot be probed.
 */
export async function readFileFor(
  sql: Db,
  store: FileStore,
  fileId: string,
  accountId: string,
): Promise<StoredFile> {
  if (!isUuid(fileId)) throw new NotFoundError();
  // Who may see a file, every rule in this one `where`: its owner; the enterprise named by an
  // application that refers to it (the person's photo and materials in the snapshot, or what was
  // supplied for a correction item) while it may (ENTERPRISE_SEES_FILES); and the authority's
  // staff, for every application that reached it (its signed scan too).
  const [row] = await sql.unsafe<
    { sha256: string; contentType: UploadType; originalName: string }[]
  >(
    `select f.sha256, f.content_type as "contentType", f.original_name as "originalName"
     from files f
     where f.id = $1 and f.purged_at is null
       and (f.owner_account_id = $2
         or exists (
           -- only the owner's own applications can refer to a person's file
           select 1 from persons p
             join applications a on a.person_id = p.id
             join enterprises e on e.id = a.enterprise_id
           where p.account_id = f.owner_account_id and e.account_id = $2
             and ${ENTERPRISE_SEES_FILES}
             and ${PERSON_FILE_OF_APPLICATION})
         or (exists (select 1 from staff s where s.account_id = $2)
           and exists (
             select 1 from applications a
             where a.submitted_at is not null
               and (a.signed_form_file_id = f.id or ${PERSON_FILE_OF_APPLICATION}))))`,
    [fileId, accountId],
  );
  if (!row) throw new NotFoundError();
  const bytes = await store.get(row.sha256);
  // A row whose bytes are gone is our fault, not the visitor's: a 500, logged.
  if (!bytes) throw new Error(`file ${fileId}: content ${row.sha256} missing from the store`);
  return { bytes, contentType: row.contentType, originalName: row.originalName };
}

/** The names the senders gave these files, by id (for lists of what was uploaded). */
export async function fileNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db<{ id: string; originalName: string }[]>`
    select id, original_name as "originalName" from files where id in ${db(ids)}`;
  return new Map(rows.map((r) => [r.id, r.originalName]));
}
