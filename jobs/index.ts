import cron from 'node-cron';
import { applicationExpiry } from './application-expiry.js';
import { sessionCleanup } from './session-cleanup.js';
import type { Services } from '../lib/services/index.js';

/** Schedules the jobs of this app instance; returns a function that stops them. */
export function startJobs(services: Services): () => Promise<void> {
  const tasks = [
    cron.schedule('*/10 * * * *', () => applicationExpiry(services), {
      name: 'application-expiry',
      timezone: 'Asia/Shanghai',
      noOverlap: true,
    }),
    cron.schedule('17 * * * *', () => sessionCleanup(services), {
      name: 'session-cleanup',
      timezone: 'Asia/Shanghai',
      noOverlap: true,
    }),
  ];
  return async () => {
    for (const task of tasks) await task.stop();
  };
}
