import type { Services } from '../lib/services/index.js';
import { runJob } from './run-job.js';
import { sendReplyReminders } from '../lib/corrections/index.js';

/** Reminds the parties of correction requests 5 and 2 working days before their reply deadline. */
export function correctionReminders(services: Services) {
  return runJob(services, 'correction-reminders', async () => ({
    sent: await sendReplyReminders(services),
  }));
}
