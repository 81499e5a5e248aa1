import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/** A PDF read back with poppler, as a person would read the printed page (tests, benchmarks). */

const run = promisify(execFile);

/** `work` on the PDF written to a file of its own, removed after. */
export async function withPdfFile<T>(pdf: Buffer, work: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'jsreg-pdf-'));
  try {
    await writeFile(path.join(dir, 'a.pdf'), pdf);
    return await work(path.join(dir, 'a.pdf'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The PDF's text, laid out as on the page (or, `raw`, in the order it was written). */
export const pdfText = (pdf: Buffer, mode: 'layout' | 'raw' = 'layout') =>
  withPdfFile(pdf, async (file) => (await run('pdftotext', [`-${mode}`, file, '-'])).stdout);

/** Page 1 of the PDF as a PNG at `dpi`. */
export const pdfPagePng = (pdf: Buffer, dpi: number) =>
  withPdfFile(pdf, async (file) => {
    const page = path.join(path.dirname(file), 'page');
    await run('pdftoppm', ['-r', String(dpi), '-singlefile', '-png', file, page]);
    return readFile(`${page}.png`);
  });
