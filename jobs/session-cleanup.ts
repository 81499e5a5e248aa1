import type { Services } from '../lib/services/index.js';
import { runJob } from './run-job.js';
import { deleteExpiredSessions } from '../lib/identity/index.js';

/** Deletes expired sessions, so the table holds only live ones. */
export function sessionCleanup(services: Services) {
  return runJob(services, 'session-cleanup', async () => ({
    deleted: await deleteExpiredSessions(services.sql, services.clock.now()),
  }));
}
