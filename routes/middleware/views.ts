import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Eta } from 'eta';
import { hasApplicationForm } from '../../lib/documents/index.js';
import { stepTitles } from '../../lib/filing/index.js';
import { businessDate } from '../../lib/platform/index.js';
import { PROMISED_WORKING_DAYS, professions } from '../../lib/reference/index.js';
import { actionNames, kindNames, stateNameOf, stateNames } from '../../lib/workflow/index.js';
import { homeOf, paths } from '../paths.js';
import type { FontStylesheet } from './fonts.js';
import { buildFontStylesheet, FONT_FILES_DIR } from './fonts.js';
import type { Express } from 'express';

export const VIEWS_DIR = path.resolve(import.meta.dirname, '../../views');

export const SERVICE_NAME = '江苏省二级注册人员执业注册服务平台';

/**
 * Eta as Express's view engine; `<%= %>` escapes, and pages use `layout('../layout')`. Templates
 * are compiled once and cached, unless `reload` (VIEWS_RELOAD, while editing them). Returns the
 * views' asset URLs, for the static handler to know the current fingerprints, and the web font's
 * stylesheet the layout links to, for its route to send.
 */
export function setUpViews(
  app: Express,
  { reload }: { reload: boolean },
): { assetUrl: (url: string) => string; fontStylesheet: FontStylesheet } {
  const assetUrl = assetUrls(reload);
  const fontStylesheet = buildFontStylesheet(assetUrl);
  const eta = new Eta({ views: VIEWS_DIR, cache: !reload, autoEscape: true });
  app.engine('eta', (filePath, options, callback) => {
    try {
      const name = path.relative(VIEWS_DIR, filePath).replace(/\.eta$/, '');
      callback(null, eta.render(name, options));
    } catch (error) {
      callback(error);
    }
  });
  app.set('view engine', 'eta');
  // Express looks each view's file up again on every render unless told to keep it.
  app.set('view cache', !reload);
  app.set('views', VIEWS_DIR);
  Object.assign(app.locals, {
    paths,
    asset: assetUrl,
    fontStylesheet: fontStylesheet.url,
    homeOf,
    serviceName: SERVICE_NAME,
    formatTime,
    businessDate,
    // The names every page shows things by.
    kindNames,
    stateNames,
    stateNameOf,
    actionNames,
    professions,
    stepTitles,
    promisedWorkingDays: PROMISED_WORKING_DAYS,
    hasApplicationForm,
  });
  return { assetUrl, fontStylesheet };
}

const shanghaiTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** A moment as people in Jiangsu read it: 2026/11/25 10:00. */
export function formatTime(at: Date): string {
  return shanghaiTime.format(at);
}

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Where the files behind each static URL prefix are (routes/app.ts serves them). */
export const ASSET_DIRS: [prefix: string, dir: string][] = [
  [paths.vendorScripts, path.join(ROOT, 'node_modules/htmx.org/dist')],
  [paths.fonts, FONT_FILES_DIR],
  [paths.assets, path.join(ROOT, 'public')],
];

/**
 * A static asset's URL with its content's fingerprint (`?v=` + the start of its sha256), so it can
 * be cached for a year and a new version is a new URL. Computed once per file unless `reload`.
 */
function assetUrls(reload: boolean): (url: string) => string {
  const known = new Map<string, string>();
  return (url) => {
    let versioned = reload ? undefined : known.get(url);
    if (!versioned) {
      const [prefix, dir] = ASSET_DIRS.find(([p]) => url.startsWith(`${p}/`)) ?? [];
      if (!prefix || !dir) throw new Error(`not a static asset: ${url}`);
      const bytes = readFileSync(path.join(dir, url.slice(prefix.length)));
      versioned = `${url}?v=${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}`;
      known.set(url, versioned);
    }
    return versioned;
  };
}
