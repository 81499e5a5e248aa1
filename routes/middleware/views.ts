import path from 'node:path';
import { Eta } from 'eta';
import { stepTitles } from '../../lib/filing/index.js';
import { businessDate } from '../../lib/platform/index.js';
import { professions } from '../../lib/reference/index.js';
import { actionNames, kindNames, stateNames } from '../../lib/workflow/index.js';
import { homeOf, paths } from '../paths.js';
import type { Express } from 'express';

export const VIEWS_DIR = path.resolve(import.meta.dirname, '../../views');

export const SERVICE_NAME = '江苏省二级注册人员执业注册服务平台';

/** Eta as Express's view engine; `<%= %>` escapes, and pages use `layout('../layout')`. */
export function setUpViews(app: Express, production: boolean): void {
  const eta = new Eta({ views: VIEWS_DIR, cache: production, autoEscape: true });
  app.engine('eta', (filePath, options, callback) => {
    try {
      const name = path.relative(VIEWS_DIR, filePath).replace(/\.eta$/, '');
      callback(null, eta.render(name, options));
    } catch (error) {
      callback(error);
    }
  });
  app.set('view engine', 'eta');
  app.set('views', VIEWS_DIR);
  Object.assign(app.locals, {
    paths,
    homeOf,
    serviceName: SERVICE_NAME,
    formatTime,
    businessDate,
    // The names every page shows things by.
    kindNames,
    stateNames,
    actionNames,
    professions,
    stepTitles,
  });
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
