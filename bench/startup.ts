// How long `npm start` takes until /healthz answers: on a new DATA_DIR (initdb, migrations, demo
// data), again on the same DATA_DIR, and after a kill -9 of the app (PostgreSQL left running).
import type { ServerProcess } from '../test/support/server-process.js';
import os from 'node:os';
import path from 'node:path';
import { exited, freePort, startServer, waitForHealth } from '../test/support/server-process.js';
import { writeSection } from './report.js';
import { chmod, mkdtemp, rm } from 'node:fs/promises';

const ROUNDS = 5;

async function main() {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'jsreg-bench-'));
  await chmod(dataDir, 0o755);
  const port = freePort();
  const env = { DATA_DIR: dataDir, PORT: String(port), EMBEDDED_PG_PORT: String(port + 1) };
  const baseUrl = `http://127.0.0.1:${port}`;
  const start = async (): Promise<[ServerProcess, number]> => {
    const server = startServer(env);
    return [server, await waitForHealth(baseUrl, server, 60_000)];
  };
  const stop = async (server: ServerProcess, signal: NodeJS.Signals) => {
    server.child.kill(signal);
    await exited(server.child);
  };
  try {
    const [first, cold] = await start();
    await stop(first, 'SIGTERM');
    const warm: number[] = [];
    const afterKill: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const [s, ms] = await start();
      warm.push(ms);
      await stop(s, 'SIGKILL');
      const [t, ms2] = await start();
      afterKill.push(ms2);
      await stop(t, 'SIGTERM');
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const body = `
| start of \`npm start\` until \`GET /healthz\` is 200 | median | max | runs |
|---|---|---|---|
| new DATA_DIR (initdb, migrations, demo data) | ${s(cold)} | ${s(cold)} | 1 |
| same DATA_DIR after a clean stop | ${s(median(warm))} | ${s(Math.max(...warm))} | ${ROUNDS} |
| same DATA_DIR after \`kill -9\` of the app | ${s(median(afterKill))} | ${s(Math.max(...afterKill))} | ${ROUNDS} |

The issue asks for at most 30 s on a new DATA_DIR and 5 s after.`;
    await writeSection('startup', 'npm run bench', body);
    console.log(body);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
