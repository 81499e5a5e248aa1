// What a first visit downloads: the home page and a step of the application wizard, opened in
// headless Chromium at 375 px with an empty cache, bytes on the wire (headers included) by
// resource type. Twice: in a Chromium that has a Chinese system font (as phones and most
// computers do) and in one that has none (system fonts less any covering Chinese, Japanese or
// Korean, through fontconfig: a Linux desktop that shows boxes), where only a web font can draw
// Chinese. For each, how many Chinese characters no font that has them drew (boxes).
// The app runs in this process on an embedded PostgreSQL with the demo data.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, CDPSession, Page } from 'puppeteer-core';
import { seedDemoData } from '../lib/demo/index.js';
import { createLocalFileStore } from '../lib/files/index.js';
import {
  createLogger,
  createSql,
  loadConfig,
  migrate,
  startEmbeddedDb,
  systemClock,
} from '../lib/platform/index.js';
import { createServices, configuredWorkflow } from '../lib/services/index.js';
import { createApp } from '../routes/app.js';
import { paths } from '../routes/paths.js';
import { launchBrowser, PHONE } from '../test/support/chromium.js';
import { freePort } from '../test/support/server-process.js';
import { writeSection } from './report.js';

/** 王芳, qualified as an architect, not registered: she may start an initial application. */
const PERSON = { id: '320106198809080565', password: 'Demo@2026', profession: 'architect' };

const TYPES = ['Document', 'Stylesheet', 'Script', 'Font'] as const;
type Weight = Record<(typeof TYPES)[number] | 'Other', number> & {
  fonts: number;
  boxes: number;
  encoding: string;
};

async function main() {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'jsreg-bench-weight-'));
  await chmod(dataDir, 0o755); // as root, PostgreSQL runs as 'postgres' and must reach it
  const embedded = await startEmbeddedDb({ dataDir, port: freePort(), log: () => undefined });
  const sql = createSql(embedded.url);
  let server: Server | undefined;
  const browsers: Browser[] = [];
  try {
    await migrate(sql);
    await seedDemoData(
      sql,
      systemClock,
      createLocalFileStore(path.join(dataDir, 'files')),
      configuredWorkflow(),
    );
    const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    const app = createApp(
      createServices({ config, sql, clock: systemClock, logger: createLogger('warn') }),
    );
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const rows: string[] = [];
    let step: { context: BrowserContext; url: string } | undefined;
    const encodings = new Set<string>();
    for (const [fonts, label] of [
      ['chinese', 'a Chinese font'],
      ['latin', 'no Chinese font'],
    ] as const) {
      const browser = await launchBrowser({ systemFonts: fonts });
      browsers.push(browser);
      step = await wizardStep(browser, base, step?.url);
      for (const [name, url] of [
        ['home `/`', `${base}${paths.home}`],
        [`wizard step \`${new URL(step.url).pathname.replace(/[0-9a-f-]{36}/, ':id')}\``, step.url],
      ] as const) {
        // A new page each: the wizard's in the signed-in context.
        const context = name.startsWith('home') ? browser : step.context;
        const w = await weigh(await context.newPage(), url);
        const total = TYPES.reduce((n, t) => n + w[t], 0) + w.Other;
        rows.push(
          `| ${name} | ${label} | ${kib(w.Document)} | ${kib(w.Stylesheet)} | ${kib(w.Script)} | ` +
            `${kib(w.Font)} (${w.fonts}) | ${kib(total)} | ${w.boxes} |`,
        );
        console.log(rows.at(-1));
        if (w.encoding) encodings.add(w.encoding);
      }
    }
    await writeSection(
      'page-weight',
      'npm run bench:weight',
      `
A first visit at 375 px in headless Chromium with the cache off: KiB on the wire (headers
included) by resource type, the font files in brackets. *System fonts*: Chromium sees this
machine's fonts and Noto Sans SC (the browser tests' set-up, \`test/support/chromium.ts\`), or the
machine's fonts less every one covering Chinese, Japanese or Korean (fontconfig rejects them), as
on a Linux desktop that shows boxes. *Boxes*: Chinese characters drawn by a font that has no
glyph for them (DevTools' rendered fonts).

| page | system fonts | document | css | js | font (files) | total | boxes |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}
${encodings.size ? `\nThe web font's stylesheet came with Content-Encoding: ${[...encodings].join(', ')}.\n` : ''}`,
    );
  } finally {
    for (const browser of browsers) await browser.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await sql.end();
    await embedded.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const kib = (bytes: number) => (bytes / 1024).toFixed(1);

/**
 * Signs PERSON in (in a browser context of its own, which stays signed in) and returns the
 * context, and the URL of her application's first step: the one `stepUrl` names, or that of the
 * initial application it starts.
 */
async function wizardStep(
  browser: Browser,
  base: string,
  stepUrl?: string,
): Promise<{ context: BrowserContext; url: string }> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport(PHONE);
  const go = (action: Promise<unknown>) =>
    Promise.all([page.waitForNavigation({ waitUntil: 'load' }), action]);
  const submit = () => go(page.click('main form[method="post"] button[type="submit"]'));
  await page.goto(base + paths.login.person);
  await page.type('input[name="loginId"]', PERSON.id);
  await page.type('input[name="password"]', PERSON.password);
  await go(page.click('[data-testid="login-form"] button[type="submit"]'));
  if (!stepUrl) {
    await page.goto(base + paths.me.apply);
    await page.click('input[name="kind"][value="initial"]');
    await submit();
    await page.click(`input[name="profession"][value="${PERSON.profession}"]`);
    await submit();
    await submit(); // the eligibility page: start
    stepUrl = page.url();
    if (!/\/steps\//.test(stepUrl)) throw new Error(`no wizard step: ${stepUrl}`);
  }
  await page.close();
  return { context, url: stepUrl };
}

/** Opens the URL with an empty cache and adds up what arrives, once fonts and network are done. */
async function weigh(page: Page, url: string): Promise<Weight> {
  await page.setViewport(PHONE);
  await page.setCacheEnabled(false);
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  const types = new Map<string, string>();
  const weight: Weight = {
    Document: 0,
    Stylesheet: 0,
    Script: 0,
    Font: 0,
    Other: 0,
    fonts: 0,
    boxes: 0,
    encoding: '',
  };
  cdp.on('Network.responseReceived', (e) => {
    types.set(e.requestId, e.type);
    if (e.response.url.includes('noto-sans-sc.css')) {
      const header = Object.entries(e.response.headers).find(
        ([name]) => name.toLowerCase() === 'content-encoding',
      );
      weight.encoding = header?.[1] ?? 'identity';
    }
  });
  cdp.on('Network.loadingFinished', (e) => {
    const type = types.get(e.requestId) ?? 'Other';
    const key = (TYPES as readonly string[]).includes(type)
      ? (type as (typeof TYPES)[number])
      : 'Other';
    weight[key] += e.encodedDataLength;
    if (key === 'Font') weight.fonts++;
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.evaluate(async () => {
    await document.fonts.ready;
  });
  await page.waitForNetworkIdle({ idleTime: 500 });
  weight.boxes = await boxes(cdp);
  await cdp.detach();
  return weight;
}

/**
 * Chinese characters drawn by no font that has them: per element, its own text's Han characters
 * less the glyphs drawn by fonts that have Han (a web font, or a system font whose name says CJK,
 * SC or the like). A font without Han draws the box (.notdef) for each.
 */
async function boxes(cdp: CDPSession): Promise<number> {
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
  const { nodeIds } = await cdp.send('DOM.querySelectorAll', {
    nodeId: root.nodeId,
    selector: 'body *',
  });
  let count = 0;
  for (const nodeId of nodeIds) {
    const { node } = await cdp.send('DOM.describeNode', { nodeId, depth: 1 });
    const text = (node.children ?? [])
      .filter((child) => child.nodeType === 3)
      .map((child) => child.nodeValue)
      .join('');
    const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
    if (han === 0) continue;
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    const drawn = fonts
      .filter((f) => f.isCustomFont || /CJK|\bSC\b|Hei|Song|PingFang/.test(f.familyName))
      .reduce((n, f) => n + f.glyphCount, 0);
    count += Math.max(0, han - drawn);
  }
  return count;
}

await main();
