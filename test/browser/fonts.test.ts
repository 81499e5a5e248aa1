import type { Browser, CDPSession, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../routes/paths.js';
import {
  browserSuite,
  expectAccessibleAndFitting,
  launchBrowser,
  openPage,
  PHONE,
  visit,
} from '../support/browser.js';

// Noto Sans SC as a web font (issue item 16), in real Chromium at 375 px: a visitor with a Chinese
// font keeps it and downloads nothing; one without any sees the page drawn in the web font,
// fetched in a few of its ~100 unicode-range subsets, not all.

const FAMILY = 'Noto Sans SC Web';
/** Of the 202 subset files (101 per weight), a page of ordinary Chinese text needs a handful. */
const FEW = 40;

const suite = browserSuite();
const url = suite.url;

/** A browser that sees no system font for Chinese: there it is the web font or boxes. */
let latinOnly: Browser;
beforeAll(async () => {
  latinOnly = await launchBrowser({ systemFonts: 'latin' });
});
afterAll(async () => {
  await latinOnly?.close();
});

/** The web font's files the page fetched, with their status and headers. */
function fontRequests(page: Page) {
  const fetched: { path: string; status: number; type: string; cache: string }[] = [];
  page.on('response', (res) => {
    const { pathname } = new URL(res.url());
    if (!pathname.startsWith(`${paths.fonts}/`) || !pathname.endsWith('.woff2')) return;
    fetched.push({
      path: pathname,
      status: res.status(),
      type: res.headers()['content-type'] ?? '',
      cache: res.headers()['cache-control'] ?? '',
    });
  });
  return fetched;
}

type Drawn = {
  text: string;
  han: number;
  fonts: { family: string; web: boolean; glyphs: number }[];
};

/**
 * What Chromium drew each element's own text with (DevTools' "Rendered fonts"), and how many Han
 * characters that text has. Read through DevTools, so it works with JavaScript off.
 */
async function renderedFonts(cdp: CDPSession, selector: string): Promise<Drawn[]> {
  const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
  const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector });
  const drawn: Drawn[] = [];
  for (const nodeId of nodeIds) {
    const { node } = await cdp.send('DOM.describeNode', { nodeId, depth: 1 });
    const text = (node.children ?? [])
      .filter((child) => child.nodeType === 3)
      .map((child) => child.nodeValue)
      .join('')
      .trim();
    if (!text) continue;
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    drawn.push({
      text,
      han: text.match(/\p{Script=Han}/gu)?.length ?? 0,
      fonts: fonts.map((f) => ({
        family: f.familyName,
        web: f.isCustomFont,
        glyphs: f.glyphCount,
      })),
    });
  }
  return drawn;
}

/** The elements some of whose Han characters no web font drew: boxes, on a machine without CJK. */
const notInWebFont = (drawn: Drawn[]) =>
  drawn.filter((d) => d.fonts.filter((f) => f.web).reduce((n, f) => n + f.glyphs, 0) < d.han);

async function devTools(page: Page): Promise<CDPSession> {
  const cdp = await page.createCDPSession();
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  return cdp;
}

/** Elements with text in both weights: headings and labels are bold, the rest regular. */
const TEXT = 'h1, h2, p, a, label, button, th, td, li';

describe('a visitor whose phone has a Chinese font, at 375 px', () => {
  it('keeps the system font and downloads no font file, yet the web font is there to load', async () => {
    const { page, problems } = await openPage(suite.browser, PHONE);
    const fetched = fontRequests(page);
    try {
      await visit(page, url(paths.home));
      const cdp = await devTools(page);
      const family = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
      expect(family).toContain(`"Source Han Sans SC", "${FAMILY}", system-ui`);
      const drawn = await renderedFonts(cdp, TEXT);
      expect(drawn.filter((d) => d.han > 0).length).toBeGreaterThan(5);
      expect(drawn.filter((d) => d.fonts.some((f) => f.web))).toEqual([]);
      expect(fetched).toEqual([]);

      // Asked for, the web font loads from the site (the CSP allows it) the subsets it needs.
      const faces = await page.evaluate(async (font: string) => {
        const loaded = await document.fonts.load(`16px "${font}"`, '办事指南');
        return loaded.map((f) => ({ family: f.family, weight: f.weight, status: f.status }));
      }, FAMILY);
      expect(faces.length).toBeGreaterThan(0);
      for (const face of faces) {
        expect(face).toEqual({ family: FAMILY, weight: '400', status: 'loaded' });
      }
      expect(fetched.length).toBeGreaterThan(0);
      expect(fetched.length).toBeLessThanOrEqual(faces.length);

      await expectAccessibleAndFitting(page);
      expect(problems.consoleErrors).toEqual([]);
      expect(await problems.cspViolations()).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('a visitor whose computer has no Chinese font (boxes without the web font), at 375 px', () => {
  it('sees the home page drawn in the web font, fetched in a few of its subsets', async () => {
    const { page, problems } = await openPage(latinOnly, PHONE);
    const fetched = fontRequests(page);
    try {
      await visit(page, url(paths.home));
      const cdp = await devTools(page);
      const drawn = await renderedFonts(cdp, TEXT);
      expect(drawn.filter((d) => d.han > 0).length).toBeGreaterThan(5);
      expect(notInWebFont(drawn)).toEqual([]);
      expect(fetched.length).toBeGreaterThan(0);
      expect(fetched.length).toBeLessThanOrEqual(FEW);
      for (const font of fetched) {
        expect(font).toMatchObject({ status: 200, type: 'font/woff2' });
        expect(font.cache).toContain('immutable');
      }
      expect(new Set(fetched.map((f) => f.path)).size).toBe(fetched.length);
      await expectAccessibleAndFitting(page);
      expect(problems.consoleErrors).toEqual([]);
      expect(await problems.cspViolations()).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('gets the web font without JavaScript too, in form labels and buttons', async () => {
    const { page } = await openPage(latinOnly, PHONE, { javaScript: false });
    const fetched = fontRequests(page);
    try {
      await page.goto(url(paths.login.person), { waitUntil: 'networkidle0' });
      const cdp = await devTools(page);
      const drawn = await renderedFonts(cdp, TEXT);
      expect(drawn.filter((d) => d.han > 0).length).toBeGreaterThan(5);
      expect(drawn.map((d) => d.text)).toEqual(expect.arrayContaining(['登录']));
      expect(notInWebFont(drawn)).toEqual([]);
      expect(fetched.length).toBeGreaterThan(0);
      expect(fetched.length).toBeLessThanOrEqual(FEW);
    } finally {
      await page.close();
    }
  });
});
