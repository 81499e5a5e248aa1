import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../lib/demo/index.js';
import { paths } from '../../routes/paths.js';
import { integrationSuite, logInAs } from '../support/app.js';

// What each request costs: assets and anonymous pages make no session, every request is one log
// line with its id, and assets are fingerprinted for long caching.

const suite = integrationSuite();

const sessionRows = async () => {
  const [row] = await suite.t.db.sql<{ n: number }[]>`select count(*)::int as n from sessions`;
  return row!.n;
};

/** The stylesheet's URL as the pages link it. */
async function stylesheetUrl(): Promise<string> {
  const home = await request(suite.t.app).get(paths.home);
  const href = /<link rel="stylesheet" href="([^"]+)">/.exec(home.text)?.[1];
  expect(href).toMatch(/^\/public\/css\/site\.css\?v=[0-9a-f]{12}$/);
  return href!;
}

describe('the request path', () => {
  it('an asset and an anonymous page create no session row and send no cookie', async () => {
    const before = await sessionRows();
    const asset = await request(suite.t.app).get(await stylesheetUrl());
    expect(asset.status).toBe(200);
    for (const path of [paths.home, paths.search, paths.health]) {
      const res = await request(suite.t.app).get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers['set-cookie'], path).toBeUndefined();
    }
    expect(asset.headers['set-cookie']).toBeUndefined();
    expect(await sessionRows()).toBe(before);
  });

  it('a signed-in visitor is still shown as signed in on the public pages', async () => {
    const agent = request.agent(suite.t.app);
    await logInAs(agent, paths.login.person, '320102198503141235', DEMO_PASSWORD);
    const home = await agent.get(paths.home);
    expect(home.text).toContain('data-testid="signed-in-as">张伟<');
    expect(home.headers['cache-control']).toBe('no-store');
  });

  it('fingerprinted assets are cached for a year; pages keep their security headers', async () => {
    const asset = await request(suite.t.app).get(await stylesheetUrl());
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['x-content-type-options']).toBe('nosniff');
    // Another version's fingerprint (a deploy under way) is not kept for a year.
    const other = await request(suite.t.app).get('/public/css/site.css?v=000000000000');
    expect(other.status).toBe(200);
    expect(other.headers['cache-control']).not.toContain('immutable');
    const htmx = /<script src="(\/public\/js\/vendor\/htmx\.min\.js\?v=[0-9a-f]{12})"/.exec(
      (await request(suite.t.app).get(paths.home)).text,
    )?.[1];
    expect((await request(suite.t.app).get(htmx!)).status).toBe(200);
    const page = await request(suite.t.app).get(paths.home);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['cache-control']).toBe('no-store');
  });

  it('logs one line per request, with its id, method, masked URL and status', async () => {
    const from = suite.t.logs.length;
    await request(suite.t.app).get(`${paths.search}?q=320102198503141235`);
    await request(suite.t.app).get('/no-such-page');
    const lines = suite.t.logs.slice(from).filter((l) => l.msg === 'request completed');
    expect(lines).toHaveLength(2);
    const [search, missing] = lines as { req: { id: number; url: string }; res: object }[];
    expect(search!.req.url).toBe(`${paths.search}?q=320***********1235`);
    expect(missing!.req.id).toBe(search!.req.id + 1);
    expect(missing).toMatchObject({ level: 40, res: { statusCode: 404 } });
  });

  it('moves a session’s idle expiry at most once a minute, and keeps an active session alive', async () => {
    const agent = request.agent(suite.t.app);
    const login = await logInAs(agent, paths.login.person, '320102198503141235', DEMO_PASSWORD);
    const sid = decodeURIComponent(
      String(login.headers['set-cookie']).split(';')[0]!.split('=')[1]!,
    )
      .slice(2)
      .split('.')[0]!;
    const expiry = async () => {
      const [row] = await suite.t.db.sql<{ at: Date }[]>`
        select expires_at as at from sessions where sid = ${sid}`;
      return row!.at.getTime();
    };
    const idle = suite.t.services.config.sessionIdleMinutes * 60_000;
    // The first page after login makes the session's CSRF token: a change, written at once.
    expect((await agent.get(paths.me.home)).status).toBe(200);
    const first = await expiry();
    suite.t.clock.advance(30_000);
    expect((await agent.get(paths.me.home)).status).toBe(200);
    expect(await expiry()).toBe(first); // within the minute: not written again
    suite.t.clock.advance(idle - 60_000); // a minute before it would end
    expect((await agent.get(paths.me.home)).status).toBe(200);
    expect(await expiry()).toBe(suite.t.clock.now().getTime() + idle);
    suite.t.clock.advance(idle - 60_000);
    expect((await agent.get(paths.me.home)).status).toBe(200); // still alive: it was moved
    suite.t.clock.advance(idle + 60_000);
    expect((await agent.get(paths.me.home)).status).toBe(303); // idle too long: signed out
  });
});
