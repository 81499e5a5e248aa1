import type { Router } from 'express';
import type { JobOutcome, JobRun } from '../../lib/jobs/index.js';
import { jobNamed, latestRuns, runJob, runsOf } from '../../lib/jobs/index.js';
import { NotFoundError } from '../../lib/platform/index.js';
import type { Services } from '../../lib/services/index.js';
import { requireAdmin } from '../middleware/auth.js';
import { paths, withQuery } from '../paths.js';

/** A run's outcome in the runs table (a skipped run: another instance held the job's lock). */
const OUTCOMES: Record<JobOutcome, string> = { ok: '完成', skipped: '跳过', failed: '失败' };

/** What a run's figures are called on the page. */
const FIGURES: Record<string, string> = {
  announcements: '公告份数',
  entries: '公告人数',
  numbers: '公告编号',
  expired: '失效/作废',
  voided: '随之撤销的补正事项',
  reminded: '提醒的注册',
  sent: '发出的提醒',
  applications: '清理的申请',
  files: '清理的文件',
  contents: '删除的文件内容',
  deleted: '删除的会话',
};

/** A run's figures in words, e.g. 公告份数 2，公告人数 31. */
function figuresOf(run: JobRun): string {
  if (run.error) return run.error;
  if (run.detail.workingDay === false) return '非工作日，按计划不发布';
  return Object.entries(FIGURES)
    .filter(([key]) => key in run.detail)
    .map(([key, name]) => `${name} ${String(run.detail[key]) || '—'}`)
    .join('，');
}

/**
 * The scheduled jobs (admin only): each job with its latest runs, newest first, every run of one
 * job by keyset, and a button that runs one now under the same advisory lock as its schedule.
 */
export function jobPages(router: Router, services: Services): void {
  router.get(paths.authority.jobs, requireAdmin, async (req, res) => {
    const ran = typeof req.query.ran === 'string' ? jobNamed(req.query.ran) : undefined;
    const outcome = (typeof req.query.outcome === 'string' ? req.query.outcome : '') as JobOutcome;
    res.render('pages/authority/jobs', {
      title: '定时任务',
      jobs: await latestRuns(services.sql),
      outcomes: OUTCOMES,
      figuresOf,
      ran: ran && outcome in OUTCOMES ? { job: ran, outcome } : undefined,
    });
  });

  router.get(paths.authority.job.pattern, requireAdmin, async (req, res) => {
    const job = jobNamed(String(req.params.name));
    if (!job) throw new NotFoundError();
    const before = Number(req.query.before);
    const { runs, next } = await runsOf(
      services.sql,
      job.name,
      Number.isSafeInteger(before) && before > 0 ? before : undefined,
    );
    res.render('pages/authority/job', {
      title: `运行记录：${job.title}`,
      job,
      runs,
      outcomes: OUTCOMES,
      figuresOf,
      nextHref: next ? withQuery(paths.authority.job(job.name), { before: String(next) }) : null,
    });
  });

  router.post(paths.authority.jobRun.pattern, requireAdmin, async (req, res) => {
    const job = jobNamed(String(req.params.name));
    if (!job) throw new NotFoundError();
    const { outcome } = await runJob(services, job.name, { by: 'hand', accountId: req.user!.id });
    res.redirect(303, withQuery(paths.authority.jobs, { ran: job.name, outcome }));
  });
}
