// How fast the enterprise's pages answer for a large employer among many: 100,000 persons with an
// active registration each at one of 50 enterprises (5,000 at the largest), 60,000 applications
// with frozen snapshots and their materials, and open correction items. The app runs in this
// process on an embedded PostgreSQL; each page is requested over HTTP by the largest enterprise.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { hashPassword } from '../lib/identity/index.js';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../routes/app.js';
import {
  createLogger,
  createSql,
  loadConfig,
  migrate,
  startEmbeddedDb,
  systemClock,
} from '../lib/platform/index.js';
import { PAGE_SIZE } from '../lib/enterprise/index.js';
import { paths } from '../routes/paths.js';
import { createServices } from '../lib/services/index.js';
import { freePort } from '../test/support/server-process.js';
import { writeSection } from './report.js';
import { creditCode, percentile } from './support.js';
import type { AddressInfo } from 'node:net';

const PERSONS = 100_000;
const ENTERPRISES = 50;
const LARGEST = 5_000;
const REQUESTS = 30;
const PASSWORD = 'Bench@2026';

async function main() {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'jsreg-bench-org-'));
  await chmod(dataDir, 0o755); // as root, PostgreSQL runs as 'postgres' and must reach it
  const port = freePort();
  const embedded = await startEmbeddedDb({ dataDir, port, log: () => undefined });
  const sql = createSql(embedded.url);
  try {
    await migrate(sql);
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const services = createServices({
      config,
      sql,
      clock: systemClock,
      logger: createLogger('silent'),
    });
    const seeded = await seed(sql, await services.fileStore.put(Buffer.from('%PDF-1.4\n%%EOF\n')));
    await sql`analyze`;
    const server = createApp(services).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const cookie = await logIn(base, creditCode(0));
      const pages: [string, string][] = [
        ['to-do list `/org`', paths.org.home],
        ['applications `/org/applications`', paths.org.applications],
        ['employees `/org/employees`', paths.org.employees],
        ['one application `/org/applications/:id`', paths.org.application(seeded.applicationId)],
        ['a person’s material `/files/:id`', paths.file(seeded.fileId)],
        ['rename `/org/rename`', paths.org.rename],
      ];
      const rows: string[] = [];
      for (const [name, url] of pages) {
        const { times, bytes } = await measure(base + url, cookie);
        rows.push(
          `| ${name} | ${ms(percentile(times, 0.5))} | ${ms(percentile(times, 0.95))} | ${Math.round(bytes / 1024)} KiB |`,
        );
      }
      const body = `
${PERSONS.toLocaleString('en')} persons registered at ${ENTERPRISES} enterprises (${LARGEST.toLocaleString('en')} at the largest),
${seeded.applications.toLocaleString('en')} applications with snapshots and materials, ${seeded.items.toLocaleString('en')} open correction items.
The largest enterprise asks for each page ${REQUESTS} times in a row, after 3 unmeasured requests.

| page | median | p95 | size |
|---|---|---|---|
${rows.join('\n')}

Lists show ${PAGE_SIZE} rows a page, found through the indexes of \`sql/migrations/006_enterprise_lists.sql\`
without reading snapshots (before: applications 106 ms, employees 48 ms); the to-do list shows
the 10 oldest open items; whether the enterprise may open a file is decided from the file owner's
own applications only (before: 41 ms with open items present).`;
      await writeSection('enterprise-pages', 'npm run bench:org', body);
      console.log(body);
    } finally {
      server.close();
    }
  } finally {
    await sql.end({ timeout: 5 });
    await embedded.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The data, in bulk: enterprise i has the persons with i = n mod 50, except the largest (0). */
async function seed(sql: ReturnType<typeof createSql>, sha256: string) {
  const hash = await hashPassword(PASSWORD);
  const now = new Date();
  await sql.begin(async (tx) => {
    for (let i = 0; i < ENTERPRISES; i++) {
      const [account] = await tx<{ id: string }[]>`
        insert into accounts (kind, login_id, display_name, password_hash, created_at)
        values ('enterprise', ${creditCode(i)}, ${`基准测试建设有限公司${i}`}, ${hash}, ${now})
        returning id`;
      await tx`
        insert into enterprises (account_id, credit_code, name, district_code, legal_representative,
                                 address, contact_name, contact_phone, information_completed_at)
        values (${account!.id}, ${creditCode(i)}, ${`基准测试建设有限公司${i}`}, '320102', '王建国',
                '南京市玄武区', '李红', '025-84000000', ${now})`;
      await tx`insert into legal_person_registry (credit_code, name, updated_at)
               values (${creditCode(i)}, ${`基准测试建设有限公司${i}`}, ${now})`;
    }
    await tx`
      create temporary table bench_people on commit drop as
      select n, 'B' || lpad(n::text, 17, '0') as login_id,
             '3201' || lpad(n::text, 14, '0') as id_number,
             (case when n <= ${LARGEST} then 0 else 1 + n % ${ENTERPRISES - 1} end) as e
      from generate_series(1, ${PERSONS}) n`;
    await tx`
      insert into accounts (kind, login_id, display_name, password_hash, real_name_level, created_at)
      select 'person', login_id, '员工' || n, 'x', 4, ${now} from bench_people`;
    await tx`
      insert into persons (account_id, id_number, name)
      select a.id, b.id_number, '员工' || b.n
      from bench_people b join accounts a on a.kind = 'person' and a.login_id = b.login_id`;
    await tx`
      insert into files (sha256, content_type, size_bytes, original_name, owner_account_id, created_at)
      select ${sha256}, 'application/pdf', 15, 'contract-' || b.n || '.pdf', a.id, ${now}
      from bench_people b join accounts a on a.kind = 'person' and a.login_id = b.login_id`;
    await tx`
      insert into registrations (registration_number, person_id, enterprise_id, profession,
                                 specialties, valid_from, valid_until, status, created_at)
      select '苏1' || lpad(b.n::text, 10, '0'), p.id, e.id, 'constructor', '{建筑工程}',
             current_date - 700, current_date + (b.n % 1000), 'active', ${now}
      from bench_people b join persons p on p.id_number = b.id_number
        join (select id, row_number() over (order by credit_code) - 1 as e from enterprises) e
          on e.e = b.e`;
    // Three in five persons have a renewal application, in the states it passes through.
    await tx`
      with states(k, state) as (values (0, 'awaiting_enterprise'), (1, 'awaiting_signed_form'),
        (2, 'submitted'), (3, 'under_review'), (4, 'completed'), (5, 'withdrawn'))
      insert into applications (application_number, kind, profession, person_id, enterprise_id,
        handed_to_enterprise_id, registration_id, state, version, draft, snapshot,
        snapshot_version, snapshot_hash, started_at, state_changed_at)
      select 'SQ' || lpad(b.n::text, 14, '0'), 'renewal', 'constructor', r.person_id,
             r.enterprise_id, r.enterprise_id, r.id, s.state, 0, '{}',
             jsonb_build_object('person', jsonb_build_object('name', '员工' || b.n),
                                'uploads', jsonb_build_object('contract', f.id)),
             1, md5(b.n::text), ${now} - (b.n || ' minutes')::interval, ${now} - (b.n || ' minutes')::interval
      from bench_people b join persons p on p.id_number = b.id_number
        join registrations r on r.person_id = p.id
        join files f on f.owner_account_id = p.account_id
        join states s on s.k = b.n % 6
      where b.n % 5 < 3`;
    await tx`
      insert into application_events (application_id, version, action, actor_role, to_state, occurred_at)
      select id, 0, 'fixture', 'system', state, started_at from applications`;
    await tx`
      insert into correction_items (application_id, addressed_to, what, why, blocks_review, opened_at)
      select id, 'enterprise', '社保缴纳证明', '需核实聘用关系', true, started_at
      from applications where state = 'under_review' and application_number like '%1'`;
  });
  const [big] = await sql<{ applicationId: string; fileId: string }[]>`
    select a.id as "applicationId", a.snapshot -> 'uploads' ->> 'contract' as "fileId"
    from applications a join enterprises e on e.id = a.enterprise_id
    where e.credit_code = ${creditCode(0)} and a.state = 'under_review'
    order by a.application_number limit 1`;
  const [counts] = await sql<{ applications: number; items: number }[]>`
    select (select count(*)::int from applications) as applications,
           (select count(*)::int from correction_items where closed_at is null) as items`;
  return { ...big!, ...counts! };
}

/** Logs in through the form and returns the session cookie. */
async function logIn(base: string, loginId: string): Promise<string> {
  const form = await fetch(base + paths.login.enterprise);
  const cookie = sessionCookie(form);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const res = await fetch(base + paths.login.enterprise, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, loginId, password: PASSWORD }).toString(),
  });
  if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
  return sessionCookie(res);
}

function sessionCookie(res: Response): string {
  const set = res.headers.getSetCookie();
  if (set.length === 0) throw new Error('no session cookie');
  return set.map((c) => c.split(';')[0]).join('; ');
}

async function measure(url: string, cookie: string) {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < REQUESTS + 3; i++) {
    const started = performance.now();
    const res = await fetch(url, { headers: { cookie }, redirect: 'manual' });
    const body = await res.arrayBuffer();
    const elapsed = performance.now() - started;
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    if (i >= 3) times.push(elapsed);
    bytes = body.byteLength;
  }
  return { times, bytes };
}

const ms = (x: number) => `${x.toFixed(1)} ms`;

await main();
