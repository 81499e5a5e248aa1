import { readFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { paths } from '../../routes/paths.js';
import { integrationSuite, withBytes } from '../support/app.js';

// Noto Sans SC as a web font (issue item 16): the fallback after the Chinese system fonts, served
// from our own origin in unicode-range subsets, so a visitor without one sees text, not boxes.

const suite = integrationSuite();

const FAMILY = 'Noto Sans SC Web';
const YEAR = 'public, max-age=31536000, immutable';

/** The font stylesheet's URL as the layout links it. */
async function fontStylesheetUrl(): Promise<string> {
  const home = await request(suite.t.app).get(paths.home);
  const hrefs = [...home.text.matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map((m) => m[1]);
  const href = hrefs.find((h) => h?.startsWith(`${paths.fontStylesheet}?`));
  expect(hrefs).toContain(href);
  expect(href).toMatch(/^\/public\/fonts\/noto-sans-sc\.css\?v=[0-9a-f]{12}$/);
  return href!;
}

type Face = { weight: number; url: string; ranges: [number, number][]; rule: string };

function facesOf(css: string): Face[] {
  return [...css.matchAll(/@font-face\{([^}]*)\}/g)].map(([, rule = '']) => ({
    rule,
    weight: Number(/font-weight:(\d+)/.exec(rule)?.[1]),
    url: /src:url\(([^)]+)\) format\("woff2"\)/.exec(rule)?.[1] ?? '',
    ranges: (/unicode-range:([^;}]+)/.exec(rule)?.[1] ?? '').split(',').map((r) => {
      const [from = '', to = from] = r.replace('U+', '').split('-');
      return [parseInt(from, 16), parseInt(to, 16)];
    }),
  }));
}

describe('the web font', () => {
  it('is named after the Chinese system fonts, before system-ui and the generic family', async () => {
    const css = await readFile(path.resolve(import.meta.dirname, '../../public/css/site.css'));
    const stack = /body \{[^}]*font-family:([^;]+);/.exec(css.toString())?.[1];
    const families = stack?.split(',').map((f) => f.trim()) ?? [];
    expect(families.slice(-6)).toEqual([
      "'Noto Sans SC'",
      "'Source Han Sans SC'",
      `'${FAMILY}'`,
      'system-ui',
      '-apple-system',
      'sans-serif',
    ]);
    expect(families.slice(0, 4)).toContain("'Noto Sans CJK SC'"); // found first when present
  });

  it('has a stylesheet the layout links: one @font-face per weight and subset, cached a year', async () => {
    const url = await fontStylesheetUrl();
    const res = await request(suite.t.app).get(url).set('Accept-Encoding', 'identity');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(res.headers['cache-control']).toBe(YEAR);
    expect(res.headers['content-encoding']).toBeUndefined();
    const faces = facesOf(res.text);
    expect(faces.filter((f) => f.weight === 400)).toHaveLength(101);
    expect(faces.filter((f) => f.weight === 700)).toHaveLength(101);
    for (const face of faces) {
      expect(face.rule).toContain(`font-family:"${FAMILY}"`);
      expect(face.rule).toContain('font-display:swap');
      expect(face.url).toMatch(
        /^\/public\/fonts\/noto-sans-sc-[\w-]+-(400|700)-normal\.woff2\?v=[0-9a-f]{12}$/,
      );
    }
    // Another version's fingerprint (a deploy under way) is not kept for a year.
    const other = await request(suite.t.app).get(`${paths.fontStylesheet}?v=000000000000`);
    expect(other.status).toBe(200);
    expect(other.headers['cache-control']).not.toContain('immutable');
  });

  it('sends the stylesheet compressed when the browser accepts it, the same CSS', async () => {
    const url = await fontStylesheetUrl();
    const plain = await request(suite.t.app).get(url).set('Accept-Encoding', 'identity');
    // supertest decodes the body; Content-Length is what was sent.
    for (const [accept, encoding] of [
      ['gzip, deflate, br, zstd', 'br'],
      ['gzip, deflate', 'gzip'],
    ]) {
      const res = await request(suite.t.app).get(url).set('Accept-Encoding', accept!);
      expect(res.headers['content-encoding'], accept).toBe(encoding);
      expect(res.headers.vary, accept).toContain('Accept-Encoding');
      expect(res.headers['cache-control'], accept).toBe(YEAR);
      expect(Number(res.headers['content-length']), accept).toBeLessThan(plain.text.length / 5);
      expect(res.text, accept).toBe(plain.text);
    }
  });

  it('serves the subset holding 办 as WOFF2 from our own origin, cached a year; the CSP allows it', async () => {
    const sheet = await request(suite.t.app).get(await fontStylesheetUrl());
    const ban = '办'.codePointAt(0)!;
    const holding = facesOf(sheet.text).filter(
      (f) => f.weight === 400 && f.ranges.some(([from, to]) => from <= ban && ban <= to),
    );
    expect(holding).toHaveLength(1);
    const { res: font, body } = await withBytes(request(suite.t.app).get(holding[0]!.url));
    expect(font.status).toBe(200);
    expect(font.headers['content-type']).toBe('font/woff2');
    expect(font.headers['cache-control']).toBe(YEAR);
    expect(body.subarray(0, 4).toString('latin1')).toBe('wOF2');
    expect(font.headers['set-cookie']).toBeUndefined();
    const home = await request(suite.t.app).get(paths.home);
    expect(home.headers['content-security-policy']).toContain("font-src 'self'");
  });
});
