import type { StoredFile, UploadedDocument, UploadType } from '../../lib/files/index.js';
import multer from 'multer';
import {
  MAX_UPLOAD_BYTES,
  prepareDocument,
  preparePhoto,
  uploadMessages,
} from '../../lib/files/index.js';
import { trimmed } from '../../lib/platform/index.js';
import { correctionNoteForm } from '../../lib/corrections/index.js';
import { csrfProtection } from './csrf.js';
import type { Request, RequestHandler, Response } from 'express';

export type UploadField = { name: string; maxCount?: number };

/**
 * Parses a multipart form (text fields into `req.body`, files into `req.files`, in memory), then
 * checks its CSRF token: the token is in the body, so the check can only run after the parser.
 * Routes that take uploads are upload routers (the `uploads` router of each area, routes/area.ts), mounted before the app-wide CSRF check (which
 * refuses every other multipart request); the check is built in here, so such a route can neither
 * forget it nor put it before the parser. A route uses it like this:
 *
 *   router.post(paths.me.photo, requirePerson, uploadFields([{ name: 'photo' }]), async (req, res) => {
 *     const upload = await uploadedPhoto(req, '请选择证件照'); // a material: uploadedDocument
 *     if (!upload.ok) return redirectRefused(req, res, page, fieldErrors(upload.errors));
 *     // store upload.photo (storeFile) and redirect
 *   });
 *
 * Put the role check first, so a stranger's upload is refused before it is read into memory.
 *
 * In the form (`enctype="multipart/form-data"`), put the `_csrf` field first and the file inputs
 * last: the fields are read in the order the browser sends them (the page order), and reading stops
 * at a file over the limit, so what comes after it is lost (and a token after it would mean a 403
 * instead of a message at the field).
 */
export function uploadFields(fields: UploadField[]): RequestHandler {
  const maxCounts = new Map(fields.map((f) => [f.name, f.maxCount ?? 1]));
  const parse = multer({
    storage: multer.memoryStorage(),
    // Browsers send file names as raw UTF-8; busboy would read them as Latin-1 (mojibake).
    defParamCharset: 'utf8',
    limits: {
      fileSize: MAX_UPLOAD_BYTES,
      // Each file input the person left empty still sends a part with no file (one each); the
      // real count per field is held by maxCount, which gives a message at that field.
      files: [...maxCounts.values()].reduce((a, b) => a + b, 0) + maxCounts.size,
      fields: 50,
      parts: 60,
    },
  }).fields([...maxCounts].map(([name, maxCount]) => ({ name, maxCount })));

  return (req, res, next) => {
    parse(req, res, (err?: unknown) => {
      if (err) {
        const message =
          err instanceof multer.MulterError ? fieldMessage(err, maxCounts) : undefined;
        if (!message || !(err instanceof multer.MulterError) || !err.field) {
          // Not something a person does with the form (too many parts, a malformed body, a file
          // field the form does not have): a 400 or 413 page, not a 500.
          const tooMuch = err instanceof multer.MulterError && TOO_MUCH.has(err.code);
          const error = err instanceof Error ? err : new Error('upload failed', { cause: err });
          return next(Object.assign(error, { status: tooMuch ? 413 : 400 }));
        }
        // Nothing of a refused upload is kept: its files are dropped, the typed fields stay.
        req.files = {};
        req.uploadErrors = { ...req.uploadErrors, [err.field]: message };
      }
      // The token can be read now: the same check as for every other form.
      void csrfProtection(req, res, next);
    });
  };
}

const TOO_MUCH = new Set([
  'LIMIT_PART_COUNT',
  'LIMIT_FILE_COUNT',
  'LIMIT_FIELD_COUNT',
  'LIMIT_FIELD_VALUE',
]);

function fieldMessage(err: multer.MulterError, maxCounts: Map<string, number>): string | undefined {
  if (err.code === 'LIMIT_FILE_SIZE') return uploadMessages.tooLarge;
  // Multer reports one file too many for a field of the form as an "unexpected" file.
  const maxCount = err.field === undefined ? undefined : maxCounts.get(err.field);
  if (err.code === 'LIMIT_UNEXPECTED_FILE' && maxCount) return `此处最多只能上传${maxCount}个文件`;
  return undefined;
}

/** The first file sent in a field, if one was chosen. */
export function uploadedFile(req: Request, field: string): Express.Multer.File | undefined {
  const files = req.files;
  if (!files) return undefined;
  return Array.isArray(files) ? files.find((f) => f.fieldname === field) : files[field]?.[0];
}

/**
 * The document (a scan: PDF, JPEG or PNG, its type decided from its bytes) sent in a field, checked
 * and, an image, re-encoded (prepareDocument): a message for the field when it is refused, or when
 * none was chosen and `required` gives the message for that; otherwise the document (undefined
 * when none was chosen), ready for storeFile. Every form that stores a material reads it here.
 */
export async function uploadedDocument(
  req: Request,
  field: string,
  required?: string,
): Promise<{ ok: true; document?: UploadedDocument } | { ok: false; message: string }> {
  const refused = req.uploadErrors?.[field];
  if (refused) return { ok: false, message: refused };
  const file = uploadedFile(req, field);
  if (!file) return required ? { ok: false, message: required } : { ok: true };
  const prepared = await prepareDocument(file.buffer);
  if (!prepared.ok) return prepared;
  return {
    ok: true,
    document: {
      bytes: prepared.bytes,
      contentType: prepared.contentType,
      originalName: file.originalname,
    },
  };
}

/**
 * What the form of a correction item (材料补正) supplied: a note (at most 500 characters) and/or a
 * scan, at least one of them, the scan not stored yet (supplyItem stores it in its transaction);
 * or the messages for its fields, `field` being the file input's id and `${field}-note` the note's.
 */
export async function suppliedMaterial(
  req: Request,
  field: string,
): Promise<
  | { ok: true; supplied: { note?: string }; document?: UploadedDocument }
  | { ok: false; errors: Record<string, string> }
> {
  const parsed = correctionNoteForm.safeParse(trimmed(req.body));
  if (!parsed.success) {
    return { ok: false, errors: { [`${field}-note`]: parsed.error.issues[0]!.message } };
  }
  const { note } = parsed.data;
  const upload = await uploadedDocument(
    req,
    'file',
    note ? undefined : '请上传补正材料或填写补正说明',
  );
  if (!upload.ok) return { ok: false, errors: { [field]: upload.message } };
  return { ok: true, supplied: note ? { note } : {}, document: upload.document };
}

/**
 * No sources, no scripts, an opaque origin (sandbox). The image needs no source: the browser
 * draws it from the response itself. The one allowance is inline style, for the page Chromium
 * builds around an image opened directly (its own style attributes, which fit the image to a
 * phone's screen); nothing of ours or the sender's is ever parsed as HTML here (the type is
 * from the bytes, never sniffed), so no style of theirs can get in.
 */
const FILE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

/** Types a browser shows itself, safely, when their file is opened: the re-encoded images. */
const INLINE_TYPES: ReadonlySet<UploadType> = new Set(['image/jpeg', 'image/png']);

const EXTENSIONS: Record<UploadType, readonly string[]> = {
  'image/jpeg': ['.jpg', '.jpeg'],
  'image/png': ['.png'],
  'application/pdf': ['.pdf'],
};

/**
 * Sends a stored file with the type we detected, never sniffed by the browser and never run as a
 * page of this site (a file opened directly gets a sandbox and no sources). An image (JPEG or PNG,
 * re-encoded when it was stored) is shown in the browser, so that a person on a phone can look at
 * a scan without a download; a PDF and anything else is a download. Either way the name offered
 * for saving ends in the type's extension (a photo sent as `照片.html` is saved as
 * `照片.html.jpg`). Call it only with what `readFileFor` returned, which decided the visitor may
 * see the file. An <img src> shows an image sent this way too.
 */
export function sendStoredFile(res: Response, file: StoredFile): void {
  const extensions = EXTENSIONS[file.contentType];
  const name = extensions.some((e) => file.originalName.toLowerCase().endsWith(e))
    ? file.originalName
    : `${file.originalName}${extensions[0]}`;
  // Express builds the header (a plain ASCII filename and RFC 5987's filename* for the rest);
  // only its first word changes for an image.
  res.attachment(name); // also sets Content-Type from the name: overwritten below
  if (INLINE_TYPES.has(file.contentType)) {
    res.set(
      'Content-Disposition',
      res.get('Content-Disposition')!.replace(/^attachment/, 'inline'),
    );
  }
  res.set({
    'Content-Type': file.contentType,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': FILE_POLICY,
    'Cache-Control': 'private, no-store',
  });
  res.send(file.bytes);
}

/**
 * An ID photo's form (the profile's, a personal change's): the photo checked and re-encoded
 * (preparePhoto) and the declaration that it is recent; or the messages for their fields.
 */
export async function uploadedPhoto(
  req: Request,
  missingMessage: string,
): Promise<
  | { ok: true; photo: { bytes: Buffer; originalName: string } }
  | { ok: false; errors: Record<string, string> }
> {
  const errors: Record<string, string> = { ...req.uploadErrors };
  const file = uploadedFile(req, 'photo');
  let prepared: Buffer | undefined;
  if (!errors.photo && !file) errors.photo = missingMessage;
  if (!errors.photo && file) {
    const result = await preparePhoto(file.buffer);
    if (result.ok) prepared = result.bytes;
    else errors.photo = result.message;
  }
  if (trimmed(req.body).photoRecent !== 'yes') {
    errors.photoRecent = '请确认照片是近6个月内拍摄的免冠证件照';
  }
  if (!prepared || !file || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, photo: { bytes: prepared, originalName: file.originalname } };
}
