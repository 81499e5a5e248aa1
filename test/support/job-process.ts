import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runJob } from '../../lib/jobs/index.js';
import {
  createLogger,
  createSql,
  loadConfig,
  SettableClock,
  systemClock,
} from '../../lib/platform/index.js';
import { createServices } from '../../lib/services/index.js';

// One app instance's job runner as a process of its own (as `npm start` schedules it): it runs
// JOB on DATABASE_URL at the moment START_AT (epoch ms), with its clock standing at CLOCK, and
// prints the outcome as JSON. Tests start two at once to see the advisory lock work.
const env = process.env;
const config = loadConfig({
  NODE_ENV: 'test',
  DATABASE_URL: env.DATABASE_URL,
  DATA_DIR: await mkdtemp(path.join(os.tmpdir(), 'jsreg-job-')),
  LOG_LEVEL: 'silent',
});
const sql = createSql(config.databaseUrl!, { max: 3 });
const services = createServices({
  config,
  sql,
  clock: new SettableClock(env.CLOCK),
  logger: createLogger('silent'),
});
// Connected before the moment, so both processes fire as close together as they can.
await sql`select 1`;
// The wall clock, not the job's: both processes wait for the same real moment.
await sleep(Math.max(0, Number(env.START_AT) - systemClock.now().getTime()));
const result = await runJob(services, env.JOB!);
process.stdout.write(`${JSON.stringify(result)}\n`);
await sql.end();
