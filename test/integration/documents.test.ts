import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DocumentRenderer,
  RENDERER_DEFAULTS,
  RenderFailedError,
  RendererBusyError,
} from '../../lib/documents/index.js';
import { CHROMIUM_PATH } from '../support/chromium.js';
import { pdfPagePng, pdfText } from '../support/pdf.js';

// The PDF renderer (issue 15, part 1) on a real Chromium: Chinese as text, nothing fetched from
// outside, a bounded queue, a crash survived, no processes left behind.

const run = promisify(execFile);
const renderers: DocumentRenderer[] = [];
const renderer = (options: Partial<typeof RENDERER_DEFAULTS> = {}) => {
  const r = new DocumentRenderer({
    ...RENDERER_DEFAULTS,
    executablePath: CHROMIUM_PATH,
    ...options,
  });
  renderers.push(r);
  return r;
};
afterAll(async () => {
  await Promise.all(renderers.map((r) => r.close()));
});

const page = (body: string) =>
  `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>body{font-family:'Noto Sans SC';}</style></head><body>${body}</body></html>`;

/** The processes alive now, each with its parent (other test files run Chromium too). */
async function processes(): Promise<{ pid: number; ppid: number }[]> {
  const { stdout } = await run('ps', ['-eo', 'pid=,ppid=,stat=']);
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, , stat]) => pid && !stat?.startsWith('Z'))
    .map(([pid, ppid]) => ({ pid: Number(pid), ppid: Number(ppid) }));
}

describe('the document renderer', () => {
  it('renders Chinese as real, extractable text in the embedded font', async () => {
    const pdf = await renderer().renderPdf(
      page('<h1>二级注册建造师初始注册申请表</h1><p>申请人：张伟</p>'),
    );
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(pdf);
    expect(text).toContain('二级注册建造师初始注册申请表');
    expect(text).toContain('申请人：张伟');
  });

  it('fetches nothing the render was not given: an outside address is aborted', async () => {
    const asked: string[] = [];
    const server = createServer((req, res) => {
      asked.push(req.url ?? '');
      res.end('x');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const outside = `http://127.0.0.1:${port}`;
      const pdf = await renderer().renderPdf(
        page(
          `<link rel="stylesheet" href="${outside}/style.css"><img src="${outside}/tracker.png" alt="">` +
            `<img src="file:///etc/passwd" alt=""><img src="https://assets.documents.invalid/photo.png" alt="照片"><p>正文</p>`,
        ),
        new Map([
          [
            'https://assets.documents.invalid/photo.png',
            { body: TINY_PNG, contentType: 'image/png' },
          ],
        ]),
      );
      expect(await pdfText(pdf)).toContain('正文');
      expect(asked).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('never shows an earlier render’s asset for the same URL (assets are addressed by their content)', async () => {
    const r = renderer({ pages: 1 });
    const url = 'https://assets.documents.invalid/photo.png';
    const pixel = (rgb: [number, number, number]) =>
      sharp({
        create: {
          width: 40,
          height: 40,
          channels: 3,
          background: { r: rgb[0], g: rgb[1], b: rgb[2] },
        },
      })
        .png()
        .toBuffer();
    const withPhoto = async (bytes: Buffer) =>
      r.renderPdf(
        `<!doctype html><html><head><style>@page{size:A4;margin:0}img{display:block;width:210mm;height:297mm}</style></head><body><img src="${url}" alt=""></body></html>`,
        new Map([[url, { body: bytes, contentType: 'image/png' }]]),
      );
    const colourOf = async (pdf: Buffer) =>
      (await sharp(await pdfPagePng(pdf, 10)).stats()).dominant;
    const red = await colourOf(await withPhoto(await pixel([255, 0, 0])));
    const blue = await colourOf(await withPhoto(await pixel([0, 0, 255])));
    expect(red.r).toBeGreaterThan(200);
    expect(blue.b).toBeGreaterThan(200);
    expect(blue.r).toBeLessThan(50);
  });

  it('turns away more renders than its pages and queue hold, with a busy answer', async () => {
    const r = renderer({ pages: 1, queue: 1 });
    const slow = page(`<p>${'长'.repeat(20_000)}</p>`);
    const results = await Promise.allSettled([
      r.renderPdf(slow),
      r.renderPdf(slow),
      r.renderPdf(slow),
    ]);
    expect(results.map((x) => x.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    const refused = (results[2] as PromiseRejectedResult).reason as unknown;
    expect(refused).toBeInstanceOf(RendererBusyError);
    expect((refused as RendererBusyError).status).toBe(503);
    expect((refused as RendererBusyError).publicMessage).toContain('系统繁忙');
  });

  it('fails the render under way when the browser dies, and the next one succeeds', async () => {
    const r = renderer();
    await r.renderPdf(page('<p>预热</p>'));
    const pid = await r.browserPid();
    expect(pid).toBeDefined();
    const underWay = r.renderPdf(page(`<p>${'长'.repeat(30_000)}</p>`));
    setTimeout(() => process.kill(pid!, 'SIGKILL'), 50);
    await expect(underWay).rejects.toBeInstanceOf(RenderFailedError);
    const again = await r.renderPdf(page('<p>再次生成</p>'));
    expect(await pdfText(again)).toContain('再次生成');
    expect(await r.browserPid()).not.toBe(pid);
  });

  it('replaces a page after its N renders, its renderer process ending with it', async () => {
    // A page keeps memory of every document written into it (bench:documents): after
    // `pageRenders` it is closed, and its process with it; the next page prints as well.
    const r = renderer({ pages: 1, pageRenders: 3 });
    const renderersOf = async (browser: number) => {
      const ps = await processes();
      const pids = ps.filter((p) => p.ppid === browser).map((p) => p.pid);
      const typed = await Promise.all(
        pids.map(async (pid) => {
          const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
          return cmdline.includes('--type=renderer') ? pid : undefined;
        }),
      );
      return typed.filter((pid) => pid !== undefined);
    };
    const seen = new Set<number>();
    const counts: number[] = [];
    let live: number[] = [];
    for (let i = 0; i < 9; i++) {
      const pdf = await r.renderPdf(page(`<p>第${i}份申请表</p>`));
      expect(await pdfText(pdf)).toContain(`第${i}份申请表`);
      live = await renderersOf((await r.browserPid())!);
      for (const pid of live) seen.add(pid);
      counts.push(live.length);
    }
    // Three pages in turn, each closed after its third render with its process (Chromium keeps
    // a spare renderer or two beside them): three processes ended, and none piled up.
    const ended = [...seen].filter((pid) => !live.includes(pid));
    expect(ended.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...counts)).toBeLessThanOrEqual(counts[0]!);
  });

  it('on shutdown refuses the renders still waiting and starts no browser again', async () => {
    const r = renderer({ pages: 1, queue: 4 });
    await r.renderPdf(page('<p>预热</p>'));
    const underWay = r.renderPdf(page(`<p>${'长'.repeat(30_000)}</p>`));
    const waiting = [1, 2, 3].map(() => r.renderPdf(page('<p>排队</p>')));
    // Settled from the start: a render refused while close() runs is never an unhandled one.
    const settled = Promise.allSettled([underWay, ...waiting]);
    await r.close();
    const outcomes = await settled;
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    for (const o of outcomes.slice(1)) {
      expect((o as PromiseRejectedResult).reason).toBeInstanceOf(RenderFailedError);
    }
    expect(await r.browserPid()).toBeUndefined();
  });

  it('starts its browser afresh after N renders under a load that never lets up', async () => {
    // Renders always waiting: the pool never empties, and the browser must still be renewed
    // (the next one started while the last renders finish on the old), not put off for ever.
    const r = renderer({ pages: 2, queue: 8, restartAfter: 10 });
    const browsers = new Set<number>();
    let left = 60;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (left > 0) {
          left -= 1;
          const pdf = await r.renderPdf(page('<p>持续负载</p>'));
          expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
          const pid = await r.browserPid();
          if (pid) browsers.add(pid);
        }
      }),
    );
    expect(browsers.size).toBeGreaterThanOrEqual(4);
  }, 120_000);

  it('starts its browser afresh after N renders, and leaves no Chromium process behind', async () => {
    const r = renderer({ restartAfter: 50 });
    const browsers = new Set<number>();
    const helpers = new Set<number>();
    for (let i = 0; i < 200; i += 2) {
      await Promise.all([
        r.renderPdf(page(`<p>第${i}份</p>`)),
        r.renderPdf(page(`<p>第${i + 1}份</p>`)),
      ]);
      const pid = await r.browserPid();
      if (pid) browsers.add(pid);
      for (const p of await processes()) if (browsers.has(p.ppid)) helpers.add(p.pid);
    }
    expect(browsers.size).toBeGreaterThanOrEqual(4);
    expect(helpers.size).toBeGreaterThan(0);
    await r.close();
    // Every browser it started, and every helper process they ran, is gone (a zombie counts as
    // gone once its parent is: the machine's init reaps it).
    let left: number[] = [];
    for (let i = 0; i < 50; i++) {
      const alive = new Set((await processes()).map((p) => p.pid));
      left = [...browsers, ...helpers].filter((pid) => alive.has(pid));
      if (left.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(left).toEqual([]);
  }, 120_000);
});

/** A 1×1 PNG. */
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
