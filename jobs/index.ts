import cron from 'node-cron';
import { applicationExpiry } from './application-expiry.js';
import { correctionReminders } from './correction-reminders.js';
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
    // Daily at 08:30 Beijing time, before the working day starts.
    cron.schedule('30 8 * * *', () => correctionReminders(services), {
      name: 'correction-reminders',
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
