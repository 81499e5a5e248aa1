import postgres from 'postgres';

export type Sql = postgres.Sql;
export type Tx = postgres.TransactionSql;
/** Either: for reads and writes that may run inside the caller's transaction or on their own. */
export type Db = Sql | Tx;

export type SqlOptions = { max?: number; statementTimeoutMs?: number };

/** The one postgres.js pool of a process. Close it with `sql.end()` on shutdown. */
export function createSql(url: string, options: SqlOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
    connection: {
      application_name: 'jiangsu-registration',
      statement_timeout: options.statementTimeoutMs ?? 15_000,
      TimeZone: 'Asia/Shanghai',
    },
  });
}

/** A LIKE pattern matching values that contain `text` as typed (its % _ and \ taken literally). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[%_\\]/g, '\\$&')}%`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether an id from a URL can be a row's uuid at all (anything else is simply not found). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Whether the database answers a trivial query (the health check), and if not, why. */
export async function databaseAnswers(
  sql: Sql,
): Promise<{ ok: true } | { ok: false; error: unknown }> {
  try {
    await sql`select 1`.execute();
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}
