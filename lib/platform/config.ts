import path from 'node:path';
import cron from 'node-cron';
import { z } from 'zod';

const DEV_SESSION_SECRET = 'dev-only-not-a-secret-change-me-in-production';

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().default('0.0.0.0'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATA_DIR: z.string().default('./.data'),
    DATABASE_URL: z.url().optional(),
    EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
    SESSION_SECRET: z.string().min(32).optional(),
    SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).default(30),
    TRUST_PROXY: booleanString.default(false),
    VIEWS_RELOAD: booleanString.default(false),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
    LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(30),
    LOGIN_FAILURE_WINDOW_MINUTES: z.coerce.number().int().min(1).default(15),
    DEMO_DATA: booleanString.optional(),
    CHROMIUM_PATH: z.string().default('/usr/bin/chromium'),
    DOCUMENT_PAGES: z.coerce.number().int().min(1).max(16).default(2),
    DOCUMENT_QUEUE: z.coerce.number().int().min(0).max(1000).default(8),
    DOCUMENT_TIMEOUT_MS: z.coerce.number().int().min(1000).default(20_000),
    DOCUMENT_RESTART_AFTER: z.coerce.number().int().min(1).default(500),
    DOCUMENT_PAGE_RENDERS: z.coerce.number().int().min(1).default(50),
    CONFIRM_WITHIN_DAYS: z.coerce.number().int().min(1).default(5),
    RENEWAL_WINDOW_OPENS_DAYS: z.coerce.number().int().min(1).default(90),
    RENEWAL_WINDOW_CLOSES_DAYS: z.coerce.number().int().min(0).default(30),
    CONTRACT_MIN_MONTHS: z.coerce.number().int().min(0).default(3),
    CORRECTION_REPLY_WORKING_DAYS: z.coerce.number().int().min(1).max(120).default(20),
    // When the announcements are published (Asia/Shanghai; the job skips days that are not
    // working days): a node-cron expression.
    PUBLISH_SCHEDULE: z
      .string()
      .refine((v) => cron.validate(v), 'not a cron expression')
      .default('0 9 * * *'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'required in production' });
    }
    if (env.NODE_ENV === 'production' && env.DEMO_DATA) {
      ctx.addIssue({ code: 'custom', path: ['DEMO_DATA'], message: 'never in production' });
    }
  });

export type Config = {
  env: 'development' | 'test' | 'production';
  production: boolean;
  host: string;
  port: number;
  dataDir: string;
  /** Set: use that server. Unset: run the embedded PostgreSQL under dataDir. */
  databaseUrl: string | undefined;
  embeddedPgPort: number;
  sessionSecret: string;
  sessionIdleMinutes: number;
  trustProxy: boolean;
  /** Templates read again on every render (while editing them); otherwise compiled once. */
  viewsReload: boolean;
  logLevel: string;
  loginThrottle: { perAccount: number; perAddress: number; windowMinutes: number };
  demoData: boolean;
  chromiumPath: string;
  /** The PDF renderer (lib/documents): pages at once, renders waiting, time limit, restarts. */
  documents: {
    pages: number;
    queue: number;
    timeoutMs: number;
    restartAfter: number;
    pageRenders: number;
  };
  rules: WorkflowRules;
  /** The jobs' schedules that a province may change (jobs/index.ts has the rest). */
  schedules: { publishAnnouncements: string };
};

/** The figures of the rules in DESIGN.md §3 that a province might change. */
export type WorkflowRules = {
  /** Rule 4: days to confirm an application after starting it or getting it back. */
  confirmWithinDays: number;
  /** Renewal may be filed from this many days before the end of validity... */
  renewalOpensDaysBefore: number;
  /** ...until this many days before it. */
  renewalClosesDaysBefore: number;
  /** Rule 3: the labour contract runs at least this many months past confirmation. */
  contractMinMonths: number;
  /** The working days a party has to reply to a correction request (材料补正). */
  correctionReplyWorkingDays: number;
};

export class ConfigError extends Error {}

/** Reads and validates the environment once, at start-up. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    production: e.NODE_ENV === 'production',
    host: e.HOST,
    port: e.PORT,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    sessionSecret: e.SESSION_SECRET ?? DEV_SESSION_SECRET,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    trustProxy: e.TRUST_PROXY,
    viewsReload: e.VIEWS_RELOAD,
    logLevel: e.LOG_LEVEL,
    loginThrottle: {
      perAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      perAddress: e.LOGIN_MAX_FAILURES_PER_ADDRESS,
      windowMinutes: e.LOGIN_FAILURE_WINDOW_MINUTES,
    },
    demoData: e.DEMO_DATA ?? e.NODE_ENV !== 'production',
    chromiumPath: e.CHROMIUM_PATH,
    documents: {
      pages: e.DOCUMENT_PAGES,
      queue: e.DOCUMENT_QUEUE,
      timeoutMs: e.DOCUMENT_TIMEOUT_MS,
      restartAfter: e.DOCUMENT_RESTART_AFTER,
      pageRenders: e.DOCUMENT_PAGE_RENDERS,
    },
    rules: {
      confirmWithinDays: e.CONFIRM_WITHIN_DAYS,
      renewalOpensDaysBefore: e.RENEWAL_WINDOW_OPENS_DAYS,
      renewalClosesDaysBefore: e.RENEWAL_WINDOW_CLOSES_DAYS,
      contractMinMonths: e.CONTRACT_MIN_MONTHS,
      correctionReplyWorkingDays: e.CORRECTION_REPLY_WORKING_DAYS,
    },
    schedules: { publishAnnouncements: e.PUBLISH_SCHEDULE },
  };
}
