import cron from 'node-cron';
import { JOBS, runJob } from '../lib/jobs/index.js';
import type { Services } from '../lib/services/index.js';

/**
 * Schedules every job of lib/jobs in this app instance (Beijing time); returns a function that
 * stops them. Each run takes its job's advisory lock, so however many instances fire at once, one
 * runs it and the others record a skipped run.
 */
export function startJobs(services: Services): () => Promise<void> {
  const tasks = JOBS.map((job) =>
    cron.schedule(
      job.schedule(services),
      async () => {
        await runJob(services, job.name);
      },
      { name: job.name, timezone: 'Asia/Shanghai', noOverlap: true },
    ),
  );
  return async () => {
    for (const task of tasks) await task.stop();
  };
}
