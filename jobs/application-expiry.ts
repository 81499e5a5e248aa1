import type { Services } from '../lib/services/index.js';
import { runJob } from './run-job.js';
import { expireUnconfirmed } from '../lib/filing/index.js';

/** Rule 4: applications not confirmed within 5 days become expired. */
export function applicationExpiry(services: Services) {
  return runJob(services, 'application-expiry', async () => ({
    expired: await expireUnconfirmed(services),
  }));
}
