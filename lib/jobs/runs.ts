import type { Db } from '../platform/index.js';
import { NotFoundError, recordAudit } from '../platform/index.js';
import type { JobDeps, JobTrigger } from './catalogue.js';
import { JOBS, jobNamed } from './catalogue.js';

export type JobOutcome = 'ok' | 'skipped' | 'failed';

/**
 * Runs a job under its PostgreSQL advisory lock, so that with several app instances (and an admin
 * pressing 运行 meanwhile) one runs it at a time and the others skip. Every run is recorded in
 * job_runs: start, end, outcome, rows affected, its figures or its error, and who started it by
 * hand (also audited). Returns the outcome and the run's id.
 */
export async function runJob(
  deps: JobDeps,
  name: string,
  trigger: JobTrigger = { by: 'schedule' },
): Promise<{ outcome: JobOutcome; runId: number }> {
  const job = jobNamed(name);
  if (!job) throw new NotFoundError();
  const { sql, clock, logger } = deps;
  const startedBy = trigger.by === 'hand' ? trigger.accountId : null;
  const conn = await sql.reserve();
  try {
    const [lock] = await conn<{ locked: boolean }[]>`
      select pg_try_advisory_lock(${job.lockKey}) as locked`;
    if (!lock?.locked) {
      const [run] = await sql<{ id: number }[]>`
        insert into job_runs (job, started_at, finished_at, outcome, started_by_account_id)
        values (${job.name}, ${clock.now()}, ${clock.now()}, 'skipped', ${startedBy})
        returning id::int as id`;
      return { outcome: 'skipped', runId: run!.id };
    }
    try {
      const [run] = await sql<{ id: number }[]>`
        insert into job_runs (job, started_at, started_by_account_id)
        values (${job.name}, ${clock.now()}, ${startedBy}) returning id::int as id`;
      const runId = run!.id;
      if (trigger.by === 'hand') {
        await recordAudit(sql, {
          at: clock.now(),
          actorAccountId: trigger.accountId,
          action: 'job.run_by_hand',
          subjectType: 'job',
          subjectId: job.name,
          detail: { runId },
        });
      }
      try {
        const result = await job.work(deps, trigger);
        await sql`
          update job_runs set finished_at = ${clock.now()}, outcome = 'ok',
                 rows_affected = ${result.rows}, detail = ${sql.json(result.detail)}
          where id = ${runId}`;
        return { outcome: 'ok', runId };
      } catch (err) {
        logger.error({ err, job: job.name }, 'job failed');
        await sql`
          update job_runs set finished_at = ${clock.now()}, outcome = 'failed',
                 error = ${String(err)}, detail = ${sql.json({ error: String(err) })}
          where id = ${runId}`;
        return { outcome: 'failed', runId };
      }
    } finally {
      await conn`select pg_advisory_unlock(${job.lockKey})`;
    }
  } finally {
    conn.release();
  }
}

export type JobRun = {
  id: number;
  job: string;
  startedAt: Date;
  finishedAt: Date | null;
  /** None while it runs. */
  outcome: JobOutcome | null;
  rowsAffected: number | null;
  error: string | null;
  detail: Record<string, unknown>;
  startedByName: string | null;
};

const RUN_COLUMNS = `r.id::int as id, r.job, r.started_at as "startedAt",
  r.finished_at as "finishedAt", r.outcome, r.rows_affected as "rowsAffected", r.error, r.detail,
  s.name as "startedByName"`;

/** Each job with its latest runs, newest first (the admin page). */
export async function latestRuns(
  db: Db,
  perJob = 5,
): Promise<{ job: (typeof JOBS)[number]; runs: JobRun[] }[]> {
  const rows = await db<JobRun[]>`
    select ${db.unsafe(RUN_COLUMNS)}
    from unnest(${JOBS.map((j) => j.name)}::text[]) as j (name)
      cross join lateral (
        select * from job_runs where job = j.name order by id desc limit ${perJob}) r
      left join staff s on s.account_id = r.started_by_account_id
    order by r.id desc`;
  return JOBS.map((job) => ({ job, runs: rows.filter((r) => r.job === job.name) }));
}

export const RUNS_PAGE_SIZE = 50;

/** One job's runs, newest first, by keyset: those before run `before`. */
export async function runsOf(
  db: Db,
  name: string,
  before?: number,
): Promise<{ runs: JobRun[]; next: number | undefined }> {
  const rows = await db<JobRun[]>`
    select ${db.unsafe(RUN_COLUMNS)}
    from job_runs r left join staff s on s.account_id = r.started_by_account_id
    where r.job = ${name} ${before ? db`and r.id < ${before}` : db``}
    order by r.id desc limit ${RUNS_PAGE_SIZE + 1}`;
  const runs = rows.slice(0, RUNS_PAGE_SIZE);
  return { runs, next: rows.length > RUNS_PAGE_SIZE ? runs.at(-1)!.id : undefined };
}
