// How close each page comes to the ceiling of its stack: the home page, /healthz, a signed-in
// person's home (/me) and an enterprise's list page (/org/applications), each served by
//   - this app in production mode,
//   - a bare node:http + postgres.js server doing the same queries and sending the same bytes,
//   - a minimal Express 5 + helmet + Eta server doing the same work (for the signed-in pages: the
//     same session read from PostgreSQL, the same queries, the same template rendered),
// one after the other in one run, at 10 and 50 connections (autocannon). Each server runs in a
// child process of its own on one embedded PostgreSQL with the demo data; the load comes from
// this process. Figures: requests/s, p50, p99, and the app's share of each baseline.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import express from 'express';
import type { Request, Response } from 'express';
import helmet from 'helmet';
import { seedDemoData } from '../lib/demo/index.js';
import { applicationsOfEnterprise, enterpriseOfAccount, toDoOf } from '../lib/enterprise/index.js';
import { createLocalFileStore } from '../lib/files/index.js';
import { findSessionUser, readSession, touchSession } from '../lib/identity/index.js';
import { dashboardOf } from '../lib/person/index.js';
import type { Sql } from '../lib/platform/index.js';
import {
  createLogger,
  createSql,
  databaseAnswers,
  loadConfig,
  migrate,
  startEmbeddedDb,
  systemClock,
} from '../lib/platform/index.js';
import { createServices, configuredWorkflow } from '../lib/services/index.js';
import { createApp } from '../routes/app.js';
import { setUpViews } from '../routes/middleware/views.js';
import { paths, withQuery } from '../routes/paths.js';
import { freePort } from '../test/support/server-process.js';
import { writeSection } from './report.js';

const SECRET = 'bench-session-secret-bench-session-secret';
const COOKIE = 'jsreg.sid';
const IDLE_MS = 30 * 60_000;
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = [10, 50];
type ServerName = 'app' | 'express' | 'bare';

const PAGES = [
  { name: 'home `/`', path: paths.home, as: null },
  { name: '`/healthz`', path: paths.health, as: null },
  { name: 'person’s home `/me`', path: paths.me.home, as: 'person' },
  { name: 'enterprise list `/org/applications`', path: paths.org.applications, as: 'enterprise' },
] as const;

/** The demo accounts the signed-in pages are asked for by (README: demo logins). */
const DEMO = {
  person: { login: paths.login.person, id: '320102198503141235' },
  enterprise: { login: paths.login.enterprise, id: '91320102MA1X7H2K3F' },
};

/** What the proxy in front adds to every request. */
const HTTPS = { 'x-forwarded-proto': 'https' };

/** The demo accounts' session cookies, once signed in. */
const cookies = { person: '', enterprise: '' };

type Child = { name: ServerName; process: ChildProcess; base: string };

async function main() {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'jsreg-bench-pages-'));
  await chmod(dataDir, 0o755); // as root, PostgreSQL runs as 'postgres' and must reach it
  const embedded = await startEmbeddedDb({ dataDir, port: freePort(), log: () => undefined });
  const children: Child[] = [];
  try {
    const sql = createSql(embedded.url, { max: 2 });
    await migrate(sql);
    await seedDemoData(
      sql,
      systemClock,
      createLocalFileStore(path.join(dataDir, 'files')),
      configuredWorkflow(),
    );
    await sql.end();

    // Behind a TLS-terminating proxy, as in production: the Secure session cookie is set.
    const env = { DATABASE_URL: embedded.url, DATA_DIR: dataDir, TRUST_PROXY: 'true' };
    const app = await start('app', env);
    children.push(app);
    cookies.person = await logIn(app.base, DEMO.person);
    cookies.enterprise = await logIn(app.base, DEMO.enterprise);
    // The bytes the app sends for each page, for the bare server to send.
    const bodies: Record<string, string> = {};
    for (const page of PAGES) {
      const res = await fetch(app.base + page.path, {
        headers: { ...HTTPS, ...(page.as ? { cookie: cookies[page.as] } : {}) },
        redirect: 'manual',
      });
      if (res.status !== 200) throw new Error(`${page.path} answered ${res.status}`);
      bodies[page.path] = await res.text();
    }
    const bodiesFile = path.join(dataDir, 'bodies.json');
    await writeFile(bodiesFile, JSON.stringify(bodies));
    children.push(await start('express', env));
    children.push(await start('bare', { ...env, BODIES: bodiesFile }));

    const rows: string[] = [];
    const shares: number[] = [];
    let worstP99 = 0;
    // BENCH_PAGES=/me,/healthz measures only those pages.
    const only = process.env.BENCH_PAGES?.split(',');
    for (const page of PAGES.filter((p) => !only || only.includes(p.path))) {
      for (const connections of CONNECTIONS) {
        // The servers take turns, ROUNDS times, so a slow spell of the machine falls on all.
        const runs: Record<ServerName, Run[]> = { app: [], express: [], bare: [] };
        for (const child of children) await warmUp(child.base + page.path, connections, page);
        for (let round = 0; round < ROUNDS; round++) {
          for (const child of children) {
            runs[child.name].push(await load(child.base + page.path, connections, page));
          }
        }
        const result = {
          app: median(runs.app),
          express: median(runs.express),
          bare: median(runs.bare),
        };
        const [a, e, b] = [result.app, result.express, result.bare];
        const ofExpress = a.rps / e.rps;
        shares.push(ofExpress);
        if (connections === 50) worstP99 = Math.max(worstP99, a.p99);
        rows.push(
          `| ${page.name} | ${connections} | ${figures(a)} | ${figures(e)} | ${figures(b)} | ` +
            `${percent(ofExpress)} | ${percent(a.rps / b.rps)} |`,
        );
        console.log(rows.at(-1));
      }
    }
    const command = 'npm run bench:pages';
    await writeSection(
      'pages',
      command,
      `
Production mode, the demo data; each server in its own process, asked by autocannon after a 1 s
warm-up for ${DURATION_S} s, the three servers taking turns ${ROUNDS} times; each figure is the
median of the turns: requests/s, then p50 / p99 latency in ms. *Minimal Express* is Express 5 + helmet + the same Eta
templates (cached) doing the same queries (and, signed in, the same session read, user lookup and
idle-expiry touch, at most once a minute, in PostgreSQL); *bare* is node:http + postgres.js doing the same queries and
sending the app's bytes.

| page | connections | this app | minimal Express | bare node:http | app / Express | app / bare |
|---|---|---|---|---|---|---|
${rows.join('\n')}

Aim: this app at ≥ 70% of the minimal Express server on each page (lowest here:
${percent(Math.min(...shares))}), p99 ≤ 50 ms at 50 connections (highest here: ${worstP99} ms).
`,
    );
  } finally {
    for (const child of children) child.process.kill('SIGTERM');
    await embedded.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

type Run = { rps: number; p50: number; p99: number };

const figures = (r: Run) => `${Math.round(r.rps)} (${r.p50} / ${r.p99})`;
const percent = (ratio: number) => `${Math.round(ratio * 100)}%`;

/** The median of each figure over the rounds. */
function median(runs: Run[]): Run {
  const mid = (values: number[]) => values.sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
  return {
    rps: mid(runs.map((r) => r.rps)),
    p50: mid(runs.map((r) => r.p50)),
    p99: mid(runs.map((r) => r.p99)),
  };
}

const headersFor = (page: (typeof PAGES)[number]) => ({
  ...HTTPS,
  ...(page.as ? { cookie: cookies[page.as] } : {}),
});

async function warmUp(url: string, connections: number, page: (typeof PAGES)[number]) {
  await autocannon({ url, connections, duration: 1, headers: headersFor(page) });
}

async function load(url: string, connections: number, page: (typeof PAGES)[number]): Promise<Run> {
  const result = await autocannon({
    url,
    connections,
    duration: DURATION_S,
    headers: headersFor(page),
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} answers not 2xx, ${result.errors} errors`);
  }
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

/** One server in a child process; resolves when it listens. */
function start(name: ServerName, env: Record<string, string>): Promise<Child> {
  const port = freePort();
  const child = fork(import.meta.filename, [name, String(port)], {
    // BENCH_PROFILE=app writes the app's CPU profile to BENCH_PROFILE_DIR (default /tmp).
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.BENCH_PROFILE === name
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR ?? os.tmpdir()}`]
        : []),
    ],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () =>
      resolve({ name, process: child, base: `http://127.0.0.1:${port}` }),
    );
    child.once('exit', (code) => reject(new Error(`${name} server exited (${code})`)));
  });
}

async function logIn(base: string, who: { login: string; id: string }): Promise<string> {
  const form = await fetch(base + who.login, { headers: HTTPS });
  const cookie = sessionCookie(form);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const res = await fetch(base + who.login, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...HTTPS, cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, loginId: who.id, password: 'Demo@2026' }).toString(),
  });
  if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
  return sessionCookie(res);
}

function sessionCookie(res: globalThis.Response): string {
  const set = res.headers.getSetCookie();
  if (set.length === 0) throw new Error('no session cookie');
  return set.map((c) => c.split(';')[0]).join('; ');
}

// ---- the servers (child processes) ----

const touched = new Map<string, number>();

/** The session's account, as express-session and Passport find it: cookie, row, user; touched. */
async function sessionUser(sql: Sql, cookieHeader: string | undefined) {
  const raw = cookieHeader
    ?.split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${COOKIE}=`))
    ?.slice(COOKIE.length + 1);
  const value = raw ? decodeURIComponent(raw) : '';
  if (!value.startsWith('s:')) return undefined;
  const dot = value.lastIndexOf('.');
  const sid = value.slice(2, dot);
  const mac = createHmac('sha256', SECRET).update(sid).digest('base64').replace(/=+$/, '');
  if (mac !== value.slice(dot + 1)) return undefined;
  const now = new Date();
  const sess = (await readSession(sql, sid, now)) as { passport?: { user?: string } } | null;
  const user = sess?.passport?.user ? await findSessionUser(sql, sess.passport.user) : null;
  // The idle expiry moved at most once a minute, as the app's session store does.
  const last = touched.get(sid);
  if (last === undefined || now.getTime() - last >= 60_000) {
    await touchSession(sql, sid, new Date(now.getTime() + IDLE_MS));
    touched.set(sid, now.getTime());
  }
  return user ?? undefined;
}

async function serve(name: ServerName, port: number) {
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'production',
    SESSION_SECRET: SECRET,
    LOG_LEVEL: 'info',
  });
  const sql = createSql(config.databaseUrl!);
  if (name === 'app') {
    const services = createServices({
      config,
      sql,
      clock: systemClock,
      logger: createLogger('info'),
    });
    createApp(services).listen(port, '127.0.0.1', () => process.send!('ready'));
    return;
  }
  if (name === 'bare') {
    const bodies = JSON.parse(await readFile(process.env.BODIES!, 'utf8')) as Record<
      string,
      string
    >;
    const send = (res: http.ServerResponse, type: string, body: string) => {
      res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    http
      .createServer((req, res) => {
        void (async () => {
          if (req.url === paths.health) {
            const answer = await databaseAnswers(sql);
            return send(
              res,
              'application/json',
              JSON.stringify({ status: answer.ok ? 'ok' : 'x' }),
            );
          }
          if (req.url === paths.me.home) {
            const user = await sessionUser(sql, req.headers.cookie);
            await dashboardOf(sql, user!.id, new Date());
          } else if (req.url === paths.org.applications) {
            const user = await sessionUser(sql, req.headers.cookie);
            const enterprise = await enterpriseOfAccount(sql, user!.id);
            await applicationsOfEnterprise(sql, enterprise.id, { filter: 'all', page: 1 });
            await toDoOf(sql, enterprise.id);
          }
          send(res, 'text/html; charset=utf-8', bodies[req.url ?? '/'] ?? '');
        })();
      })
      .listen(port, '127.0.0.1', () => process.send!('ready'));
    return;
  }
  // Minimal Express 5 + helmet + Eta.
  const app = express();
  app.use(helmet());
  setUpViews(app, { reload: false });
  const locals = (req: Request, res: Response, user?: Express.User) => {
    Object.assign(res.locals, { user, csrf: () => 'token', currentPath: req.path });
  };
  app.get(paths.home, (req, res) => {
    locals(req, res);
    res.render('pages/home', { title: '首页' });
  });
  app.get(paths.health, async (_req, res) => {
    const answer = await databaseAnswers(sql);
    res.json({ status: answer.ok ? 'ok' : 'x' });
  });
  app.get(paths.me.home, async (req, res) => {
    const user = await sessionUser(sql, req.headers.cookie);
    locals(req, res, user);
    const dashboard = await dashboardOf(sql, user!.id, new Date());
    res.render('pages/me/home', { title: '个人中心', ...dashboard });
  });
  app.get(paths.org.applications, async (req, res) => {
    const user = await sessionUser(sql, req.headers.cookie);
    locals(req, res, user);
    const enterprise = await enterpriseOfAccount(sql, user!.id);
    res.locals.enterprise = enterprise;
    const list = await applicationsOfEnterprise(sql, enterprise.id, { filter: 'all', page: 1 });
    const href = (state?: string, page?: number) =>
      withQuery(paths.org.applications, { state, page: page ? String(page) : undefined });
    res.render('pages/org/applications', {
      title: '员工申请',
      list,
      filter: 'all',
      toDo: await toDoOf(sql, enterprise.id),
      filterHref: (state: string) => href(state === 'all' ? undefined : state),
      pageHref: (page: number) => href(undefined, page > 1 ? page : undefined),
    });
  });
  app.listen(port, '127.0.0.1', () => process.send!('ready'));
}

const [mode, port] = process.argv.slice(2);
if (mode) {
  await serve(mode as ServerName, Number(port));
} else {
  await main();
}
