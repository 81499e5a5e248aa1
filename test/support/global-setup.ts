import { configuredWorkflow } from '../../lib/services/index.js';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { createSql, migrate, startEmbeddedDb, systemClock } from '../../lib/platform/index.js';
import { seedDemoData } from '../../lib/demo/index.js';
import { seedCalendar } from '../../lib/calendar/index.js';
import { createLocalFileStore } from '../../lib/files/index.js';

export const TEMPLATE_DB = 'app_template';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseAdminUrl: string;
    templateDatabase: string;
  }
}

/**
 * One embedded PostgreSQL per test run, with a template database migrated and seeded with the
 * demo data; each test file copies it (test/support/database.ts).
 */
export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'jsreg-test-'));
  await chmod(dataDir, 0o755); // as root, PostgreSQL runs as another user that must reach it
  const port = 55_000 + Math.floor(Math.random() * 5_000);
  const db = await startEmbeddedDb({ dataDir, port, database: TEMPLATE_DB });
  const sql = createSql(db.url, { max: 1 });
  await migrate(sql);
  await seedCalendar(sql, systemClock.now());
  // The demo photos and scans go to this run's own folder; test apps have their own DATA_DIR,
  // and createTestApp puts the same stand-in bytes into each app's store.
  await seedDemoData(
    sql,
    systemClock,
    createLocalFileStore(path.join(dataDir, 'files')),
    configuredWorkflow(),
  );
  await sql.end();
  const admin = postgres(db.adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`alter database ${TEMPLATE_DB} is_template true`);
  await admin.end();

  project.provide('databaseAdminUrl', db.adminUrl);
  project.provide('templateDatabase', TEMPLATE_DB);
  return async () => {
    await db.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
