import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { RequestHandler } from 'express';
import { paths } from '../paths.js';

const PACKAGE_DIR = path.resolve(
  import.meta.dirname,
  '../../node_modules/@fontsource/noto-sans-sc',
);

/** The package's font files, served under `paths.fonts` (views.ts, ASSET_DIRS). */
export const FONT_FILES_DIR = path.join(PACKAGE_DIR, 'files');

/**
 * The web font's family name, named in site.css's stack after the Chinese system fonts. Not
 * "Noto Sans SC": an @font-face of that name would hide a Noto Sans SC installed on the visitor's
 * machine (the stack names it earlier), and make the browser download what it already has.
 */
export const WEB_FONT_FAMILY = 'Noto Sans SC Web';

/** The weights the stylesheet uses (body text and its bold headings and labels). */
const WEIGHTS = [400, 700] as const;

export type FontStylesheet = { url: string; css: string };

/**
 * One @font-face per weight and unicode-range subset of the package's CSS (about 100 per weight),
 * each pointing at the subset's WOFF2 file by its fingerprinted URL, so a browser that needs the
 * font fetches only the subsets holding the characters of the page. The WOFF fallbacks are left
 * out: every browser the site supports reads WOFF2. A subset's two weights are written next to
 * each other, so that compression finds their shared unicode-range (it halves gzip's output).
 */
export function buildFontStylesheet(assetUrl: (url: string) => string): FontStylesheet {
  const { version } = JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
    version: string;
  };
  const faces = new Map<string, string[]>();
  for (const weight of WEIGHTS) {
    const css = readFileSync(path.join(PACKAGE_DIR, `${weight}.css`), 'utf8');
    for (const [, rule = ''] of css.matchAll(/@font-face\s*\{([^}]*)\}/g)) {
      const file = /url\(\.\/files\/([\w-]+\.woff2)\)/.exec(rule)?.[1];
      const range = /unicode-range:\s*([^;]+);/.exec(rule)?.[1];
      if (!file || !range) throw new Error(`unexpected @font-face in ${weight}.css: ${rule}`);
      const subset = file.replace(`-${weight}-normal.woff2`, '');
      const src = assetUrl(`${paths.fonts}/${file}`);
      const face =
        `@font-face{font-family:"${WEB_FONT_FAMILY}";font-style:normal;font-weight:${weight};` +
        `font-display:swap;src:url(${src}) format("woff2");unicode-range:${range}}`;
      faces.set(subset, [...(faces.get(subset) ?? []), face]);
    }
  }
  const css =
    `/* Noto Sans SC ${version} (@fontsource/noto-sans-sc), SIL Open Font License 1.1 */\n` +
    `${[...faces.values()].flat().join('\n')}\n`;
  const fingerprint = createHash('sha256').update(css).digest('hex').slice(0, 12);
  return { url: `${paths.fontStylesheet}?v=${fingerprint}`, css };
}

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/**
 * Sends the stylesheet, cached as the static assets are (a year at its fingerprinted URL), and
 * compressed when the browser accepts it: 180 KiB of unicode-ranges are about 18 KiB in brotli,
 * 33 KiB in gzip. Each encoding is made once, when first asked for, off the main thread.
 */
export function fontStylesheetRoute(
  sheet: FontStylesheet,
  { production }: { production: boolean },
): RequestHandler {
  const identity = Buffer.from(sheet.css);
  const encoders = {
    br: () =>
      brotli(identity, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: identity.length,
        },
      }),
    gzip: () => gzip(identity, { level: zlib.constants.Z_BEST_COMPRESSION }),
  };
  const encoded = new Map<keyof typeof encoders, Promise<Buffer>>();
  return async (req, res) => {
    const accepted = req.acceptsEncodings();
    const encoding = (['br', 'gzip'] as const).find((e) => accepted.includes(e));
    res.vary('Accept-Encoding');
    res.type('css');
    res.set(
      'Cache-Control',
      req.originalUrl === sheet.url
        ? 'public, max-age=31536000, immutable'
        : `public, max-age=${production ? 86400 : 0}`,
    );
    if (!encoding) {
      res.send(identity);
      return;
    }
    let body = encoded.get(encoding);
    if (!body) encoded.set(encoding, (body = encoders[encoding]()));
    res.set('Content-Encoding', encoding);
    res.send(await body);
  };
}
