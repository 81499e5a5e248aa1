import request from 'supertest';
import type { Agent, Response } from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { QueueRow } from '../../lib/authority/index.js';
import {
  csvField,
  EXPORT_BATCH,
  exportQueue,
  queueForm,
  queuePage,
} from '../../lib/authority/index.js';
import { loadCalendar } from '../../lib/calendar/index.js';
import { DEMO_PASSWORD } from '../../lib/demo/index.js';
import { paths, withQuery } from '../../routes/paths.js';
import { integrationSuite, logInAs, signInNewPerson } from '../support/app.js';
import { createEnterprise, createPerson, insertApplication, NOW } from '../support/fixtures.js';

// The queue's audited export (issue 14, item 4): the queue page's filter as a CSV file Excel
// opens (UTF-8 with a byte order mark), every page of it, streamed, CSV-escaped with formulas
// neutralised, and each export in the audit trail (who, when, which filter, how many rows).

const suite = integrationSuite({ clock: NOW });
const sql = () => suite.t.db.sql;

/** A CSV file (RFC 4180: quoted fields, doubled quotes, CRLF) as rows of fields. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field, 'the file ends with a line break').toBe('');
  expect(row).toEqual([]);
  return rows;
}

/** The response's bytes as they came. */
function bytes(res: Response): Buffer {
  return res.body as Buffer;
}

async function download(agent: Agent, query: Record<string, string>) {
  const res = await agent
    .get(withQuery(paths.authority.queueExport, query))
    .buffer(true)
    .parse((response, done) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => done(null, Buffer.concat(chunks)));
    });
  return res;
}

async function signedIn(loginId: string): Promise<Agent> {
  const agent = request.agent(suite.t.app);
  const res = await logInAs(agent, paths.login.staff, loginId, DEMO_PASSWORD);
  expect(res.status).toBe(303);
  return agent;
}

const HEADER = [
  '申请编号',
  '申请类型',
  '注册类别',
  '申请人',
  '企业',
  '状态',
  '提交日期',
  '法定期限',
  '暂定',
  '承办人',
  '下一步',
];

/** Every row of the queue for a query, as the queue page reads them, page after page. */
async function queueRows(query: Record<string, string>, viewer: string): Promise<QueueRow[]> {
  const calendar = await loadCalendar(sql());
  const rows: QueueRow[] = [];
  let after: string | undefined;
  do {
    const page = await queuePage(
      sql(),
      calendar,
      queueForm.parse({ ...query, after }),
      { accountId: viewer },
      suite.t.clock.now(),
    );
    rows.push(...page.rows);
    after = page.next ?? undefined;
  } while (after);
  return rows;
}

let officer: string; // 周敏 (shenhe01)
let officerName: string;
const ENTERPRISE = '导出测试建设有限公司';
const TRICKY_NAME = '韩"雪,梅\n第二行';
const FORMULA_ENTERPRISE = '=HYPERLINK("http://example.com","点击")';
let tricky: string;
let formula: string;
let many: number;

beforeAll(async () => {
  const [row] = await sql()<{ id: string; name: string }[]>`
    select a.id, s.name from accounts a join staff s on s.account_id = a.id
    where a.login_id = 'shenhe01'`;
  officer = row!.id;
  officerName = row!.name;
  // One application whose person's name has a quote, a comma and a line break, under review
  // with a provisional deadline and an officer; one whose enterprise's name is a formula.
  const person = await createPerson(sql(), NOW, { name: TRICKY_NAME });
  const enterprise = await createEnterprise(sql(), NOW, { name: `${ENTERPRISE}（一）` });
  const trickyId = await insertApplication(sql(), NOW, {
    kind: 'initial',
    state: 'under_review',
    profession: 'constructor',
    personId: person.personId,
    enterpriseId: enterprise.enterpriseId,
  });
  await sql()`
    update applications set application_number = 'SQ2026112580001',
           submitted_at = '2026-11-02T09:00:00+08:00', deadline = '2026-12-01',
           deadline_provisional = true, assigned_officer_id = ${officer}
    where id = ${trickyId}`;
  tricky = 'SQ2026112580001';
  const person2 = await createPerson(sql(), NOW, { name: '+86 13912345678' });
  const formulaEnterprise = await createEnterprise(sql(), NOW, { name: FORMULA_ENTERPRISE });
  const formulaId = await insertApplication(sql(), NOW, {
    kind: 'renewal',
    state: 'submitted',
    profession: 'cost_engineer',
    personId: person2.personId,
    enterpriseId: formulaEnterprise.enterpriseId,
  });
  await sql()`
    update applications set application_number = 'SQ2026112580002',
           submitted_at = '2026-11-20T15:30:00+08:00'
    where id = ${formulaId}`;
  formula = 'SQ2026112580002';
  // More applications than one batch of the export, all with one enterprise, set-based.
  many = EXPORT_BATCH + 37;
  await sql().begin(async (tx) => {
    await tx`
      with a as (
        insert into accounts (kind, login_id, display_name, password_hash, real_name_level, created_at)
        select 'person', '3201021990' || lpad(g::text, 8, '0'), '批量' || g,
               '$argon2id$fixture-not-a-hash', 4, ${NOW}
        from generate_series(1, ${many}) g
        returning id, login_id, display_name
      )
      insert into persons (account_id, id_number, name)
      select id, login_id, display_name from a`;
    await tx`
      with p as (
        select id, row_number() over (order by id_number) as n from persons
        where id_number like '3201021990%' and name like '批量%'
      ), moved as (
        insert into applications (application_number, kind, profession, person_id, enterprise_id,
          handed_to_enterprise_id, state, version, snapshot, snapshot_version, snapshot_hash,
          started_at, state_changed_at, submitted_at)
        select 'SQ20261125' || lpad((90000 + p.n)::text, 6, '0'), 'initial', 'architect', p.id,
               ${enterprise.enterpriseId}, ${enterprise.enterpriseId}, 'submitted', 1, '{}', 1,
               'fixture', ${NOW}, ${NOW},
               ${NOW}::timestamptz - p.n * interval '1 minute'
        from p
        returning id
      )
      insert into application_events (application_id, version, action, actor_role, to_state, occurred_at)
      select id, 1, 'fixture', 'system', 'submitted', ${NOW} from moved`;
  });
});

describe('the queue export', () => {
  it('is a UTF-8 CSV with a byte order mark, downloaded under a Chinese name', async () => {
    const res = await download(await signedIn('shenhe01'), { q: ENTERPRISE });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    const disposition = res.headers['content-disposition'] as string;
    expect(disposition).toMatch(/^attachment; filename="queue-export\.csv"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1]!)).toBe(
      '审核队列-全部待办-2026-11-25.csv',
    );
    expect(disposition).toMatch(/^[\x20-\x7e]+$/);
    const body = bytes(res);
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(body.subarray(3).toString('utf8'));
    expect(rows[0]).toEqual(HEADER);
  });

  it('holds every row of the queue for the filter, all pages, as the queue lists them', async () => {
    const agent = await signedIn('shenhe01');
    for (const query of [
      { q: ENTERPRISE },
      {},
      { tab: 'submitted', profession: 'architect' },
      { officer: 'me' },
      { provisional: 'yes', kind: 'initial' },
      { tab: 'decided_today' },
    ] as Record<string, string>[]) {
      const rows = parseCsv(
        bytes(await download(agent, query))
          .subarray(3)
          .toString('utf8'),
      );
      const expected = await queueRows(query, officer);
      expect(
        rows.slice(1).map((r) => r[0]),
        JSON.stringify(query),
      ).toEqual(expected.map((r) => r.applicationNumber));
      expect(rows.slice(1).every((r) => r.length === HEADER.length)).toBe(true);
    }
    const all = parseCsv(
      bytes(await download(agent, { q: ENTERPRISE }))
        .subarray(3)
        .toString('utf8'),
    );
    // The batch boundary crossed: the enterprise's applications and the tricky one.
    expect(all).toHaveLength(1 + many + 1);
  });

  it('writes each column as an officer reads it, and a quote, comma or line break round-trips', async () => {
    const rows = parseCsv(
      bytes(await download(await signedIn('shenhe01'), { q: ENTERPRISE }))
        .subarray(3)
        .toString('utf8'),
    );
    const row = rows.find((r) => r[0] === tricky)!;
    expect(row).toEqual([
      tricky,
      '初始注册',
      '二级注册建造师',
      TRICKY_NAME,
      `${ENTERPRISE}（一）`,
      '审核中',
      '2026-11-02',
      '2026-12-01',
      '是',
      officerName,
      '审核人员',
    ]);
    const first = rows.find((r) => r[0] === 'SQ20261125090001')!;
    expect(first).toEqual([
      'SQ20261125090001',
      '初始注册',
      '二级注册建筑师',
      '批量1',
      `${ENTERPRISE}（一）`,
      '待受理',
      '2026-11-25',
      '',
      '',
      '未分配',
      '审核人员',
    ]);
  });

  it('neutralises what a spreadsheet would run as a formula', async () => {
    const rows = parseCsv(
      bytes(await download(await signedIn('shenhe01'), { q: formula }))
        .subarray(3)
        .toString('utf8'),
    );
    expect(rows).toHaveLength(2);
    expect(rows[1]![3]).toBe("'+86 13912345678");
    expect(rows[1]![4]).toBe(`'${FORMULA_ENTERPRISE}`);
    expect(rows[1]!.slice(0, 3)).toEqual([formula, '延续注册', '二级注册造价工程师']);
    for (const value of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1']) {
      expect(csvField(value)).toBe(`"'${value.replaceAll('"', '""')}"`);
    }
    expect(csvField('a"b')).toBe('"a""b"');
    expect(csvField('1-1')).toBe('"1-1"');
  });

  it('records every export: who, when, which filter and how many rows, shown in the audit search', async () => {
    suite.t.clock.set('2026-11-25T14:05:00+08:00');
    const res = await download(await signedIn('shenhe01'), {
      q: ENTERPRISE,
      officer: 'me',
      after: 'ignored',
    });
    const rows = parseCsv(bytes(res).subarray(3).toString('utf8'));
    expect(rows).toHaveLength(2); // only the tricky one is 周敏's
    const [audit] = await sql()<
      { actor: string; at: Date; subjectType: string; detail: Record<string, unknown> }[]
    >`
      select actor_account_id as actor, occurred_at as at, subject_type as "subjectType", detail
      from audit_events where action = 'queue.exported' order by id desc limit 1`;
    expect(audit!.actor).toBe(officer);
    expect(audit!.at.toISOString()).toBe('2026-11-25T06:05:00.000Z');
    expect(audit!.subjectType).toBe('queue');
    expect(audit!.detail).toEqual({
      filter: { tab: 'all', q: ENTERPRISE, officer },
      rows: 1,
    });

    const admin = await signedIn('guanli01');
    const page = await admin.get(
      withQuery(paths.authority.audit, { action: 'queue.exported', from: '2026-11-25' }),
    );
    expect(page.status).toBe(200);
    const first = /<li class="item" data-testid="audit-row"[\s\S]*?<\/li>/.exec(page.text)![0];
    expect(first).toContain('<strong>导出审核队列</strong>');
    expect(first).toContain(`${officerName}（审核员，shenhe01）`);
    expect(first).toContain('2026/11/25 14:05');
    expect(first).toContain(`说明：1行；筛选：全部待办，承办人${officerName}，搜索“${ENTERPRISE}”`);
    suite.t.clock.set(NOW);
  });

  it('records an export the client broke off, with the rows it was given', async () => {
    const calendar = await loadCalendar(sql());
    let parts = 0;
    const result = await exportQueue(sql(), {
      calendar,
      filter: queueForm.parse({ q: ENTERPRISE }),
      viewer: { accountId: officer },
      clock: suite.t.clock,
      write: () => Promise.resolve(++parts < 2),
    });
    expect(result.rows).toBe(EXPORT_BATCH);
    const [audit] = await sql()<{ detail: Record<string, unknown> }[]>`
      select detail from audit_events where action = 'queue.exported' order by id desc limit 1`;
    expect(audit!.detail).toEqual({
      filter: { tab: 'all', q: ENTERPRISE },
      rows: EXPORT_BATCH,
      complete: false,
    });
  });

  it('is for staff: officers and admins export, others are refused', async () => {
    expect((await download(await signedIn('guanli01'), { tab: 'submitted' })).status).toBe(200);
    const anonymous = await request(suite.t.app).get(paths.authority.queueExport);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toBe(paths.login.staff);
    const { agent } = await signInNewPerson(suite.t);
    expect((await agent.get(paths.authority.queueExport)).status).toBe(403);
  });

  it('takes a tampered filter as the queue page does, never a 500', async () => {
    const res = await download(await signedIn('shenhe01'), {
      tab: 'nonsense',
      profession: "'; drop table applications; --",
      officer: 'not-an-id',
      q: 'x'.repeat(500),
    });
    expect(res.status).toBe(200);
    expect(parseCsv(bytes(res).subarray(3).toString('utf8'))[0]).toEqual(HEADER);
  });
});
