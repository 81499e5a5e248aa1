import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';

/** The largest file anyone may upload; the upload middleware stops reading past it. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export const UPLOAD_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export type UploadType = (typeof UPLOAD_TYPES)[number];

/** Photo rules (DESIGN.md §3): JPEG or PNG, portrait, at least 295x413, kept as a 295x413 JPEG. */
export const PHOTO_TYPES = ['image/jpeg', 'image/png'] as const satisfies UploadType[];
export const PHOTO_WIDTH = 295;
export const PHOTO_HEIGHT = 413;
/** A decompression bomb (a small file that decodes to a huge image) is refused before decoding. */
const MAX_INPUT_PIXELS = 100_000_000;
/**
 * An image material larger than this on its long side is scaled down to it, so that what a phone
 * opens stays a few megabytes. An A4 page scanned at 400 dpi (4677 px) or a 12-megapixel phone
 * photo (4032 px) keeps every pixel; a 50-megapixel photo (8160x6120) becomes 5000x3750, still
 * finer than a 300 dpi scan of the page (3508 px).
 */
export const MAX_SCAN_SIDE = 5000;

export const uploadMessages = {
  empty: '所选文件是空的，请重新选择',
  tooLarge: '文件不能超过10MB',
  wrongType: '只能上传JPG、PNG或PDF格式的文件',
  photoWrongType: '证件照只能是JPG或PNG格式的图片',
  imageUnreadable: '无法读取这张图片，请换一张重新上传',
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

  const input = () => sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS });
  let width: number;
  let height: number;
  try {
    ({ width, height } = (await input().metadata()).autoOrient);
  } catch {
    return { ok: false, message: uploadMessages.imageUnreadable };
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
    return { ok: false, message: uploadMessages.imageUnreadable };
  }
}

export type PreparedDocument =
  { ok: true; bytes: Buffer; contentType: UploadType } | { ok: false; message: string };

/**
 * Checks a material (a scan or photo of a document: PDF, JPEG or PNG) and, if it is an image,
 * re-encodes it in its own format: turned upright by its EXIF orientation, no metadata kept, at
 * most MAX_SCAN_SIDE on its long side. Only pixels we decoded are stored and served, so nothing
 * hidden in the file survives: bytes after the image's end (an HTML page, a zip), comments,
 * EXIF with the phone's location. PDFs are stored as they came.
 */
export async function prepareDocument(bytes: Buffer): Promise<PreparedDocument> {
  const check = await checkUpload(bytes, { accept: UPLOAD_TYPES });
  if (!check.ok) return check;
  const { contentType } = check;
  if (contentType === 'application/pdf') return { ok: true, bytes, contentType };

  try {
    const input = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS });
    const { width, height, isPalette, bitsPerSample } = await input.metadata();
    let image = input.autoOrient();
    if (Math.max(width, height) > MAX_SCAN_SIDE) {
      image = image.resize(MAX_SCAN_SIDE, MAX_SCAN_SIDE, { fit: 'inside' });
    }
    const encoded =
      contentType === 'image/jpeg'
        ? image.jpeg({ quality: 90 })
        : // A scanner's black-and-white or few-colour PNG stays one, as small as it came
          // (a 1-bit page written as 8-bit RGB is ten times larger); dithering would speckle it.
          image.png(
            isPalette ? { palette: true, colours: 2 ** (bitsPerSample ?? 8), dither: 0 } : {},
          );
    return { ok: true, bytes: await encoded.toBuffer(), contentType };
  } catch {
    // Too many pixels, or headers that read well over pixel data that does not (a damaged file).
    return { ok: false, message: uploadMessages.imageUnreadable };
  }
}
