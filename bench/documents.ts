// The application form's PDF through our renderer (lib/documents) against the raw engine: the
// same form HTML, the same fonts, the same two pages at once, given to a bare Puppeteer browser
// as `page.setContent` + `page.pdf`, its font and photo served by a bare HTTP server that lets
// Chromium cache them. The form is a demo application's, read and laid out as the enterprise's
// download does it. Both sides take turns, round by round, so a slow spell of the machine falls
// on both; the memory is the RSS of this Node process and of every process of each side's
// browser, sampled after each round.
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import type { Browser, Page } from 'puppeteer-core';
import puppeteer from 'puppeteer-core';
import sharp from 'sharp';
import { seedDemoData } from '../lib/demo/index.js';
import type { ApplicationForm } from '../lib/documents/index.js';
import {
  applicationFormOf,
  BROWSER_ARGS,
  DocumentRenderer,
  FORM_KINDS,
  FORM_PHOTO_URL,
  fontStylesheet,
  PDF_OPTIONS,
  readFontFile,
  RENDERER_DEFAULTS,
} from '../lib/documents/index.js';
import { createLocalFileStore } from '../lib/files/index.js';
import {
  createSql,
  loadConfig,
  migrate,
  startEmbeddedDb,
  systemClock,
} from '../lib/platform/index.js';
import { configuredWorkflow } from '../lib/services/index.js';
import { readApplication } from '../lib/workflow/index.js';
import { setUpViews } from '../routes/middleware/views.js';
import { pdfText, withPdfFile } from '../test/support/pdf.js';
import { freePort } from '../test/support/server-process.js';
import { writeSection } from './report.js';
import { median, millis, percentile, thousands } from './support.js';

const run = promisify(execFile);
/** Renders per side in all (the memory is watched over these). */
const RENDERS = Number(process.env.BENCH_RENDERS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
/** Renders per side before timing: the browsers start, the fonts are read, the code is warm. */
const WARM_UP = 20;
/** Pages rendering at once, on both sides. */
const PAGES = Number(process.env.BENCH_PAGES ?? RENDERER_DEFAULTS.pages);

type Side = {
  name: string;
  /** The i-th render: the form with the i-th photo. */
  render: (i: number) => Promise<Buffer>;
  /** The processes of its browser now (the pid of the browser process). */
  browserPid: () => Promise<number | undefined>;
  /** Renders so far, warm-up included (the next one's photo). */
  rendered: number;
  times: number[];
  wallMs: number;
  /** After each round: its memory then, and the highest Node + Chromium seen during it. */
  memory: {
    after: number;
    nodeMb: number;
    chromiumMb: number;
    processes: number;
    peakMb: number;
  }[];
};

async function main() {
  const config = loadConfig(process.env);
  const { form, html } = await demoForm();
  console.log(`form ${form.applicationNumber} (${form.title}), ${thousands(html.length)} chars`);

  // Every render prints another person's photo, as the service does: what a browser keeps of
  // each shows in its memory. They are the demo photo at a real photo's size, each tinted.
  const demoPhoto = form.assets.get(FORM_PHOTO_URL)!.body;
  const photos: Buffer[] = [];
  for (let i = 0; i < WARM_UP + 2 + RENDERS; i++) {
    photos.push(
      await sharp(demoPhoto)
        .resize(390, 567)
        .modulate({ hue: i % 360, brightness: 1 + (i % 17) / 100 })
        .jpeg({ quality: 90 })
        .toBuffer(),
    );
  }
  const photoAt = (i: number) => photos[i % photos.length]!;

  // The raw engine's assets: a bare HTTP server sends the font's subsets and the photos, and
  // says they may be cached, so after the first render Chromium takes the font from its memory.
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const photo = /^\/photo\/(\d+)\.jpg$/.exec(url);
    const body = photo
      ? photoAt(Number(photo[1]))
      : readFontFile(`https://fonts.documents.invalid${url}`);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': photo ? 'image/jpeg' : 'font/woff2',
      'cache-control': 'public, max-age=31536000, immutable',
      'access-control-allow-origin': '*',
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const [beforePhoto, afterPhoto] = html
    .replace(
      '</head>',
      `<style>${fontStylesheet().replaceAll('https://fonts.documents.invalid', origin)}</style></head>`,
    )
    .split(FORM_PHOTO_URL) as [string, string];
  const rawHtml = (i: number) => `${beforePhoto}${origin}/photo/${i}.jpg${afterPhoto}`;

  const raw: Browser = await puppeteer.launch({
    executablePath: config.chromiumPath,
    headless: true,
    args: BROWSER_ARGS,
  });
  const rawPages: Page[] = [];
  for (let i = 0; i < PAGES; i++) rawPages.push(await raw.newPage());
  const freeRaw = [...rawPages];
  const renderer = new DocumentRenderer({
    executablePath: config.chromiumPath,
    ...RENDERER_DEFAULTS,
    pages: PAGES,
    pageRenders: Number(process.env.BENCH_PAGE_RENDERS ?? RENDERER_DEFAULTS.pageRenders),
  });

  const sides: Side[] = [
    {
      name: 'raw engine (`setContent` + `pdf`)',
      render: async (i) => {
        const page = freeRaw.pop()!;
        try {
          await page.setContent(rawHtml(i), { waitUntil: 'load' });
          return Buffer.from(await page.pdf(PDF_OPTIONS));
        } finally {
          freeRaw.push(page);
        }
      },
      browserPid: () => Promise.resolve(raw.process()?.pid),
      rendered: 0,
      times: [],
      wallMs: 0,
      memory: [],
    },
    {
      name: 'our renderer (`renderPdf`)',
      render: (i) =>
        renderer.renderPdf(
          html,
          new Map([[FORM_PHOTO_URL, { body: photoAt(i), contentType: 'image/jpeg' }]]),
        ),
      browserPid: () => renderer.browserPid(),
      rendered: 0,
      times: [],
      wallMs: 0,
      memory: [],
    },
  ];

  try {
    // Both sides must print the same form: the same text, the same fonts embedded.
    const [rawPdf, ourPdf] = [await sides[0]!.render(0), await sides[1]!.render(0)];
    const [rawText, ourText] = [await pdfText(rawPdf), await pdfText(ourPdf)];
    if (rawText !== ourText || !ourText.includes(form.person.name)) {
      throw new Error('the two sides print different text');
    }
    const [rawFonts, ourFonts] = [await pdfFonts(rawPdf), await pdfFonts(ourPdf)];
    if (rawFonts !== ourFonts || !/NotoSansSC/.test(ourFonts)) {
      throw new Error(`the two sides embed different fonts:\n${rawFonts}\n${ourFonts}`);
    }
    for (const side of sides) await renderMany(side, WARM_UP, false);
    for (const side of sides) {
      const now = await memoryOf(side);
      side.memory.push({ after: 0, ...now, peakMb: now.nodeMb + now.chromiumMb });
    }

    for (let round = 0; round < ROUNDS; round++) {
      for (const side of sides) {
        // Sampled every quarter of a second while the round runs: the highest is its peak.
        let peakMb = 0;
        let running = true;
        const sampling = (async () => {
          while (running) {
            const m = await memoryOf(side);
            peakMb = Math.max(peakMb, m.nodeMb + m.chromiumMb);
            await new Promise((resolve) => setTimeout(resolve, 250));
          }
        })();
        await renderMany(side, RENDERS / ROUNDS, true);
        running = false;
        await sampling;
        side.memory.push({ after: side.times.length, ...(await memoryOf(side)), peakMb });
      }
      console.log(`round ${round + 1}/${ROUNDS}`);
    }
    await report(sides, form, html, ourPdf.length, photoAt(0).length);
  } finally {
    await renderer.close();
    await raw.close();
    server.close();
  }
}

/** `count` renders, PAGES at a time, each timed from its call to its PDF. */
async function renderMany(side: Side, count: number, timed: boolean): Promise<void> {
  let left = count;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: PAGES }, async () => {
      while (left > 0) {
        left -= 1;
        side.rendered += 1;
        const t = performance.now();
        const pdf = await side.render(side.rendered);
        if (pdf.subarray(0, 5).toString() !== '%PDF-') throw new Error(`${side.name}: not a PDF`);
        if (timed) side.times.push(performance.now() - t);
      }
    }),
  );
  if (timed) side.wallMs += performance.now() - started;
}

/** A demo application's form as the enterprise downloads it, and its HTML as the app lays it out. */
async function demoForm(): Promise<{ form: ApplicationForm; html: string }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'jsreg-bench-documents-'));
  await chmod(dataDir, 0o755); // as root, PostgreSQL runs as 'postgres' and must reach it
  const embedded = await startEmbeddedDb({ dataDir, port: freePort(), log: () => undefined });
  try {
    const sql = createSql(embedded.url, { max: 2 });
    const fileStore = createLocalFileStore(path.join(dataDir, 'files'));
    await migrate(sql);
    await seedDemoData(sql, systemClock, fileStore, configuredWorkflow());
    // An initial application with a frozen snapshot and a photo the enterprise still sees.
    const candidates = await sql<{ id: string; accountId: string }[]>`
      select a.id, e.account_id as "accountId"
      from applications a join enterprises e on e.id = a.enterprise_id
      where a.snapshot_version > 0 and a.kind = any(${[...FORM_KINDS]})
      order by a.kind = 'initial' desc, a.submitted_at`;
    let form: ApplicationForm | undefined;
    for (const { id, accountId } of candidates) {
      const application = (await readApplication(sql, id))!;
      form = await applicationFormOf(
        { sql, fileStore },
        { application, viewerAccountId: accountId, preview: false, at: new Date() },
      );
      if (form.qrSvg && form.person.photoUrl) break;
      form = undefined;
    }
    await sql.end();
    if (!form) throw new Error('no demo application has a form with its QR and photo');
    const app = express();
    setUpViews(app, { reload: false });
    const html = await new Promise<string>((resolve, reject) =>
      app.render(form.view, { form }, (err, out) => (err ? reject(err) : resolve(out))),
    );
    return { form, html };
  } finally {
    await embedded.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The RSS of this process, and the summed RSS and number of a browser's processes. */
async function memoryOf(side: Side) {
  const nodeMb = process.memoryUsage().rss / 2 ** 20;
  const root = await side.browserPid();
  if (!root) return { nodeMb, chromiumMb: 0, processes: 0 };
  const children = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid ...: the command may hold spaces and brackets, so after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid) children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  let kb = 0;
  let processes = 0;
  for (const pending = [root]; pending.length > 0;) {
    const pid = pending.pop()!;
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    processes += 1;
    pending.push(...(children.get(pid) ?? []));
  }
  return { nodeMb, chromiumMb: kb / 1024, processes };
}

/** The fonts a PDF embeds, by name without the subset's prefix (ABCDEF+NotoSansSC-Regular). */
const pdfFonts = (pdf: Buffer) =>
  withPdfFile(pdf, async (file) =>
    [
      ...new Set(
        (await run('pdffonts', [file])).stdout
          .split('\n')
          .slice(2)
          .map((line) => line.split(/\s+/)[0]?.replace(/^[A-Z]{6}\+/, ''))
          .filter(Boolean),
      ),
    ]
      .sort()
      .join(', '),
  );

async function report(
  sides: Side[],
  form: ApplicationForm,
  html: string,
  pdfBytes: number,
  photoBytes: number,
) {
  const [rawSide, ours] = sides as [Side, Side];
  const throughput = (s: Side) => (s.times.length / s.wallMs) * 1000;
  const share = throughput(ours) / throughput(rawSide);
  const rows = sides.map(
    (s) =>
      `| ${s.name} | ${millis(median(s.times))} | ${millis(percentile(s.times, 0.95))} | ${millis(Math.max(...s.times))} | ${throughput(s).toFixed(1)} /s | ${thousands(s.times.length)} |`,
  );
  const mb = (x: number) => `${x.toFixed(0)} MB`;
  const memoryRows = ours.memory.map((m, i) => {
    const r = rawSide.memory[i]!;
    return `| ${thousands(m.after)} | ${mb(m.nodeMb)} | ${mb(m.chromiumMb)} (${m.processes}) | ${mb(m.nodeMb + m.chromiumMb)} | ${mb(m.peakMb)} | ${mb(r.nodeMb + r.chromiumMb)} | ${mb(r.peakMb)} |`;
  });
  const peaks = ours.memory.slice(1).map((m) => m.peakMb);
  const firstPeaks = peaks.slice(0, Math.ceil(peaks.length / 2));
  const lastPeaks = peaks.slice(Math.ceil(peaks.length / 2));
  const body = `
The application form ${form.applicationNumber} (${form.title}, a demo application's, with its photo
and QR; ${thousands(html.length)} characters of HTML, a PDF of ${thousands(pdfBytes)} bytes),
${thousands(RENDERS)} renders per side after ${WARM_UP} to warm up, ${PAGES} at a time (the pool's
default), the sides taking turns in ${ROUNDS} rounds. Before timing, both sides' PDFs are checked
to hold the same text (pdftotext) and the same embedded fonts (pdffonts).

| side | warm median | p95 | max | throughput | renders |
|---|---|---|---|---|---|
${rows.join('\n')}

Our renderer's throughput is **${(share * 100).toFixed(0)}%** of the raw engine's (aim: at least
80%); its warm median is ${millis(median(ours.times))} (aim: at most 250 ms).

Each render prints another photo (the demo photo at 390 × 567 px, tinted differently each time,
about ${thousands(Math.round(photoBytes / 1024))} KB), as each form shows another person.
What our renderer does beyond the raw engine, per render: the photo's URL made its content's
hash, every request intercepted (the photo answered from memory through the DevTools protocol,
the font's subsets too when the page has not loaded them yet, anything else aborted) with the
HTTP cache off, a wait for \`document.fonts.ready\`, the time limit and the pool's bookkeeping;
and it starts its browser afresh every ${RENDERER_DEFAULTS.restartAfter} renders, within the
timed ones here. The raw engine's font and photos come from a bare HTTP server, cached by
Chromium.

Memory at the end of each round and its peak during the round (sampled every 250 ms): the RSS
of this Node process plus that of every process of the side's browser (summed, so what they
share is counted once per process; Node's holds both sides' photos and PDFs).

| renders so far | Node | our Chromium (processes) | Node + ours | peak in the round | Node + raw | raw's peak |
|---|---|---|---|---|---|---|
${memoryRows.join('\n')}

Our side's peak per round: ${mb(Math.max(...firstPeaks))} at most in the first half of the renders,
${mb(Math.max(...lastPeaks))} at most in the second half. The browser is started afresh every
${RENDERER_DEFAULTS.restartAfter} renders, the new one beside the old until the old one's last render ends; the
render that waits for the new one to start is the max above.

What this benchmark found, and the renderer now does:

- A new document for every render (\`about:blank\` first, as the renderer once did so that no
  earlier render's photo could be reused) cost 130 ms a render: the new document asks again for
  the font's 19 subsets, 576 KB through the DevTools protocol. The throughput was 41% of the raw
  engine's and the warm median 310 ms. Now the page's document is written over, what it loaded
  stays, and each asset's URL carries its content's hash, so a reused photo can only be the same
  photo (the renderer's test renders a red and then a blue image under one URL).
- A page written over keeps something of every document, about 2 MB a form when each carries
  another photo: the raw engine's column above grows by that much a render. Our renderer closes a
  page after ${RENDERER_DEFAULTS.pageRenders} renders (\`DOCUMENT_PAGE_RENDERS\`) and opens a new
  one, whose first render loads the font again.`;
  await writeSection('documents', 'npm run bench:documents', body);
  console.log(body);
}

await main();
