import { readFile } from 'node:fs/promises';
import { createHttpServer } from '../../routes/server.js';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { ImpactValue, Result, RunOptions } from 'axe-core';
import type { Express } from 'express';
import type { Browser, BrowserContext, HTTPResponse, Page, Viewport } from 'puppeteer-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { TestApp } from './app.js';
import { createTestApp } from './app.js';
import { launchBrowser, PHONE } from './chromium.js';

const require = createRequire(import.meta.url);

export { CHROMIUM_PATH, launchBrowser, PHONE } from './chromium.js';

export type Served = { baseUrl: string; close(): Promise<void> };

/** The app on 127.0.0.1 and a free port; close() also ends the browser's keep-alive connections. */
export async function serve(app: Express): Promise<Served> {
  const server = createHttpServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export type AxeViolation = {
  id: string;
  impact: ImpactValue | undefined;
  help: string;
  targets: string[];
};

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

let axeSource: Promise<string> | undefined;

/**
 * Runs axe-core on the page and returns its violations, compact enough to read in a failed
 * assertion. The source is evaluated through DevTools, so the page's CSP (no inline scripts)
 * stays on.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  const source = await axeSource;
  const hasAxe = await page.evaluate(() => 'axe' in window);
  if (!hasAxe) await page.evaluate(source);
  const results = await page.evaluate(async (values: string[]) => {
    type Axe = { run(context: Document, options: RunOptions): Promise<{ violations: Result[] }> };
    const { axe } = window as unknown as { axe: Axe };
    const { violations } = await axe.run(document, { runOnly: { type: 'tag', values } });
    return violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.map(String).join(' ')),
    }));
  }, AXE_TAGS);
  return results;
}

/**
 * The checks every page gets: axe-core finds no violations, and the page is no wider than the
 * window (wider means sideways scrolling). `label` names the page in a failure.
 */
export async function expectAccessibleAndFitting(page: Page, label = page.url()): Promise<void> {
  expect(await axeViolations(page), label).toEqual([]);
  expect(
    await page.evaluate(() => document.documentElement.scrollWidth),
    label,
  ).toBeLessThanOrEqual(page.viewport()?.width ?? PHONE.width);
}
/**
 * The checks every page gets, each reported without stopping the test: axe-core finds nothing,
 * and the page is no wider than the window. With JavaScript off, axe-core (which waits on timers)
 * runs with scripts allowed for that moment only: the page's own scripts, skipped at load, stay
 * unrun (no htmx), so what axe sees is the page as served without JavaScript.
 */
export async function checkPage(page: Page, label: string, javaScript: boolean) {
  if (!javaScript) await page.setJavaScriptEnabled(true);
  try {
    if (!javaScript) {
      expect(await page.evaluate(() => 'htmx' in window), `${label}: no script ran`).toBe(false);
    }
    expect.soft(await axeViolations(page), `${label}: axe`).toEqual([]);
    expect
      .soft(await page.evaluate(() => document.documentElement.scrollWidth), `${label}: width`)
      .toBeLessThanOrEqual(page.viewport()?.width ?? PHONE.width);
  } finally {
    if (!javaScript) await page.setJavaScriptEnabled(false);
  }
}

export type PageProblems = {
  consoleErrors: string[];
  pageErrors: string[];
  /** Filled by a listener installed through DevTools, so it needs JavaScript on in the page. */
  cspViolations(): Promise<string[]>;
};

declare global {
  interface Window {
    __cspViolations?: string[];
  }
}

/**
 * A new page with the given viewport that records console errors, uncaught exceptions and CSP
 * violations (`securitypolicyviolation` events, collected into `window.__cspViolations`). What the
 * test itself runs in the page through DevTools (its source is a `pptr:` URL) is left out: axe-core
 * may add a style element, which the CSP rightly refuses, and that is no fault of the site.
 */
export async function openPage(
  browser: Browser | BrowserContext,
  viewport: Viewport,
  options: { javaScript?: boolean } = {},
): Promise<{ page: Page; problems: PageProblems }> {
  const page = await browser.newPage();
  await page.setViewport(viewport);
  await page.setCacheEnabled(false); // every visit a fresh one: 200s, not 304s
  if (options.javaScript === false) await page.setJavaScriptEnabled(false);
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') {
      const url = message.location().url;
      if (url?.startsWith('pptr')) return;
      consoleErrors.push(url ? `${message.text()} (${url})` : message.text());
    }
  });
  page.on('pageerror', (error) => {
    pageErrors.push(error instanceof Error ? error.message : String(error));
  });
  await page.evaluateOnNewDocument(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      if (event.sourceFile.startsWith('pptr')) return;
      window.__cspViolations?.push(
        `${event.violatedDirective} blocked ${event.blockedURI || 'inline'} ` +
          `(${event.sourceFile}:${event.lineNumber})`,
      );
    });
  });
  const problems: PageProblems = {
    consoleErrors,
    pageErrors,
    cspViolations: () => page.evaluate(() => window.__cspViolations ?? []),
  };
  return { page, problems };
}

/** Navigates and fails loudly on anything but the expected status. */
export async function visit(page: Page, url: string, status = 200): Promise<HTTPResponse> {
  const res = await page.goto(url, { waitUntil: 'load' });
  if (!res) throw new Error(`no response for ${url}`);
  if (res.status() !== status) {
    throw new Error(`${url} answered ${res.status()}, expected ${status}`);
  }
  await fontsLoaded(page);
  return res;
}

/** Waits for any web fonts, so that text is measured and pictured as shown. */
export async function fontsLoaded(page: Page) {
  await page.evaluate(async () => {
    await document.fonts.ready;
  });
}

/**
 * What a link answers when followed with the browser context's cookies (a download the browser
 * would save rather than show): the response and its bytes.
 */
export async function fetchAs(
  context: BrowserContext,
  page: Page,
  href: string,
): Promise<{ response: Response; bytes: Buffer }> {
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const response = await fetch(new URL(href, page.url()), { headers: { cookie } });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** Runs an action that navigates (a click, a submit) and waits for the new page to load. */
export async function navigating(page: Page, action: () => Promise<unknown>) {
  const [res] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), action()]);
  await fontsLoaded(page);
  return res;
}

/** The login pages (`views/pages/login.eta`) as a test sees them. */
export class LoginPage {
  constructor(
    readonly page: Page,
    readonly url: string,
  ) {}

  open() {
    return visit(this.page, this.url);
  }

  /**
   * Types into the fields, replacing what they hold. Keyboard input rather than locators: these
   * wait by polling inside the page, which never happens with JavaScript off.
   */
  async fill(loginId: string, password: string) {
    for (const [name, value] of [
      ['loginId', loginId],
      ['password', password],
    ] as const) {
      const selector = `[data-testid="login-form"] input[name="${name}"]`;
      await this.page.click(selector, { count: 3 });
      await this.page.keyboard.press('Backspace');
      await this.page.type(selector, value);
    }
  }

  /** Submits with the form's button, as a person would, and waits for the answer. */
  submit() {
    return navigating(this.page, () =>
      this.page.click('[data-testid="login-form"] button[type="submit"]'),
    );
  }

  async logIn(loginId: string, password: string) {
    await this.fill(loginId, password);
    return this.submit();
  }

  /** The error summary's links, as text and href; empty when there is no summary. */
  errorLinks(): Promise<{ text: string; href: string }[]> {
    return this.page.$$eval('[data-testid="error-summary"] a', (links) =>
      links.map((a) => ({ text: a.textContent?.trim() ?? '', href: a.getAttribute('href') ?? '' })),
    );
  }

  /** The name in the header when someone is signed in, else null. */
  signedInAs(): Promise<string | null> {
    return this.page.evaluate(
      () => document.querySelector('[data-testid="signed-in-as"]')?.textContent?.trim() ?? null,
    );
  }
}

export type BrowserSuite = {
  t: TestApp;
  browser: Browser;
  server: Served;
  url: (path: string) => string;
};

/** One app on a fresh database, served on a port, and one browser, for a whole test file. */
export function browserSuite(): BrowserSuite {
  const suite = { url: (path: string) => new URL(path, suite.server.baseUrl).href } as BrowserSuite;
  beforeAll(async () => {
    [suite.t, suite.browser] = await Promise.all([createTestApp(), launchBrowser()]);
    suite.server = await serve(suite.t.app);
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.close();
    await suite.t?.close();
  });
  return suite;
}
