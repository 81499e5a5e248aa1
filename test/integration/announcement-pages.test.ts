import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../lib/demo/index.js';
import { transition } from '../../lib/workflow/index.js';
import { paths } from '../../routes/paths.js';
import { csrfTokenFrom, integrationSuite, logInAs } from '../support/app.js';
import {
  createEnterprise,
  createPerson,
  insertApplication,
  NOW,
  officerAccountId,
} from '../support/fixtures.js';

// Issue 13 over HTTP: the public announcements as pages and as JSON at the same URLs, and the
// admin's jobs page (runs listed, 立即运行 under the job's lock, audited; admins only).

const suite = integrationSuite({ clock: NOW });

async function staff(username: string) {
  const agent = request.agent(suite.t.app);
  expect((await logInAs(agent, paths.login.staff, username, DEMO_PASSWORD)).status).toBe(303);
  return agent;
}

/** An approved initial constructor registration of a new person, waiting for the announcement. */
async function approved(name: string) {
  const { sql } = suite.t.db;
  const person = await createPerson(sql, NOW, { name });
  const enterprise = await createEnterprise(sql, NOW);
  const id = await insertApplication(sql, NOW, {
    kind: 'initial',
    state: 'under_review',
    profession: 'constructor',
    personId: person.personId,
    enterpriseId: enterprise.enterpriseId,
    draft: { specialties: ['建筑工程'] },
  });
  await transition(suite.t.services, {
    applicationId: id,
    action: 'approve',
    actor: { role: 'officer', accountId: await officerAccountId(sql) },
  });
  return { id, person };
}

async function runNow(agent: ReturnType<typeof request.agent>, job: string) {
  const _csrf = await csrfTokenFrom(agent, paths.authority.jobs);
  return agent.post(paths.authority.jobRun(job)).type('form').send({ _csrf });
}

describe('the jobs page', () => {
  it('is for admins only', async () => {
    const officer = await staff('shenhe01');
    expect((await officer.get(paths.authority.jobs)).status).toBe(403);
    expect((await officer.get(paths.authority.job('publish-announcements'))).status).toBe(403);
    const admin = await staff('guanli01');
    const _csrf = await csrfTokenFrom(admin, paths.authority.jobs);
    // An officer's post is refused whatever token it brings.
    const refused = await officer
      .post(paths.authority.jobRun('publish-announcements'))
      .type('form')
      .send({ _csrf });
    expect(refused.status).toBe(403);
  });

  it('runs a job now under its lock, records who did, and lists the run newest first', async () => {
    const { id, person } = await approved('甄子丹');
    suite.t.clock.advance(60_000);
    const admin = await staff('guanli01');
    const res = await runNow(admin, 'publish-announcements');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(
      `${paths.authority.jobs}?ran=publish-announcements&outcome=ok`,
    );
    const page = await admin.get(res.headers.location!);
    expect(page.text).toContain('“发布注册公告”已运行完成');
    expect(page.text).toContain('陈立（手动）');
    const [app] = await suite.t.db.sql<{ state: string }[]>`
      select state from applications where id = ${id}`;
    expect(app!.state).toBe('completed');
    const [run] = await suite.t.db.sql<
      { outcome: string; rows: number; by: string | null; audited: boolean }[]
    >`
      select r.outcome, r.rows_affected as rows, r.started_by_account_id as by,
             exists (select 1 from audit_events a where a.action = 'job.run_by_hand'
                     and a.subject_id = 'publish-announcements'
                     and (a.detail ->> 'runId')::bigint = r.id) as audited
      from job_runs r where r.job = 'publish-announcements' order by r.id desc limit 1`;
    expect(run).toMatchObject({ outcome: 'ok', audited: true });
    expect(run!.rows).toBeGreaterThanOrEqual(1);
    expect(run!.by).not.toBeNull();
    // The whole list of one job's runs, newest first.
    const runs = await admin.get(paths.authority.job('publish-announcements'));
    expect(runs.status).toBe(200);
    expect(runs.text).toContain('运行记录：发布注册公告');
    // The person hears of it, with the announcement's number.
    const [told] = await suite.t.db.sql<{ message: string }[]>`
      select n.message from notifications n join persons p on p.account_id = n.account_id
      where p.id = ${person.personId} and n.application_id = ${id}
      order by n.created_at desc limit 1`;
    expect(told!.message).toMatch(/已在苏建注公告〔2026〕第\d+号中公告，注册自公告之日起生效。$/);
  });

  it('says so when another instance holds the lock, and records the skipped run', async () => {
    const admin = await staff('guanli01');
    const other = await suite.t.db.sql.reserve();
    try {
      await other`select pg_advisory_lock(7320004)`;
      const res = await runNow(admin, 'publish-announcements');
      expect(res.headers.location).toContain('outcome=skipped');
      const page = await admin.get(res.headers.location!);
      expect(page.text).toContain('另一服务实例正在运行此任务');
    } finally {
      await other`select pg_advisory_unlock(7320004)`;
      other.release();
    }
  });

  it('answers 404 for a job that does not exist', async () => {
    const admin = await staff('guanli01');
    expect((await admin.get(paths.authority.job('no-such-job'))).status).toBe(404);
    expect((await runNow(admin, 'no-such-job')).status).toBe(404);
  });
});

describe('the public announcements', () => {
  it('are pages and, for Accept: application/json, JSON at the same URLs', async () => {
    const { person } = await approved('钟汉良');
    const admin = await staff('guanli01');
    await runNow(admin, 'publish-announcements');
    const [entry] = await suite.t.db.sql<{ year: number; seq: number; number: string }[]>`
      select n.year, n.seq, n.number, e.registration_number
      from announcement_entries e join announcements n on n.id = e.announcement_id
      where e.person_name = '钟汉良'`;
    const slug = `${entry!.year}-${entry!.seq}`;

    const list = await request(suite.t.app).get(paths.announcements);
    expect(list.status).toBe(200);
    expect(list.headers['content-type']).toMatch(/html/);
    expect(list.headers.vary).toMatch(/Accept/);
    expect(list.text).toContain(entry!.number);

    const json = await request(suite.t.app)
      .get(paths.announcements)
      .query({ profession: 'constructor', year: String(entry!.year) })
      .set('Accept', 'application/json');
    expect(json.headers['content-type']).toMatch(/json/);
    const body = json.body as { announcements: { number: string; url: string }[] };
    expect(body.announcements[0]).toMatchObject({
      number: entry!.number,
      url: paths.announcement(slug),
    });

    const one = await request(suite.t.app)
      .get(paths.announcement(slug))
      .set('Accept', 'application/json');
    expect(one.status).toBe(200);
    const detail = one.body as { entries: { name: string; registrationNumber: string }[] };
    expect(detail.entries.map((e) => e.name)).toContain('钟汉良');
    // Never an ID number, a birth date or a phone.
    expect(one.text).not.toContain(person.idNumber);
    expect(one.text).not.toContain(person.idNumber.slice(6, 14));
    expect(one.text).not.toContain('13912345678');

    const page = await request(suite.t.app).get(paths.announcement(slug));
    expect(page.text).toContain('钟汉良');
    expect(page.text).not.toContain(person.idNumber);
    // The full number leads to the short address.
    const full = await request(suite.t.app).get(paths.announcement(entry!.number));
    expect(full.status).toBe(301);
    expect(full.headers.location).toBe(paths.announcement(slug));
    // Nothing there: the not-found page, or a JSON 404.
    expect((await request(suite.t.app).get(paths.announcement('2026-99999'))).status).toBe(404);
    const missing = await request(suite.t.app)
      .get(paths.announcement('nonsense'))
      .set('Accept', 'application/json');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: '没有这份公告。' });
    // Filters that mean nothing are no filter, never a 500.
    const odd = await request(suite.t.app).get(
      `${paths.announcements}?year=abc&profession=x&page=-3`,
    );
    expect(odd.status).toBe(200);
  });
});
