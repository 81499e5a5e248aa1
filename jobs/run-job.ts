import type { Services } from '../lib/services/index.js';

export type JobOutcome = Record<string, string | number | boolean>;

// Advisory lock keys, one per job, the same in every app instance.
const JOB_LOCK_KEYS: Record<string, number> = {
  'session-cleanup': 7_320_001,
  'application-expiry': 7_320_002,
  'correction-reminders': 7_320_003,
};

/**
 * Runs a job under a PostgreSQL advisory lock so that, with several app instances, only one runs
 * it at a time; the others skip. Every run is recorded in job_runs.
 */
export async function runJob(
  services: Services,
  job: string,
  work: () => Promise<JobOutcome>,
): Promise<'ok' | 'skipped' | 'failed'> {
  const { sql, clock, logger } = services;
  const key = JOB_LOCK_KEYS[job];
  if (key === undefined) throw new Error(`Unknown job ${job}: give it a lock key`);
  return sql.reserve().then(async (conn) => {
    try {
      const [lock] = await conn<
        { locked: boolean }[]
      >`select pg_try_advisory_lock(${key}) as locked`;
      if (!lock?.locked) {
        await sql`insert into job_runs (job, started_at, finished_at, outcome)
                  values (${job}, ${clock.now()}, ${clock.now()}, 'skipped')`;
        return 'skipped';
      }
      const [run] = await sql<{ id: number }[]>`
        insert into job_runs (job, started_at) values (${job}, ${clock.now()}) returning id`;
      try {
        const detail = await work();
        await sql`update job_runs set finished_at = ${clock.now()}, outcome = 'ok',
                  detail = ${sql.json(detail)} where id = ${run!.id}`;
        return 'ok';
      } catch (err) {
        logger.error({ err, job }, 'job failed');
        await sql`update job_runs set finished_at = ${clock.now()}, outcome = 'failed',
                  detail = ${sql.json({ error: String(err) })} where id = ${run!.id}`;
        return 'failed';
      } finally {
        await conn`select pg_advisory_unlock(${key})`;
      }
    } finally {
      conn.release();
    }
  });
}
