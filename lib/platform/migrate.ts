import type { Sql } from './db.js';
import path from 'node:path';
import { readdir, readFile } from 'node:fs/promises';

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../sql/migrations');

// Any constant works; it only has to be the same for every instance of the app.
const MIGRATION_LOCK_KEY = 7_310_001;

type MigrationFile = { version: number; name: string; file: string };

async function listMigrationFiles(dir: string): Promise<MigrationFile[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations = files.map((file) => {
    const match = /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!match) throw new Error(`Migration file name must look like 001_name.sql: ${file}`);
    return { version: Number(match[1]), name: match[2]!, file: path.join(dir, file) };
  });
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(
        `Migrations must be numbered without gaps: expected ${i + 1}, found ${m.file}`,
      );
    }
  });
  return migrations;
}

/**
 * Applies the numbered migrations not yet recorded, all in one transaction under an advisory lock,
 * so two instances starting at once never both apply them. Forward-only; running it twice changes
 * nothing. Returns the versions it applied.
 */
export async function migrate(sql: Sql, dir = MIGRATIONS_DIR): Promise<number[]> {
  const migrations = await listMigrationFiles(dir);
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`;
    await tx`
      create table if not exists schema_migrations (
        version integer primary key,
        name text not null,
        applied_at timestamptz not null default statement_timestamp()
      )`;
    const applied = await tx<{ version: number }[]>`
      select version from schema_migrations order by version`;
    applied.forEach((row, i) => {
      if (row.version !== i + 1 || !migrations[i]) {
        throw new Error(
          `Database has migration ${row.version} that this code does not know or has out of order`,
        );
      }
    });
    const pending = migrations.slice(applied.length);
    for (const m of pending) {
      await tx.unsafe(await readFile(m.file, 'utf8'));
      await tx`insert into schema_migrations (version, name) values (${m.version}, ${m.name})`;
    }
    return pending.map((m) => m.version);
  });
}
