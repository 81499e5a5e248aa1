import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../routes/app.js';
import {
  ConflictError,
  createLogger,
  createSql,
  loadConfig,
  systemClock,
} from '../../lib/platform/index.js';
import { errorHandler } from '../../routes/middleware/errors.js';
import { setUpViews } from '../../routes/middleware/views.js';
import { paths } from '../../routes/paths.js';
import { createServices } from '../../lib/services/index.js';
import { integrationSuite } from '../support/app.js';

const suite = integrationSuite();

describe('pages', () => {
  it('the home page explains the service in Chinese and links to log in, search and verify', async () => {
    const res = await request(suite.t.app).get(paths.home);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="zh-CN">');
    expect(res.text).toContain('href="#main"');
    for (const name of [
      '二级注册建造师',
      '二级注册造价工程师',
      '二级注册建筑师',
      '二级注册结构工程师',
    ]) {
      expect(res.text).toContain(name);
    }
    for (const link of [paths.login.person, paths.login.enterprise, paths.search, paths.verify]) {
      expect(res.text).toContain(`href="${link}"`);
    }
    expect(res.headers['set-cookie']).toBeUndefined(); // no session for a plain visit
  });

  it('an unknown address gives the 404 page in Chinese', async () => {
    const res = await request(suite.t.app).get('/no-such-page');
    expect(res.status).toBe(404);
    expect(res.text).toContain('页面不存在');
  });

  it('serves htmx 2.0.11 from our own public path', async () => {
    const res = await request(suite.t.app).get(`${paths.assets}/js/vendor/htmx.min.js`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('2.0.11');
    const home = await request(suite.t.app).get(paths.home);
    expect(home.text).toContain(`src="${paths.assets}/js/vendor/htmx.min.js?v=`);
  });

  it('sends security headers with a CSP that allows no inline script', async () => {
    const res = await request(suite.t.app).get(paths.home);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script is a file
  });
});

describe('health', () => {
  it('answers 200 {"status":"ok"} when the database answers', async () => {
    const res = await request(suite.t.app).get(paths.health);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers 503 when the database does not', async () => {
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    const sql = createSql('postgres://nobody:nothing@127.0.0.1:1/none');
    const logger = createLogger('silent');
    const app = createApp(createServices({ config, sql, clock: systemClock, logger }));
    try {
      const res = await request(app).get(paths.health);
      expect(res.status).toBe(503);
    } finally {
      await sql.end();
    }
  });
});

describe('the error page', () => {
  const appThatFails = (showStack: boolean) => {
    const app = express();
    setUpViews(app, { reload: false });
    app.use((_req, res, next) => {
      res.locals.user = undefined;
      next();
    });
    app.get('/boom', () => {
      throw new Error('internal detail: connection string postgres://secret');
    });
    app.get('/conflict', () => {
      throw new ConflictError('该申请已被其他人处理，请刷新页面。');
    });
    app.use(errorHandler(createLogger('silent'), showStack));
    return app;
  };

  it('never shows a stack or internal message outside development', async () => {
    const res = await request(appThatFails(false)).get('/boom');
    expect(res.status).toBe(500);
    expect(res.text).toContain('系统暂时无法处理您的请求');
    expect(res.text).not.toContain('internal detail');
    expect(res.text).not.toContain('at ');
  });

  it('shows the stack in development', async () => {
    const res = await request(appThatFails(true)).get('/boom');
    expect(res.status).toBe(500);
    expect(res.text).toContain('internal detail');
  });

  it('gives a domain error its status and Chinese message', async () => {
    const res = await request(appThatFails(false)).get('/conflict');
    expect(res.status).toBe(409);
    expect(res.text).toContain('该申请已被其他人处理');
  });
});
