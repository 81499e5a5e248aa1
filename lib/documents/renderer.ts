import type { Browser, HTTPRequest, Page, PDFOptions } from 'puppeteer-core';
import { createHash } from 'node:crypto';
import puppeteer from 'puppeteer-core';
import { DomainError } from '../platform/index.js';
import { fontStylesheet, isFontRequest, readFontFile } from './fonts.js';

/**
 * The one PDF renderer (DESIGN.md, CONVENTIONS 20): one long-lived Chromium per process, started
 * on first use, and a bounded pool of its pages with a bounded queue in front. A page renders with
 * JavaScript off and every request intercepted: only the assets handed to the render (and the
 * font, at a made-up origin) are answered, from memory; anything else is aborted, so a template
 * can reach neither the network nor the disk. Each render has a time limit; a page is replaced
 * after a number of renders, and the browser started again after a crash and after a number of
 * renders (the new one at once, beside the old, which closes with its last render).
 */

export type RendererOptions = {
  executablePath: string;
  /** Pages rendering at once. */
  pages: number;
  /** Renders waiting for a page; more than that are turned away as busy. */
  queue: number;
  timeoutMs: number;
  /** The browser is started afresh after this many renders (a long life gathers memory). */
  restartAfter: number;
  /**
   * A page is closed and a new one opened after this many renders: a page keeps something of
   * every document written into it (2 MB a form, each with another photo: bench:documents).
   */
  pageRenders: number;
};

export const RENDERER_DEFAULTS: Omit<RendererOptions, 'executablePath'> = {
  pages: 2,
  queue: 8,
  timeoutMs: 20_000,
  restartAfter: 500,
  pageRenders: 50,
};

/** An asset the document may load, by the URL the template names it with. */
export type DocumentAsset = { body: Buffer; contentType: string };

/** Every page is taken and the queue is full: try again shortly (503). */
export class RendererBusyError extends DomainError {
  constructor() {
    super(503, '系统繁忙，文件暂时无法生成，请稍后再试。');
  }
}

/** The render failed (the browser crashed, or it took too long); the next one may well succeed. */
export class RenderFailedError extends DomainError {
  constructor(why: string) {
    super(503, `文件生成失败（${why}），请重试。`);
  }
}

/**
 * The document with each asset's URL made its content's (`?sha256=` and the start of its hash),
 * and the assets by those URLs. Templates name their assets by fixed made-up URLs (every form's
 * photo is photo.jpg), and a page keeps what its earlier documents loaded: by content, a URL
 * can only ever be answered with its own bytes. An asset's URL is written plainly in the
 * template (no characters HTML escapes); one written otherwise is not found, and so refused.
 */
function addressedByContent(
  html: string,
  assets: ReadonlyMap<string, DocumentAsset>,
): { document: string; byUrl: Map<string, DocumentAsset> } {
  let document = html;
  const byUrl = new Map<string, DocumentAsset>();
  for (const [url, asset] of assets) {
    const hash = createHash('sha256').update(asset.body).digest('hex').slice(0, 32);
    const addressed = `${url}${url.includes('?') ? '&' : '?'}sha256=${hash}`;
    // Only the whole URL, where an attribute or url() ends it.
    const escaped = url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    document = document.replace(new RegExp(`${escaped}(?=["')\\s])`, 'g'), () => addressed);
    byUrl.set(addressed, asset);
  }
  return { document, byUrl };
}

/** A4 with printable margins, unless the document's own @page says otherwise. */
export const PDF_OPTIONS = {
  format: 'A4',
  printBackground: true,
  preferCSSPageSize: true,
  margin: { top: '15mm', right: '15mm', bottom: '15mm', left: '15mm' },
} as const satisfies PDFOptions;

/** How the browser is started (bench:documents starts its raw engine the same way). */
export const BROWSER_ARGS = [
  '--no-sandbox', // the machines run as root; pages run no JavaScript and reach nothing
  '--disable-dev-shm-usage',
  '--disable-gpu',
  // Every helper process a child of the browser, which reaps it: no zygote or crash
  // handler forked away to pid 1 (a container's pid 1 may never reap them: zombies).
  '--no-zygote',
  '--disable-breakpad',
  '--disable-crash-reporter',
  '--font-render-hinting=none',
];

/** A page of the pool: the browser it is in, and the renders it has made. */
type Slot = { page: Page; browser: Promise<Browser>; renders: number };

/** A render waiting for a page. */
type Waiting = { resolve: (slot: Slot) => void; reject: (err: unknown) => void };

export class DocumentRenderer {
  /** The browser new pages open in. */
  private browser: Promise<Browser> | undefined;
  /** The pages open in each browser: a retired one is closed with its last page. */
  private readonly pagesIn = new Map<Promise<Browser>, number>();
  /** Browsers started afresh after N renders, still finishing the renders begun in them. */
  private readonly retired = new Set<Promise<Browser>>();
  private readonly idle: Slot[] = [];
  private open = 0;
  private readonly waiting: Waiting[] = [];
  /** Renders since the current browser started. */
  private renders = 0;
  private closed = false;

  constructor(private readonly options: RendererOptions) {}

  /** The PDF of an HTML document (A4, its own CSS), with the assets it may load. */
  async renderPdf(html: string, assets: ReadonlyMap<string, DocumentAsset> = new Map()) {
    if (this.closed) throw new RenderFailedError('服务正在关闭');
    const slot = await this.take();
    let healthy = true;
    try {
      return await this.withTimeout(this.renderOn(slot.page, html, assets));
    } catch (err) {
      healthy = false;
      if (err instanceof DomainError) throw err;
      throw new RenderFailedError(slot.page.isClosed() ? '浏览器已退出' : '渲染出错');
    } finally {
      this.renders += 1;
      this.give(slot, healthy);
    }
  }

  /** Ends the browsers and their processes (on shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiting of this.waiting.splice(0)) {
      waiting.reject(new RenderFailedError('服务正在关闭'));
    }
    const browsers = [...this.retired, ...(this.browser ? [this.browser] : [])];
    this.browser = undefined;
    this.retired.clear();
    await Promise.all(browsers.map(closeBrowser));
  }

  /** The process id of the running browser, if one runs (tests kill it). */
  async browserPid(): Promise<number | undefined> {
    return (await this.browser)?.process()?.pid;
  }

  private async renderOn(page: Page, html: string, assets: ReadonlyMap<string, DocumentAsset>) {
    const { document, byUrl } = addressedByContent(html, assets);
    const answer = (request: HTTPRequest) => {
      const url = request.url();
      if (url.startsWith('data:')) return request.continue();
      const asset = byUrl.get(url);
      if (asset) {
        return request.respond({ status: 200, contentType: asset.contentType, body: asset.body });
      }
      if (isFontRequest(url)) {
        const font = readFontFile(url);
        if (font) {
          return request.respond({
            status: 200,
            contentType: 'font/woff2',
            headers: { 'access-control-allow-origin': '*' },
            body: font,
          });
        }
      }
      return request.abort('blockedbyclient');
    };
    page.removeAllListeners('request');
    page.on('request', (request) => void answer(request));
    // The page's document is written over (setContent), so what it loaded before stays in its
    // memory: the font's subsets are not sent again (a new document for each render cost about
    // 100 ms of them, bench:documents). An asset's URL carries its content's hash, so an earlier
    // render's photo can be reused only where it is the very same photo.
    await page.setContent(
      document.replace('</head>', `<style>${fontStylesheet()}</style></head>`),
      {
        waitUntil: 'load',
        timeout: this.options.timeoutMs,
      },
    );
    await page.evaluateHandle('document.fonts.ready').catch(() => undefined);
    return Buffer.from(await page.pdf(PDF_OPTIONS));
  }

  private withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new RenderFailedError('超过时间限制')),
        this.options.timeoutMs,
      );
    });
    return Promise.race([work, limit]).finally(() => clearTimeout(timer));
  }

  /** A page for one render: an idle one, a new one while the pool has room, or a place in line. */
  private async take(): Promise<Slot> {
    for (let idle = this.idle.pop(); idle; idle = this.idle.pop()) {
      if (!idle.page.isClosed() && idle.browser === this.browser) return idle;
      this.release(idle); // its browser went away
    }
    if (this.open < this.options.pages) {
      this.open += 1;
      try {
        return await this.newSlot();
      } catch (err) {
        this.open -= 1;
        throw err instanceof DomainError ? err : new RenderFailedError('浏览器无法启动');
      }
    }
    if (this.waiting.length >= this.options.queue) throw new RendererBusyError();
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /**
   * A render is done with its page: the page goes on to the next render waiting or back to the
   * pool, unless it failed, has made its N renders or is in a retired browser; then it is closed,
   * and the next render waiting gets a new page.
   */
  private give(slot: Slot, healthy: boolean): void {
    slot.renders += 1;
    if (this.renders >= this.options.restartAfter) this.retire();
    const keep =
      healthy &&
      !slot.page.isClosed() &&
      slot.renders < this.options.pageRenders &&
      slot.browser === this.browser;
    if (keep) {
      const next = this.waiting.shift();
      if (next) next.resolve(slot);
      else this.idle.push(slot);
      return;
    }
    this.release(slot);
    const next = this.waiting.shift();
    if (next && this.closed) {
      next.reject(new RenderFailedError('服务正在关闭'));
    } else if (next) {
      this.open += 1;
      this.newSlot().then(next.resolve, () => {
        this.open -= 1;
        next.reject(new RenderFailedError('浏览器无法启动'));
      });
    }
  }

  /**
   * After N renders: new pages open in a new browser, started now; the old one finishes the
   * renders under way and is closed with its last page. Under a load that never lets up the
   * browser is still renewed, and only the first render in the new one waits for its start.
   */
  private retire(): void {
    const old = this.browser;
    this.browser = undefined;
    this.renders = 0;
    if (old) {
      this.retired.add(old);
      for (const slot of this.idle.splice(0)) this.release(slot);
      if (this.retired.has(old) && !this.pagesIn.has(old)) {
        this.retired.delete(old);
        void closeBrowser(old);
      }
    }
    if (!this.closed) void this.launch().catch(() => undefined);
  }

  /** A page closed and its place in the pool freed. */
  private release(slot: Slot): void {
    this.open -= 1;
    void slot.page.close().catch(() => undefined);
    this.unpage(slot.browser);
  }

  /** One page fewer in `browser`; a retired browser left without pages is closed. */
  private unpage(browser: Promise<Browser>): void {
    const left = (this.pagesIn.get(browser) ?? 1) - 1;
    if (left > 0) {
      this.pagesIn.set(browser, left);
      return;
    }
    this.pagesIn.delete(browser);
    if (this.retired.delete(browser)) void closeBrowser(browser);
  }

  private async newSlot(): Promise<Slot> {
    const browser = this.launch();
    // Counted at once, so a retirement meanwhile waits for this page too.
    this.pagesIn.set(browser, (this.pagesIn.get(browser) ?? 0) + 1);
    try {
      const page = await (await browser).newPage();
      await page.setJavaScriptEnabled(false);
      // Nothing from the HTTP cache: every request is answered here or refused.
      await page.setCacheEnabled(false);
      await page.setRequestInterception(true);
      return { page, browser, renders: 0 };
    } catch (err) {
      this.unpage(browser);
      throw err;
    }
  }

  private launch(): Promise<Browser> {
    if (!this.browser) {
      const launching = puppeteer.launch({
        executablePath: this.options.executablePath,
        headless: true,
        args: BROWSER_ARGS,
      });
      this.browser = launching;
      void launching.then(
        (browser) =>
          browser.on('disconnected', () => {
            // A crash (or a kill): the next render starts a new browser.
            if (this.browser === launching) this.browser = undefined;
          }),
        () => {
          if (this.browser === launching) this.browser = undefined;
        },
      );
    }
    return this.browser;
  }
}

async function closeBrowser(browser: Promise<Browser>): Promise<void> {
  await (await browser.catch(() => undefined))?.close().catch(() => undefined);
}
