import path from 'node:path';
import type { Authenticator } from './authenticator.js';
import { createAuthenticator } from './authenticator.js';
import type { Clock } from './clock.js';
import type { Config, WorkflowRules } from './config.js';
import type { Sql } from './db.js';
import type { FileStore } from './file-store.js';
import { createLocalFileStore } from './file-store.js';
import type { Logger } from './logger.js';
import type { LoginThrottle } from './login-throttle.js';
import { createLoginThrottle } from './login-throttle.js';

/** Everything routes and jobs use, built in one place from the one `sql` instance. */
export type Services = {
  config: Config;
  sql: Sql;
  clock: Clock;
  logger: Logger;
  authenticator: Authenticator;
  loginThrottle: LoginThrottle;
  /** The bytes of uploaded files (lib/uploads.ts says who may see them). */
  fileStore: FileStore;
  /** The figures of the workflow rules (config.rules), for lib/workflow.ts. */
  rules: WorkflowRules;
};

export function createServices(deps: {
  config: Config;
  sql: Sql;
  clock: Clock;
  logger: Logger;
}): Services {
  return {
    ...deps,
    authenticator: createAuthenticator(deps.sql),
    loginThrottle: createLoginThrottle(deps.sql, deps.config.loginThrottle),
    rules: deps.config.rules,
    fileStore: createLocalFileStore(path.join(deps.config.dataDir, 'files')),
  };
}
