import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The Chinese font of every document: Noto Sans SC from @fontsource, its CSS pointed at a made-up
 * origin that the renderer answers from memory (a `file://` font is refused by Chromium, and a
 * document may reach nothing else). Only the subsets a page's characters need are asked for.
 */

export const DOCUMENT_FONT_FAMILY = 'Noto Sans SC';
const ORIGIN = 'https://fonts.documents.invalid/';
const PACKAGE_DIR = path.dirname(
  createRequire(import.meta.url).resolve('@fontsource/noto-sans-sc/package.json'),
);
const FILES_DIR = path.join(PACKAGE_DIR, 'files');

let css: string | undefined;

/** The @font-face rules (weights 400 and 700, WOFF2 only) with their URLs at the made-up origin. */
export function fontStylesheet(): string {
  css ??= [400, 700]
    .map((weight) => readFileSync(path.join(PACKAGE_DIR, `${weight}.css`), 'utf8'))
    .join('\n')
    .replace(/, url\(\.\/files\/[^)]+\.woff\) format\('woff'\)/g, '')
    .replaceAll('url(./files/', `url(${ORIGIN}`);
  return css;
}

export function isFontRequest(url: string): boolean {
  return url.startsWith(ORIGIN);
}

const cache = new Map<string, Buffer>();

/** The bytes of a font subset the stylesheet names, or undefined for anything else. */
export function readFontFile(url: string): Buffer | undefined {
  const name = url.slice(ORIGIN.length);
  if (!/^noto-sans-sc-[a-z0-9-]+\.woff2$/.test(name)) return undefined;
  let bytes = cache.get(name);
  if (!bytes) {
    try {
      bytes = readFileSync(path.join(FILES_DIR, name));
    } catch {
      return undefined;
    }
    cache.set(name, bytes);
  }
  return bytes;
}
