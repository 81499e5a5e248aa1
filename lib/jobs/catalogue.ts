import { publishAnnouncements } from '../announcements/index.js';
import { loadCalendar, workingDay } from '../calendar/index.js';
import { sendReplyReminders } from '../corrections/index.js';
import type { FileStore } from '../files/index.js';
import { purgeExpiredFiles } from '../files/index.js';
import { expireUnconfirmed } from '../filing/index.js';
import { deleteExpiredSessions } from '../identity/index.js';
import type { Clock, Config, Logger, Sql, WorkflowRules } from '../platform/index.js';
import { businessDate } from '../platform/index.js';
import { expireRegistrations, sendRenewalReminders } from '../registrations/index.js';
import type { WorkflowHooks } from '../workflow/index.js';

/**
 * Every scheduled job, declared once: its name, what the admin page calls it, when it runs, its
 * advisory lock key (the same in every app instance) and its work, which calls lib/ and says how
 * many rows it affected. jobs/index.ts schedules them; the admin page runs one by hand.
 */

/** What a job's work needs (the services have it all). */
export type JobDeps = {
  config: Pick<Config, 'schedules'>;
  sql: Sql;
  clock: Clock;
  logger: Logger;
  fileStore: FileStore;
  rules: WorkflowRules;
  hooks: WorkflowHooks;
};

/** Who started a run: its schedule, or an admin by hand. */
export type JobTrigger = { by: 'schedule' } | { by: 'hand'; accountId: string };

/** What a run did: the rows it affected, and its figures by name. */
export type JobResult = { rows: number; detail: Record<string, string | number | boolean> };

export type JobDefinition = {
  name: string;
  title: string;
  /** When it runs, as the admin page says it. */
  when: string;
  /** Its node-cron expression (Asia/Shanghai). */
  schedule: (deps: JobDeps) => string;
  lockKey: number;
  work: (deps: JobDeps, trigger: JobTrigger) => Promise<JobResult>;
};

export const JOBS = [
  {
    name: 'publish-announcements',
    title: '发布注册公告',
    when: '每个工作日 9:00',
    schedule: (deps) => deps.config.schedules.publishAnnouncements,
    lockKey: 7_320_004,
    work: async (deps, trigger): Promise<JobResult> => {
      // On schedule only on working days; an admin may publish on any day.
      const today = businessDate(deps.clock.now());
      if (trigger.by === 'schedule' && !workingDay(await loadCalendar(deps.sql), today).working) {
        return { rows: 0, detail: { workingDay: false } };
      }
      const { numbers, entries } = await publishAnnouncements(deps);
      return {
        rows: entries,
        detail: { announcements: numbers.length, entries, numbers: numbers.join('、') },
      };
    },
  },
  {
    name: 'registration-expiry',
    title: '注册有效期届满失效',
    when: '每天 0:05',
    schedule: () => '5 0 * * *',
    lockKey: 7_320_005,
    work: async (deps) => {
      const { expired, voided } = await expireRegistrations(deps.sql, deps.clock.now());
      return { rows: expired, detail: { expired, voided } };
    },
  },
  {
    name: 'renewal-reminders',
    title: '延续注册提醒（届满前90、60、30天）',
    when: '每天 8:00',
    schedule: () => '0 8 * * *',
    lockKey: 7_320_006,
    work: async (deps) => {
      const reminded = await sendRenewalReminders(deps.sql, deps.clock.now(), deps.rules);
      return { rows: reminded, detail: { reminded } };
    },
  },
  {
    name: 'file-purge',
    title: '清理失效申请的文件（失效满30天）',
    when: '每天 2:30',
    schedule: () => '30 2 * * *',
    lockKey: 7_320_007,
    work: async (deps) => {
      const purged = await purgeExpiredFiles(deps.sql, deps.fileStore, deps.clock.now());
      return { rows: purged.files, detail: purged };
    },
  },
  {
    name: 'application-expiry',
    title: '未确认申请作废（规则4：5日内未确认）',
    when: '每10分钟',
    schedule: () => '*/10 * * * *',
    lockKey: 7_320_002,
    work: async (deps) => {
      const expired = await expireUnconfirmed(deps);
      return { rows: expired, detail: { expired } };
    },
  },
  {
    name: 'correction-reminders',
    title: '材料补正到期提醒（期限前5、2个工作日）',
    when: '每天 8:30',
    schedule: () => '30 8 * * *',
    lockKey: 7_320_003,
    work: async (deps) => {
      const sent = await sendReplyReminders(deps);
      return { rows: sent, detail: { sent } };
    },
  },
  {
    name: 'session-cleanup',
    title: '清理过期会话',
    when: '每小时第17分',
    schedule: () => '17 * * * *',
    lockKey: 7_320_001,
    work: async (deps) => {
      const deleted = await deleteExpiredSessions(deps.sql, deps.clock.now());
      return { rows: deleted, detail: { deleted } };
    },
  },
] as const satisfies readonly JobDefinition[];

export type JobName = (typeof JOBS)[number]['name'];

export function jobNamed(name: string): JobDefinition | undefined {
  return (JOBS as readonly JobDefinition[]).find((j) => j.name === name);
}
