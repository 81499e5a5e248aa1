import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import type { Sql, Tx } from './db.js';
import { isUuid } from './db.js';
import { ENTERPRISE_SEES_APPLICATION, STOPPED_STATES, sqlStates } from './workflow-table.js';
import { NotFoundError } from './errors.js';
import type { FileStore } from './file-store.js';

/** The largest file anyone may upload; the upload middleware stops reading past it. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export const UPLOAD_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export type UploadType = (typeof UPLOAD_TYPES)[number];

/** Photo rules (DESIGN.md §3): JPEG or PNG, portrait, at least 295x413, kept as a 295x413 JPEG. */
export const PHOTO_TYPES = ['image/jpeg', 'image/png'] as const satisfies UploadType[];
export const PHOTO_WIDTH = 295;
export const PHOTO_HEIGHT = 413;
/** A decompression bomb (a small file that decodes to a huge image) is refused before decoding. */
const MAX_PHOTO_PIXELS = 100_000_000;

export const uploadMessages = {
  empty: '所选文件是空的，请重新选择',
  tooLarge: '文件不能超过10MB',
  wrongType: '只能上传JPG、PNG或PDF格式的文件',
  photoWrongType: '证件照只能是JPG或PNG格式的图片',
  photoUnreadable: '无法读取这张图片，请换一张重新上传',
  photoNotPortrait: '证件照须为竖版（高大于宽）',
  photoTooSmall: (width: number, height: number) =>
    `证件照尺寸太小：至少宽${PHOTO_WIDTH}像素、高${PHOTO_HEIGHT}像素，当前为${width}×${height}`,
} as const;

export type UploadCheck = { ok: true; contentType: UploadType } | { ok: false; message: string };

/**
 * Is this an acceptable file? The type is decided from the bytes alone: the file's name and the
 * type the browser claimed are chosen by the sender and prove nothing.
 */
export async function checkUpload(
  bytes: Buffer,
  options: { accept: readonly UploadType[]; wrongTypeMessage?: string },
): Promise<UploadCheck> {
  if (bytes.length === 0) return { ok: false, message: uploadMessages.empty };
  if (bytes.length > MAX_UPLOAD_BYTES) return { ok: false, message: uploadMessages.tooLarge };
  const detected = await fileTypeFromBuffer(bytes);
  const contentType = options.accept.find((type) => type === detected?.mime);
  if (!contentType) {
    return { ok: false, message: options.wrongTypeMessage ?? wrongTypeMessage(options.accept) };
  }
  return { ok: true, contentType };
}

function wrongTypeMessage(accept: readonly UploadType[]): string {
  if (accept.length === UPLOAD_TYPES.length) return uploadMessages.wrongType;
  const names = accept.map(
    (type) => ({ 'image/jpeg': 'JPG', 'image/png': 'PNG', 'application/pdf': 'PDF' })[type],
  );
  return `只能上传${names.join('或')}格式的文件`;
}

export type PreparedPhoto =
  { ok: true; bytes: Buffer; contentType: 'image/jpeg' } | { ok: false; message: string };

/**
 * Checks an ID photo against the photo rules and re-encodes it as a 295x413 JPEG: turned upright
 * by its EXIF orientation, cropped to the frame, with no metadata left (sharp writes none unless
 * asked: no location, camera or editing history). Re-encoding also means that only pixels we
 * decoded ourselves are ever stored and served.
 */
export async function preparePhoto(bytes: Buffer): Promise<PreparedPhoto> {
  const check = await checkUpload(bytes, {
    accept: PHOTO_TYPES,
    wrongTypeMessage: uploadMessages.photoWrongType,
  });
  if (!check.ok) return check;

  const input = () => sharp(bytes, { limitInputPixels: MAX_PHOTO_PIXELS });
  let width: number;
  let height: number;
  try {
    ({ width, height } = (await input().metadata()).autoOrient);
  } catch {
    return { ok: false, message: uploadMessages.photoUnreadable };
  }
  // Big enough once upright? A 600x400 photo has the pixels but lies on its side: say that,
  // rather than that it is too small.
  if (Math.min(width, height) < PHOTO_WIDTH || Math.max(width, height) < PHOTO_HEIGHT) {
    return { ok: false, message: uploadMessages.photoTooSmall(width, height) };
  }
  if (height <= width) return { ok: false, message: uploadMessages.photoNotPortrait };

  try {
    const jpeg = await input()
      .autoOrient()
      .resize(PHOTO_WIDTH, PHOTO_HEIGHT, { fit: 'cover' })
      // A transparent PNG background becomes white, as on a printed ID photo, not black.
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 90 })
      .toBuffer();
    return { ok: true, bytes: jpeg, contentType: 'image/jpeg' };
  } catch {
    // Headers that read well over pixel data that does not (a truncated or damaged file).
    return { ok: false, message: uploadMessages.photoUnreadable };
  }
}

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
export async function storeFile(sql: Sql | Tx, store: FileStore, file: NewFile): Promise<string> {
  if (file.bytes.length === 0) throw new Error('storeFile: empty file');
  const sha256 = await store.put(file.bytes);
  const [row] = await sql<{ id: string }[]>`
    insert into files (sha256, content_type, size_bytes, original_name, owner_account_id, created_at)
    values (${sha256}, ${file.contentType}, ${file.bytes.length},
            ${cleanOriginalName(file.originalName, file.contentType)}, ${file.ownerAccountId},
            ${file.at})
    returning id`;
  return row!.id;
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
 * A file, for an account allowed to see it; anyone else gets the same "not found" as for a file
 * that does not exist, so ids cannot be probed.
 */
export async function readFileFor(
  sql: Sql | Tx,
  store: FileStore,
  fileId: string,
  accountId: string,
): Promise<StoredFile> {
  if (!isUuid(fileId)) throw new NotFoundError();
  // Who may see a file, every rule in this one `where`: its owner; and the enterprise named by an
  // application that refers to it (the person's photo and materials in the snapshot, or what was
  // supplied for a correction item) while it may (ENTERPRISE_SEES_FILES). Officers of the
  // authority come with their pages.
  const [row] = await sql.unsafe<
    { sha256: string; contentType: UploadType; originalName: string }[]
  >(
    `select f.sha256, f.content_type as "contentType", f.original_name as "originalName"
     from files f
     where f.id = $1
       and (f.owner_account_id = $2
         or exists (
           -- only the owner's own applications can refer to a person's file
           select 1 from persons p
             join applications a on a.person_id = p.id
             join enterprises e on e.id = a.enterprise_id
           where p.account_id = f.owner_account_id and e.account_id = $2
             and ${ENTERPRISE_SEES_FILES}
             and (a.snapshot -> 'person' ->> 'photoFileId' = f.id::text
               or exists (select 1 from jsonb_each_text(coalesce(a.snapshot -> 'uploads', '{}'))
                          where value = f.id::text)
               or exists (select 1 from correction_items c
                          where c.application_id = a.id and c.supplied ->> 'fileId' = f.id::text))))`,
    [fileId, accountId],
  );
  if (!row) throw new NotFoundError();
  const bytes = await store.get(row.sha256);
  // A row whose bytes are gone is our fault, not the visitor's: a 500, logged.
  if (!bytes) throw new Error(`file ${fileId}: content ${row.sha256} missing from the store`);
  return { bytes, contentType: row.contentType, originalName: row.originalName };
}
