import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS_DIR } from '../../lib/platform/index.js';
import type { TestDatabase } from '../support/database.js';
import { createTestDatabase } from '../support/database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

async function migrationsDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'migrations-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

describe('migrations', () => {
  it('are all applied to the template, and running them again changes nothing', async () => {
    const before = await db.sql<{ version: number }[]>`select version from schema_migrations`;
    expect(before.length).toBeGreaterThan(0);
    expect(await migrate(db.sql)).toEqual([]);
    expect(await migrate(db.sql, MIGRATIONS_DIR)).toEqual([]);
    const after = await db.sql`select version from schema_migrations`;
    expect(after.length).toBe(before.length);
  });

  it('apply new files in order, in one transaction, and record them', async () => {
    const fresh = await createTestDatabase();
    try {
      await fresh.sql`drop table schema_migrations`;
      const dir = await migrationsDir({
        '001_one.sql': 'create table m_one (id int);',
        '002_two.sql': 'create table m_two (id int); insert into m_two values (1);',
      });
      expect(await migrate(fresh.sql, dir)).toEqual([1, 2]);
      expect(await migrate(fresh.sql, dir)).toEqual([]);
      const [row] = await fresh.sql`select count(*)::int as n from m_two`;
      expect(row?.n).toBe(1);
    } finally {
      await fresh.drop();
    }
  });

  it('refuse a gap in the numbering', async () => {
    const dir = await migrationsDir({ '001_a.sql': 'select 1;', '003_c.sql': 'select 1;' });
    await expect(migrate(db.sql, dir)).rejects.toThrow(/without gaps/);
  });

  it('refuse a database that has a migration this code does not know', async () => {
    const fresh = await createTestDatabase();
    try {
      await fresh.sql`insert into schema_migrations (version, name) values (999, 'from_the_future')`;
      await expect(migrate(fresh.sql)).rejects.toThrow(/does not know/);
    } finally {
      await fresh.drop();
    }
  });

  it('roll back everything when one file fails', async () => {
    const fresh = await createTestDatabase();
    try {
      await fresh.sql`drop table schema_migrations`;
      const dir = await migrationsDir({
        '001_ok.sql': 'create table m_ok (id int);',
        '002_bad.sql': 'create table m_bad (id int); select no_such_function();',
      });
      await expect(migrate(fresh.sql, dir)).rejects.toThrow();
      const [exists] = await fresh.sql`select to_regclass('m_ok') as t`;
      expect(exists?.t).toBeNull();
    } finally {
      await fresh.drop();
    }
  });

  it('two instances migrating at once apply each file once', async () => {
    const fresh = await createTestDatabase();
    try {
      await fresh.sql`drop table schema_migrations`;
      const dir = await migrationsDir({ '001_once.sql': 'create table m_once (id int);' });
      const results = await Promise.all([migrate(fresh.sql, dir), migrate(fresh.sql, dir)]);
      expect(results.flat()).toEqual([1]);
    } finally {
      await fresh.drop();
    }
  });
});
