import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database.js';
import type { ServerProcess } from '../support/server-process.js';
import { exited, freePort, startServer, waitForHealth } from '../support/server-process.js';

const running: ServerProcess[] = [];
afterAll(() => {
  for (const s of running) s.child.kill('SIGKILL');
});

describe('npm start on the embedded PostgreSQL', () => {
  it('starts on a new DATA_DIR with demo data, survives kill -9, and stops cleanly', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'jsreg-start-'));
    await chmod(dataDir, 0o755);
    const port = freePort();
    const env = { DATA_DIR: dataDir, PORT: String(port), EMBEDDED_PG_PORT: String(port + 1) };
    const baseUrl = `http://127.0.0.1:${port}`;
    try {
      const first = startServer(env);
      running.push(first);
      await waitForHealth(baseUrl, first, 60_000);
      const home = await fetch(baseUrl);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('二级注册人员执业注册');

      first.child.kill('SIGKILL'); // PostgreSQL, its child, lives on holding the port and lock
      await exited(first.child);
      expect(existsSync(path.join(dataDir, 'pg/postmaster.pid'))).toBe(true);

      const second = startServer(env);
      running.push(second);
      await waitForHealth(baseUrl, second, 30_000);
      const login = await fetch(`${baseUrl}/login/person`);
      expect(login.status).toBe(200);

      second.child.kill('SIGTERM');
      expect(await exited(second.child)).toBe(0);
      expect(existsSync(path.join(dataDir, 'pg/postmaster.pid'))).toBe(false);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('uses the server named by DATABASE_URL instead, and starts no PostgreSQL of its own', async () => {
    const db = await createTestDatabase();
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'jsreg-url-'));
    const port = freePort();
    try {
      const server = startServer({ DATA_DIR: dataDir, PORT: String(port), DATABASE_URL: db.url });
      running.push(server);
      await waitForHealth(`http://127.0.0.1:${port}`, server, 30_000);
      expect(existsSync(path.join(dataDir, 'pg'))).toBe(false);
      server.child.kill('SIGTERM');
      expect(await exited(server.child)).toBe(0);
    } finally {
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
