import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
// jsqr is CommonJS: its function is the module's `default` (TypeScript and Node agree on that).
import jsqr from 'jsqr';
import pLimit from 'p-limit';
import type { Region } from 'sharp';
import sharp from 'sharp';
import type { FormQr } from './qr.js';
import { parseFormQr } from './qr.js';

/**
 * Reading the form's QR back from a signed scan (JPEG, PNG, or a PDF whose first page is
 * rasterised with poppler's pdftoppm). Scans are big and jsQR is plain JavaScript, so the page is
 * first scaled down to about 1200 px wide (the QR's modules are still 5 px there at 150 dpi); if
 * that fails, the region where the form prints its QR (the top right) is tried at a finer scale,
 * then the whole page coarser. A scan a few degrees askew reads: jsQR maps the code by its
 * finder patterns. Readings take turns, as many at once as the machine has cores: a burst of
 * uploads queues here instead of starting a pdftoppm and a decode for each at once.
 */

export type ScanType = 'image/jpeg' | 'image/png' | 'application/pdf';

export type ScanReading = {
  /** The form's QR, or undefined when none could be read. */
  qr: FormQr | undefined;
  /** How long the reading took (ms), for the log. */
  ms: number;
};

const run = promisify(execFile);
const PAGE_WIDTH = 1200;
/** Where the form prints its QR, as fractions of the page: the top right corner. */
const QR_REGION = { left: 0.55, top: 0, width: 0.45, height: 0.3 };
const PDF_TIMEOUT_MS = 15_000;

const reading = pLimit(os.availableParallelism());

/** The form's QR read from a scan; `ms` counts the reading itself, not its wait for a turn. */
export function readFormQr(bytes: Buffer, type: ScanType): Promise<ScanReading> {
  return reading(() => read(bytes, type));
}

async function read(bytes: Buffer, type: ScanType): Promise<ScanReading> {
  const started = performance.now();
  let qr: FormQr | undefined;
  try {
    const image = type === 'application/pdf' ? await firstPageOf(bytes) : bytes;
    if (image) qr = await findQr(image);
  } catch {
    // An image or PDF that cannot be read is a scan without a readable QR: the officer checks it.
    qr = undefined;
  }
  return { qr, ms: Math.round(performance.now() - started) };
}

async function findQr(image: Buffer): Promise<FormQr | undefined> {
  const { width = 0, height = 0 } = await sharp(image).metadata();
  if (width === 0 || height === 0) return undefined;
  const attempts: { region?: Region; width: number }[] = [
    { width: PAGE_WIDTH },
    {
      region: {
        left: Math.floor(width * QR_REGION.left),
        top: Math.floor(height * QR_REGION.top),
        width: Math.floor(width * QR_REGION.width),
        height: Math.floor(height * QR_REGION.height),
      },
      width: 900,
    },
    { width: 800 },
  ];
  for (const attempt of attempts) {
    let pipeline = sharp(image);
    if (attempt.region) pipeline = pipeline.extract(attempt.region);
    const { data, info } = await pipeline
      .resize({ width: attempt.width, withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const pixels = new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
    const code = jsqr.default(pixels, info.width, info.height, { inversionAttempts: 'dontInvert' });
    const qr = code ? parseFormQr(code.data) : undefined;
    if (qr) return qr;
  }
  return undefined;
}

/** Page 1 of a PDF as a PNG about PAGE_WIDTH wide, or undefined when poppler cannot read it. */
async function firstPageOf(pdf: Buffer): Promise<Buffer | undefined> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'jsreg-scan-'));
  try {
    const input = path.join(dir, 'scan.pdf');
    await writeFile(input, pdf);
    await run(
      'pdftoppm',
      [
        '-f',
        '1',
        '-l',
        '1',
        '-singlefile',
        '-png',
        '-scale-to-x',
        String(PAGE_WIDTH),
        '-scale-to-y',
        '-1',
        input,
        path.join(dir, 'page'),
      ],
      { timeout: PDF_TIMEOUT_MS },
    );
    return await readFile(path.join(dir, 'page.png'));
  } catch {
    return undefined;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
