import { expireUnconfirmed } from '../lib/applications.js';
import type { Services } from '../lib/services.js';
import { runJob } from './run-job.js';

/** Rule 4: applications not confirmed within 5 days become expired. */
export function applicationExpiry(services: Services) {
  return runJob(services, 'application-expiry', async () => ({
    expired: await expireUnconfirmed(services),
  }));
}
