import path from 'node:path';
import { createLocalFileStore } from '../files/index.js';
import type { LoginThrottle } from '../identity/index.js';
import { createLoginThrottle } from '../identity/index.js';
import type { Clock, Config, Logger, Sql, WorkflowRules } from '../platform/index.js';
import { loadConfig } from '../platform/index.js';
import type { WorkflowHooks } from '../workflow/index.js';
import { workflowHooks } from './workflow-hooks.js';
import { DocumentRenderer } from '../documents/index.js';
import type { FileStore } from '../files/index.js';

/**
 * Everything routes and jobs use, built in one place from the one `sql` instance: the composition
 * root of lib/, so it stands above every other folder.
 */
export type Services = {
  config: Config;
  sql: Sql;
  clock: Clock;
  logger: Logger;
  loginThrottle: LoginThrottle;
  /** The bytes of uploaded files (lib/files/records.ts says who may see them). */
  fileStore: FileStore;
  /** The figures of the workflow rules (config.rules). */
  rules: WorkflowRules;
  /** The guards and effects the workflow engine runs (workflow-hooks.ts). */
  hooks: WorkflowHooks;
  /** The PDF renderer: its browser starts on the first render; close it on shutdown. */
  documents: DocumentRenderer;
};

export function createServices(deps: {
  config: Config;
  sql: Sql;
  clock: Clock;
  logger: Logger;
}): Services {
  return {
    ...deps,
    loginThrottle: createLoginThrottle(deps.sql, deps.config.loginThrottle),
    rules: deps.config.rules,
    fileStore: createLocalFileStore(path.join(deps.config.dataDir, 'files')),
    hooks: workflowHooks,
    documents: new DocumentRenderer({
      executablePath: deps.config.chromiumPath,
      ...deps.config.documents,
    }),
  };
}

export { workflowHooks };

/**
 * The workflow's rules (from the environment's configuration) and hooks, for what drives the
 * workflow without the whole services: the demo data's seeding in tests and benchmarks.
 */
export function configuredWorkflow(): { rules: WorkflowRules; hooks: WorkflowHooks } {
  return { rules: loadConfig().rules, hooks: workflowHooks };
}
