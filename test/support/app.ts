import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Express } from 'express';
import request from 'supertest';
import type { Agent } from 'supertest';
import { afterAll, beforeAll } from 'vitest';
import { paths } from '../../routes/paths.js';
import { createEnterprise, createPerson, PASSWORD, standInFiles } from './fixtures.js';
import { createApp } from '../../routes/app.js';
import { createLogger, loadConfig, SettableClock } from '../../lib/platform/index.js';
import type { Services } from '../../lib/services/index.js';
import { createServices } from '../../lib/services/index.js';
import type { TestDatabase } from './database.js';
import { createTestDatabase } from './database.js';

/** The response, with its body as bytes (supertest buffers only text by default). */
export async function withBytes(
  req: request.Test,
): Promise<{ res: request.Response; body: Buffer }> {
  const res = await req.buffer(true).parse((stream, done) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => done(null, Buffer.concat(chunks)));
  });
  return { res, body: res.body as Buffer };
}

export type TestApp = {
  app: Express;
  services: Services;
  clock: SettableClock;
  db: TestDatabase;
  /** Every log line the app wrote, as parsed JSON. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
};

/** The real app on a fresh copy of the test database, with a settable clock and captured logs. */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  // Each app its own DATA_DIR, so uploaded files never meet another test file's.
  const ownDataDir = env.DATA_DIR
    ? undefined
    : await mkdtemp(path.join(os.tmpdir(), 'jsreg-files-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: ownDataDir,
    LOG_LEVEL: 'info',
    // Every test request comes from 127.0.0.1: only the per-account limit is under test by default.
    LOGIN_MAX_FAILURES_PER_ADDRESS: '10000',
    ...env,
  });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const logger = createLogger(config.logLevel, sink);
  const clock = new SettableClock();
  const services = createServices({ config, sql: db.sql, clock, logger });
  // The bytes of the demo data's (and the fixtures') stand-in photo and scans, in this app's own
  // store, so the pages that show or link them find them.
  const { photo, scan } = await standInFiles();
  for (const bytes of [photo, scan]) await services.fileStore.put(bytes);
  const close = async () => {
    await services.documents.close();
    await db.drop();
    if (ownDataDir) await rm(ownDataDir, { recursive: true, force: true });
  };
  return { app: createApp(services), services, clock, db, logs, close };
}

export type IntegrationSuiteOptions = {
  /** Passed to createTestApp. */
  env?: Record<string, string>;
  /** Where the app's clock stands once it is made; the real time when left out. */
  clock?: Date | string;
};

export type IntegrationSuite = {
  /** The file's app; only from its beforeAll on. */
  readonly t: TestApp;
};

/** One app on a fresh database for a whole test file: made in beforeAll, closed in afterAll. */
export function integrationSuite(options: IntegrationSuiteOptions = {}): IntegrationSuite {
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await createTestApp(options.env);
    if (options.clock !== undefined) app.clock.set(options.clock);
  });
  afterAll(() => app?.close());
  return {
    get t() {
      if (!app) throw new Error('no test app yet: it is made in beforeAll');
      return app;
    },
  };
}

/** The CSRF token of the agent's session, read from a page with a form. */
export async function csrfTokenFrom(agent: Agent, url: string): Promise<string> {
  const res = await agent.get(url);
  const match = /name="_csrf" value="([^"]+)"/.exec(res.text);
  if (!match) throw new Error(`no CSRF token on ${url} (status ${res.status})`);
  return match[1]!;
}

/** Signs an agent in through the real login form. */
export async function logInAs(agent: Agent, loginPath: string, loginId: string, password: string) {
  const _csrf = await csrfTokenFrom(agent, loginPath);
  return agent.post(loginPath).type('form').send({ _csrf, loginId, password });
}

/** A new fixture person (ready to apply unless told otherwise), signed in through the login form. */
export async function signInNewPerson(
  t: TestApp,
  options: Parameters<typeof createPerson>[2] = {},
) {
  const person = await createPerson(t.db.sql, t.clock.now(), { password: PASSWORD, ...options });
  const agent = request.agent(t.app);
  const res = await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
  if (res.status !== 303) throw new Error(`fixture person could not log in: ${res.status}`);
  return { person, agent };
}

/** A new fixture enterprise (information complete unless told otherwise), signed in. */
export async function signInNewEnterprise(
  t: TestApp,
  options: Parameters<typeof createEnterprise>[2] = {},
) {
  const enterprise = await createEnterprise(t.db.sql, t.clock.now(), {
    password: PASSWORD,
    ...options,
  });
  const agent = request.agent(t.app);
  const res = await logInAs(agent, paths.login.enterprise, enterprise.creditCode, PASSWORD);
  if (res.status !== 303) throw new Error(`fixture enterprise could not log in: ${res.status}`);
  return { enterprise, agent, _csrf: await csrfTokenFrom(agent, paths.org.information) };
}

/**
 * A refused upload comes back at its page's own address (Post/Redirect/Get): the POST answers
 * 303 to `page`, and that page, shown next, is returned (with the refusal on it).
 */
export async function refusedAt(
  agent: ReturnType<typeof request.agent>,
  posted: PromiseLike<request.Response>,
  page: string,
): Promise<request.Response> {
  const res = await posted;
  if (res.status !== 303 || res.headers.location !== page) {
    throw new Error(`expected a 303 to ${page}, got ${res.status} to ${res.headers.location}`);
  }
  return agent.get(page);
}
