import { describe, expect, it } from 'vitest';
import { runJob } from '../../lib/jobs/index.js';
import { integrationSuite } from '../support/app.js';

const suite = integrationSuite();

describe('session cleanup job', () => {
  it('deletes expired sessions only, and records its run', async () => {
    suite.t.clock.set('2026-11-25T10:00:00+08:00');
    const json = suite.t.db.sql.json({ cookie: {} });
    await suite.t.db.sql`
      insert into sessions (sid, sess, expires_at) values
        ('old', ${json}, '2026-11-25T09:00:00+08:00'),
        ('live', ${json}, '2026-11-25T11:00:00+08:00')`;
    expect((await runJob(suite.t.services, 'session-cleanup')).outcome).toBe('ok');
    const left = await suite.t.db.sql<{ sid: string }[]>`select sid from sessions order by sid`;
    expect(left.map((r) => r.sid)).toContain('live');
    expect(left.map((r) => r.sid)).not.toContain('old');
    const [run] = await suite.t.db.sql<{ outcome: string; detail: { deleted: number } }[]>`
      select outcome, detail from job_runs where job = 'session-cleanup' order by id desc limit 1`;
    expect(run).toEqual({ outcome: 'ok', detail: { deleted: 1 } });
  });

  it('is skipped while another instance holds its lock', async () => {
    const other = await suite.t.db.sql.reserve();
    try {
      await other`select pg_advisory_lock(7320001)`;
      expect((await runJob(suite.t.services, 'session-cleanup')).outcome).toBe('skipped');
      await other`select pg_advisory_unlock(7320001)`;
      expect((await runJob(suite.t.services, 'session-cleanup')).outcome).toBe('ok');
    } finally {
      other.release();
    }
  });

  it('records a failed run with its error and releases the lock', async () => {
    // The table it works on is away for a moment: its statement fails.
    await suite.t.db.sql`alter table sessions rename to sessions_away`;
    try {
      expect((await runJob(suite.t.services, 'session-cleanup')).outcome).toBe('failed');
    } finally {
      await suite.t.db.sql`alter table sessions_away rename to sessions`;
    }
    const [run] = await suite.t.db.sql<
      { outcome: string; error: string; finished: boolean }[]
    >`select outcome, error, finished_at is not null as finished from job_runs
      order by id desc limit 1`;
    expect(run?.outcome).toBe('failed');
    expect(run?.error).toContain('sessions');
    expect(run?.finished).toBe(true);
    expect((await runJob(suite.t.services, 'session-cleanup')).outcome).toBe('ok');
  });
});

describe('correction reminders job', () => {
  it('runs under its lock, records how many it sent, and sends nothing twice', async () => {
    // The demo data's open correction requests: whatever is due today is sent on the first run.
    suite.t.clock.set(new Date());
    expect((await runJob(suite.t.services, 'correction-reminders')).outcome).toBe('ok');
    const [first] = await suite.t.db.sql<{ outcome: string; detail: { sent: number } }[]>`
      select outcome, detail from job_runs where job = 'correction-reminders'
      order by id desc limit 1`;
    expect(first?.outcome).toBe('ok');
    expect(typeof first?.detail.sent).toBe('number');
    expect((await runJob(suite.t.services, 'correction-reminders')).outcome).toBe('ok');
    const [second] = await suite.t.db.sql<{ detail: { sent: number } }[]>`
      select detail from job_runs where job = 'correction-reminders' order by id desc limit 1`;
    expect(second?.detail.sent).toBe(0);
  });
});
