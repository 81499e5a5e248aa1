// The authority's pages at the size the province reaches (issue 14): 100,000 open applications
// spread over states, kinds, professions, officers and 1,000 enterprises, beside 1,000,000 closed
// ones (five years of them, so about 50,000 decided in the last 90 days). Each page's reading, as
// its route does it (lib/authority: the queue's first page, a filtered page, page 50 by keyset, a
// search by ID number and by enterprise name, the dashboard, the audit search), is timed against
// the same answer read bare: the leanest SQL through postgres.js in the same run, taking turns.
// Then one more run of each side under auto_explain gives each statement's EXPLAIN (ANALYZE,
// BUFFERS) for docs/PERFORMANCE.md.
//
// BENCH_DATA_DIR keeps the built database between runs (it is built when missing), BENCH_ROUNDS
// sets the timed runs a side (31), BENCH_OPEN and BENCH_CLOSED the size.
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import type { QueueFilter } from '../lib/authority/index.js';
import {
  auditEntries,
  DASHBOARD_STATES,
  dashboardOf,
  normaliseSearch,
  queueForm,
  queuePage,
  readAuditForm,
  resolveAuditSearch,
} from '../lib/authority/index.js';
import { loadCalendar, seedCalendar } from '../lib/calendar/index.js';
import type { Sql } from '../lib/platform/index.js';
import { createSql, migrate, startEmbeddedDb } from '../lib/platform/index.js';
import { PROFESSIONS, professions } from '../lib/reference/index.js';
import { AUTHORITY_STATES, kindNames } from '../lib/workflow/index.js';
import { freePort } from '../test/support/server-process.js';
import { writeSection } from './report.js';
import { creditCode, median, millis, NO_PASSWORD, thousands } from './support.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 31);
const OPEN = Number(process.env.BENCH_OPEN ?? 100_000);
const CLOSED = Number(process.env.BENCH_CLOSED ?? 1_000_000);
const ENTERPRISES = 1_000;
const OFFICERS = 20;
/** Persons: each open application is a different person's; the closed ones are spread over all. */
const PERSONS = Math.max(OPEN, 500_000);
/** The closed applications ended over five years up to today, newest first. */
const CLOSED_SPAN_DAYS = 5 * 365;
const DATABASE = 'bench_authority';

/** A Wednesday morning, the officers at work. */
const TODAY = '2026-12-02';
const NOW = new Date(`${TODAY}T10:00:00+08:00`);
const PUBLISH_SCHEDULE = '0 9 * * *';

const PROFESSION_NAMES: Record<string, string> = Object.fromEntries(
  PROFESSIONS.map((p) => [p, professions[p].name]),
);

const CITIES = ['南京', '无锡', '徐州', '常州', '苏州', '南通', '连云港', '淮安', '盐城', '扬州'];
const WORDS = ['华建', '宁远', '苏科', '锡建', '金陵', '江海', '恒信', '中天', '东方', '瑞达'];
const TRADES = ['建设工程', '建筑设计研究院', '工程造价咨询', '建筑安装工程', '市政工程'];

/** The standard path of a closed application's events: its version, and days after its start. */
const STEPS = `(values
  (0, 'start', 'person', null, 'draft', 0),
  (1, 'confirm', 'person', 'draft', 'awaiting_enterprise', 1),
  (2, 'enterprise_confirm', 'enterprise', 'awaiting_enterprise', 'awaiting_signed_form', 2),
  (3, 'submit', 'enterprise', 'awaiting_signed_form', 'submitted', 3))
  as s (v, action, role, from_state, to_state, off)`;

// ---- the data ----

/**
 * Everything set-based, in one transaction with the triggers off (session_replication_role
 * replica: the data is consistent by construction, and the event check at commit would cost a
 * million look-ups): 1,000 enterprises in ten cities, 20 officers and an admin, 500,000 persons,
 * 100,000 open applications (a third 待受理, 40% 审核中, 15% 待材料补正, 15% 准予待公告; initial,
 * renewal, additional, personal change and out-of-province entries; four professions unevenly;
 * most assigned to an officer; deadlines from three weeks overdue to four weeks ahead, a few in a
 * year without a schedule) and 1,000,000 closed ones over five years (completed, refused, not
 * accepted, withdrawn, expired), each with its events (a sixth of the reviewed ones stopped by a
 * correction request and resumed), its written decision, and the sign-ins of the year as audit
 * rows.
 */
async function buildData(sql: Sql): Promise<void> {
  const codes = Array.from({ length: ENTERPRISES }, (_, i) => creditCode(i + 1));
  const names = Array.from(
    { length: ENTERPRISES },
    (_, i) =>
      `${CITIES[i % CITIES.length]}${WORDS[Math.floor(i / CITIES.length) % WORDS.length]}` +
      `${TRADES[Math.floor(i / 100) % TRADES.length]}${i >= 500 ? '股份' : ''}有限公司（${i + 1}）`,
  );
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx`
      create temporary table officers on commit drop as
      select i, gen_random_uuid() as account_id,
             (array['周敏','顾晓东','陈立','王静','李强','张华','刘洋','徐丽','孙杰','朱红'])[i % 10 + 1]
               || case when i >= 10 then '二' else '' end as name
      from generate_series(0, ${OFFICERS}) i`;
    await tx`
      insert into accounts (id, kind, login_id, display_name, password_hash, created_at)
      select account_id, 'staff', 'shenhe' || lpad(i::text, 2, '0'), name, ${NO_PASSWORD}, '2020-01-01'
      from officers`;
    await tx`
      insert into staff (account_id, name, role)
      select account_id, name, case when i = ${OFFICERS} then 'admin' else 'officer' end
      from officers`;
    await tx`
      create temporary table ents on commit drop as
      select (i - 1)::int as i, gen_random_uuid() as id, gen_random_uuid() as account_id,
             code as credit_code, name
      from unnest(${codes}::text[], ${names}::text[]) with ordinality as c (code, name, i)`;
    await tx`
      insert into accounts (id, kind, login_id, display_name, password_hash, created_at)
      select account_id, 'enterprise', credit_code, name, ${NO_PASSWORD}, '2020-01-01' from ents`;
    await tx`
      insert into enterprises (id, account_id, credit_code, name, district_code,
        legal_representative, address, contact_name, contact_phone, information_completed_at)
      select id, account_id, credit_code, name, '320102', '王建国', '南京市玄武区中山路' || i || '号',
             '李红', '025-84000000', '2020-01-01' from ents`;
    await tx`
      create temporary table people on commit drop as
      select n, gen_random_uuid() as account_id, gen_random_uuid() as person_id,
             '3201' || lpad(n::text, 14, '0') as id_number,
             (array['王','李','张','刘','陈','杨','赵','黄','周','吴','徐','孙','胡','朱','高',
                    '林','何','郭','马','罗'])[n % 20 + 1]
               || (array['建国','晓明','丽华','志强','秀英','海涛','静','磊','雪梅','伟','佳怡',
                         '浩','婷','俊','晓燕','骏','雯','峰','斌','雪'])[n / 20 % 20 + 1]
               || (array['','','一','子','文','思','天','宇','嘉','若'])[n / 400 % 10 + 1]
               as name
      from generate_series(1, ${PERSONS}) n`;
    await tx`
      insert into accounts (id, kind, login_id, display_name, password_hash, real_name_level,
                            created_at)
      select account_id, 'person', id_number, name, ${NO_PASSWORD}, 4, '2020-01-01' from people`;
    await tx`
      insert into persons (id, account_id, id_number, name, phone, education)
      select person_id, account_id, id_number, name, '139' || lpad(n::text, 8, '0'), '本科'
      from people`;

    // Every application: open ones first (o = true), then the closed, newest first.
    await tx`
      create temporary table apps on commit drop as
      select x.*,
             'SQ' || to_char(x.started at time zone 'Asia/Shanghai', 'YYYYMMDD')
               || lpad(x.i::text, 7, '0') as number
      from (
        select i, true as o, gen_random_uuid() as id, i as n,
               abs(hashint4(i * 3 + 1)::bigint) % ${ENTERPRISES} as e,
               case when i % 20 < 6 or i % 10 = 9 then 'submitted' when i % 20 < 14 then 'under_review'
                    when i % 20 < 17 then 'correction_requested' else 'approved' end as state,
               case when i % 10 < 5 then 'initial' when i % 10 < 7 then 'renewal'
                    when i % 10 < 8 then 'additional' when i % 10 < 9 then 'personal_change'
                    else 'out_of_province_qualification' end as kind,
               (${PROFESSIONS}::text[])[case when abs(hashint4(i)::bigint) % 20 < 10 then 1
                 when abs(hashint4(i)::bigint) % 20 < 15 then 2 when abs(hashint4(i)::bigint) % 20 < 18 then 3
                 else 4 end] as profession,
               -- arrival: the last 30 days for what waits to be accepted, 3 to 30 days before
               -- acceptance for the others, accepted in the last four weeks
               ${NOW}::timestamptz - make_interval(days => 35 + i % 5, mins => i % 600) as started,
               i % 28 as accepted_days_ago,
               null::text as alt
        from generate_series(1, ${OPEN}) i
        union all
        select ${OPEN} + j, false, gen_random_uuid(), 1 + (j * 7) % ${PERSONS},
               abs(hashint4(j * 3 + 2)::bigint) % ${ENTERPRISES},
               case when j % 20 < 14 then 'completed' when j % 20 < 16 then 'refused'
                    when j % 20 < 17 then 'not_accepted' when j % 20 < 19 then 'withdrawn'
                    else 'expired' end,
               case when j % 20 < 17 then
                      (array['initial','initial','initial','initial','renewal','renewal',
                             'renewal','additional','personal_change','out_of_province_qualification'])
                        [j / 20 % 10 + 1]
                    else 'initial' end,
               (${PROFESSIONS}::text[])[case when abs(hashint4(j)::bigint) % 20 < 10 then 1
                 when abs(hashint4(j)::bigint) % 20 < 15 then 2 when abs(hashint4(j)::bigint) % 20 < 18 then 3
                 else 4 end],
               -- it ended (days 25 to 30 after its start) on a day of the last five years
               ${NOW}::timestamptz
                 - make_interval(days => 30, secs => (j::float8 * ${CLOSED_SPAN_DAYS} * 86400 / ${CLOSED})),
               null, null
        from generate_series(1, ${CLOSED}) j) x`;
    // The path each one took: its events after submission, as (version, action, role, from, to, day).
    await tx`
      create temporary table steps on commit drop as
      select a.id, s.v, s.action, s.role, s.from_state, s.to_state,
             a.started + make_interval(days => s.day, mins => 60 + a.i % 400) as at
      from apps a cross join lateral (
        select * from (values
          -- accepted (open: some days ago; closed: day 5)
          (4, 'accept', 'officer', 'submitted', 'under_review',
             case when a.o then 38 - a.accepted_days_ago else 5 end,
             a.state in ('under_review', 'correction_requested', 'approved', 'completed', 'refused')
               and a.kind <> 'out_of_province_qualification'),
          (4, 'not_accept', 'officer', 'submitted', 'not_accepted', 5, a.state = 'not_accepted'),
          (4, 'withdraw', 'person', 'submitted', 'withdrawn', 4, a.state = 'withdrawn'),
          -- a sixth of the reviewed stopped by a correction request, resumed 4 days later
          (5, 'request_correction', 'officer', 'under_review', 'correction_requested',
             case when a.o then 39 - a.accepted_days_ago else 8 end,
             a.state = 'correction_requested'
               or (a.kind <> 'out_of_province_qualification' and a.i % 6 = 0
                   and a.state in ('completed', 'refused', 'approved'))),
          (6, 'corrections_complete', 'person', 'correction_requested', 'under_review',
             case when a.o then 39 - a.accepted_days_ago else 12 end,
             a.state <> 'correction_requested' and a.kind <> 'out_of_province_qualification'
               and a.i % 6 = 0 and a.state in ('completed', 'refused', 'approved')),
          (7, 'approve', 'officer', 'under_review', 'approved',
             case when a.o then 39 - a.accepted_days_ago + 2 else 22 end,
             a.state in ('approved', 'completed') and a.kind <> 'out_of_province_qualification'),
          (7, 'refuse', 'officer', 'under_review', 'refused', 22, a.state = 'refused'),
          (8, 'complete', 'system', 'approved', 'completed', 24,
             a.state = 'completed' and a.kind <> 'out_of_province_qualification'),
          (7, 'approve', 'officer', 'submitted', 'completed', 8,
             a.state = 'completed' and a.kind = 'out_of_province_qualification'),
          (4, 'expire', 'system', 'draft', 'expired', 30, a.state = 'expired'))
          as s (v, action, role, from_state, to_state, day, applies)
        where s.applies) s`;
    // Versions in order: the steps taken, numbered after submission (3).
    await tx`
      create temporary table events on commit drop as
      select a.id, s.v, s.action, s.role, s.from_state, s.to_state,
             a.started + make_interval(days => s.off, mins => a.i % 60) as at
      from apps a join ${tx.unsafe(STEPS)} on a.state <> 'expired' or s.v = 0
      union all
      select id, 3 + row_number() over (partition by id order by at, v), action, role,
             from_state, to_state, at
      from steps`;
    await tx`
      create temporary table lasts on commit drop as
      select id, max(v) as version, max(at) as at, min(at) filter (where v = 3) as submitted_at
      from events group by id`;
    await tx`create index on lasts (id)`;
    await tx`
      insert into applications (id, application_number, kind, profession, person_id,
        enterprise_id, handed_to_enterprise_id, state, version, draft, snapshot,
        snapshot_version, snapshot_hash, started_at, state_changed_at, submitted_at,
        assigned_officer_id, deadline, deadline_provisional, enterprise_confirmation)
      select a.id, a.number, a.kind, a.profession, pp.person_id, en.id, en.id, a.state,
             l.version, '{}',
             jsonb_build_object(
               'applicationNumber', a.number, 'kind', a.kind,
               'kindName', ${tx.json(kindNames)} ->> a.kind, 'profession', a.profession,
               'professionName', ${tx.json(PROFESSION_NAMES)} ->> a.profession,
               'person', jsonb_build_object('name', pp.name, 'idNumber', pp.id_number,
                 'phone', '139' || lpad(pp.n::text, 8, '0'), 'education', '本科'),
               'enterprise', jsonb_build_object('name', en.name, 'creditCode', en.credit_code),
               'specialties', '["建筑工程"]'::jsonb,
               'employment', jsonb_build_object('position', '项目负责人',
                 'contractFrom', '2024-01-01', 'contractUntil', '2029-12-31'),
               'qualification', jsonb_build_object(
                 'certificateNumber', 'ZG' || lpad(a.i::text, 10, '0'), 'passYear', 2012 + a.i % 10)),
             1, md5(a.id::text), a.started,
             l.at,
             l.submitted_at,
             case when a.o and (a.state <> 'submitted' or a.i % 2 = 0)
                  then (select account_id from officers where i = a.i % ${OFFICERS})
                  when not a.o and a.state not in ('withdrawn', 'expired')
                  then (select account_id from officers where i = a.i % ${OFFICERS}) end,
             d.deadline, case when d.deadline is not null then d.deadline >= '2027-12-01' end,
             '{}'::jsonb
      from apps a join lasts l on l.id = a.id join people pp on pp.n = a.n
        join ents en on en.i = a.e
        cross join lateral (
          select case when a.o and a.state in ('under_review', 'correction_requested', 'approved')
                        and a.kind in ('initial', 'renewal', 'additional', 'personal_change')
                      then case when a.i % 500 = 7 then date '2027-12-20' + a.i % 30
                                else ${TODAY}::date - 21 + (28 - a.accepted_days_ago) * 3 / 2 end
                 end as deadline) d`;
    await tx`
      insert into application_events (application_id, version, action, actor_role,
        actor_account_id, from_state, to_state, occurred_at)
      select ev.id, ev.v, ev.action, ev.role,
             case ev.role when 'person' then pp.account_id when 'enterprise' then en.account_id
               when 'officer' then (select account_id from officers where i = a.i % ${OFFICERS}) end,
             ev.from_state, ev.to_state, ev.at
      from events ev join apps a on a.id = ev.id join people pp on pp.n = a.n
        join ents en on en.i = a.e`;
    // The open requests of those waiting for corrections: an item for the person, a third also one
    // for the enterprise.
    await tx`
      create temporary table requests on commit drop as
      select a.id as application_id, gen_random_uuid() as request_id, a.i, ev.at
      from apps a join events ev on ev.id = a.id and ev.action = 'request_correction'`;
    await tx`
      insert into correction_requests (id, application_id, opened_by_account_id, opened_at,
        reply_by, reply_by_provisional, before_acceptance)
      select r.request_id, r.application_id,
             (select account_id from officers where i = r.i % ${OFFICERS}), r.at,
             ((r.at at time zone 'Asia/Shanghai')::date + 28), false, false
      from requests r`;
    await tx`
      insert into correction_items (application_id, request_id, addressed_to, what, why,
        blocks_review, opened_at, closed_at)
      select r.application_id, r.request_id, t.addressed_to, t.what, '扫描件不清晰', true, r.at,
             case when a.state <> 'correction_requested' then r.at + interval '4 days' end
      from requests r join apps a on a.id = r.application_id
        cross join lateral (values ('person', '劳动合同'), ('enterprise', '申请表')) as t (addressed_to, what)
      where t.addressed_to = 'person' or r.i % 3 = 0`;
    await tx`
      insert into decisions (application_id, kind, number, decided_at, officer_account_id, facts)
      select ev.id, case ev.action when 'approve' then 'approval' when 'refuse' then 'refusal'
                      else 'not_accepted' end,
             '苏建注决〔' || to_char(ev.at, 'YYYY') || '〕' || a.i, ev.at,
             (select account_id from officers where i = a.i % ${OFFICERS}), '{}'
      from events ev join apps a on a.id = ev.id
      where ev.action in ('approve', 'refuse', 'not_accept')`;
    // The year's sign-ins: each person who filed in it, the enterprises and the officers daily.
    await tx`
      insert into audit_events (occurred_at, actor_account_id, action, subject_type, subject_id)
      select ev.at - interval '10 minutes', pp.account_id, 'login', 'account', pp.account_id::text
      from events ev join apps a on a.id = ev.id join people pp on pp.n = a.n
      where ev.action = 'start' and ev.at > ${NOW}::timestamptz - interval '1 year'
      union all
      select ${NOW}::timestamptz - make_interval(days => d, hours => o.i % 8), o.account_id, 'login',
             'account', o.account_id::text
      from officers o cross join generate_series(1, 365) d`;
  });
}

// ---- the cases ----

type Case = {
  name: string;
  title: string;
  /** What the page's route reads (lib/authority), with its calendar read as the route reads it. */
  ours: () => Promise<unknown>;
  /** The leanest SQL giving the same answer. */
  bare: () => Promise<unknown>;
  /** The same answer from both, compared once before timing. */
  same: (ours: unknown, bare: unknown) => string | undefined;
};

type QueueAnswer = Awaited<ReturnType<typeof queuePage>>;

const queueIds = (answer: unknown) => (answer as QueueAnswer).rows.map((r) => r.id);

/**
 * The queue's page bare: the rows in the queue's order after a cursor, with what the page shows of
 * each (person, enterprise, officer, the open items' parties and reply date), and the count.
 */
function bareQueue(
  sql: Sql,
  where: (db: Sql) => ReturnType<Sql['unsafe']>,
  cursor?: { due: string; at: string; id: string },
) {
  return async () => {
    const due = sql`coalesce(a.deadline, (a.submitted_at at time zone 'Asia/Shanghai')::date)`;
    const [rows, [count]] = await Promise.all([
      sql`
        select a.id, a.application_number, a.kind, a.profession, a.state, p.name as person,
               e.name as enterprise, a.submitted_at, a.deadline, a.deadline_provisional,
               s.name as officer, a.assigned_officer_id,
               array(select distinct c.addressed_to from correction_items c
                     where c.application_id = a.id and c.blocks_review and c.closed_at is null)
                 as waiting,
               (select min(r.reply_by) from correction_requests r
                where r.application_id = a.id
                  and exists (select 1 from correction_items c
                              where c.request_id = r.id and c.blocks_review
                                and c.closed_at is null)) as reply_by
        from applications a left join persons p on p.id = a.person_id
          left join enterprises e on e.id = a.enterprise_id
          left join staff s on s.account_id = a.assigned_officer_id
        where ${where(sql)}
          ${cursor ? sql`and (${due}, a.submitted_at, a.id) > (${cursor.due}::date, ${cursor.at}::timestamptz, ${cursor.id}::uuid)` : sql``}
        order by ${due}, a.submitted_at, a.id
        limit 26`,
      sql`select count(*)::int as n from applications a where ${where(sql)}`,
    ]);
    return { rows: rows.slice(0, 25), total: (count as { n: number }).n };
  };
}

/** The queue's states (全部待办); the dashboard counts approvals waiting for the announcement too. */
const QUEUE_STATES: string[] = [...AUTHORITY_STATES];
const OPEN_STATES: string[] = [...DASHBOARD_STATES];

function sameQueue(ours: unknown, bare: unknown): string | undefined {
  const o = ours as QueueAnswer;
  const b = bare as { rows: { id: string }[]; total: number };
  const [oi, bi] = [queueIds(o), b.rows.map((r) => r.id)];
  const at = oi.findIndex((id, i) => id !== bi[i]);
  if (at >= 0 || oi.length !== bi.length) {
    return `rows differ from row ${at} (${oi.length} / ${bi.length}): ${oi[at]} / ${bi[at]}`;
  }
  if (o.total !== b.total) return `totals differ: ${o.total} / ${b.total}`;
  return o.rows.length === 0 ? 'no rows' : undefined;
}

async function casesFor(sql: Sql): Promise<Case[]> {
  const [officer] = await sql<{ id: string }[]>`
    select account_id as id from staff where role = 'officer' order by name limit 1`;
  const viewer = { accountId: officer!.id };
  const calendarOf = () => loadCalendar(sql);
  const queue = (filter: Partial<QueueFilter>) => async () =>
    queuePage(sql, await calendarOf(), queueForm.parse(filter), viewer, NOW);

  // Page 50: the cursor after page 49, walked once through the queue itself.
  let after: string | undefined;
  const calendar = await calendarOf();
  for (let page = 1; page < 50; page++) {
    const answer = await queuePage(sql, calendar, queueForm.parse({ after }), viewer, NOW);
    after = answer.next ?? undefined;
  }
  const cursor = JSON.parse(Buffer.from(after!, 'base64url').toString()) as {
    due: string;
    at: string;
    id: string;
  };

  // A person with an open application, searched by ID number as an officer types it.
  const [person] = await sql<{ idNumber: string }[]>`
    select p.id_number as "idNumber" from applications a join persons p on p.id = a.person_id
    where a.state = 'under_review' order by a.application_number limit 1 offset ${Math.floor(OPEN / 80)}`;
  const enterpriseWord = '苏州恒信';

  const dashboard = async () =>
    dashboardOf(sql, await calendarOf(), NOW, { publishSchedule: PUBLISH_SCHEDULE });

  const audit = (query: Record<string, string>) => async () => {
    const { form } = readAuditForm(query);
    const resolved = await resolveAuditSearch(sql, form);
    if (!('search' in resolved)) throw new Error(JSON.stringify(resolved.problems));
    return auditEntries(sql, resolved.search);
  };
  const [login] = await sql<{ loginId: string }[]>`
    select login_id as "loginId" from accounts where id = ${officer!.id}`;

  const filtered = { tab: 'under_review', profession: 'architect', officer: officer!.id } as const;
  return [
    {
      name: 'queue-first',
      title: "queue's first page (全部待办)",
      ours: queue({}),
      bare: bareQueue(sql, (db) => db`a.state in ${db(QUEUE_STATES)}`),
      same: sameQueue,
    },
    {
      name: 'queue-filtered',
      title: 'a filtered page (审核中, 建筑师, one officer)',
      ours: queue(filtered),
      bare: bareQueue(
        sql,
        (db) =>
          db`a.state = 'under_review' and a.profession = 'architect' and a.assigned_officer_id = ${officer!.id}`,
      ),
      same: sameQueue,
    },
    {
      name: 'queue-page-50',
      title: 'page 50 by keyset',
      ours: queue({ after }),
      bare: bareQueue(sql, (db) => db`a.state in ${db(QUEUE_STATES)}`, cursor),
      same: sameQueue,
    },
    {
      name: 'queue-id-number',
      title: 'search by ID number',
      ours: queue({ q: person!.idNumber }),
      bare: bareQueue(
        sql,
        (db) =>
          db`a.state in ${db(QUEUE_STATES)}
             and a.person_id = any(array(select id from persons where id_number = ${person!.idNumber}))`,
      ),
      same: sameQueue,
    },
    {
      name: 'queue-enterprise',
      title: `search by enterprise name (“${enterpriseWord}”)`,
      ours: queue({ q: enterpriseWord }),
      bare: bareQueue(
        sql,
        (db) =>
          db`a.state in ${db(QUEUE_STATES)}
             and (a.person_id = any(array(select id from persons where name collate "C" >= ${enterpriseWord} and name collate "C" < ${`${enterpriseWord}\u{10FFFF}`}))
               or a.enterprise_id = any(array(select id from enterprises where strpos(name, ${normaliseSearch(enterpriseWord)}) > 0)))`,
      ),
      same: sameQueue,
    },
    {
      name: 'dashboard',
      title: 'the dashboard',
      ours: dashboard,
      bare: bareDashboard(sql),
      same: (o: unknown, b: unknown) =>
        sameDashboard(o as Awaited<ReturnType<typeof dashboardOf>>, b as BareDashboard),
    },
    {
      name: 'audit-all',
      title: 'audit search, everything, newest first',
      ours: audit({}),
      bare: bareAudit(sql, {}),
      same: sameAudit,
    },
    {
      name: 'audit-actor',
      title: 'audit search by one officer (user name) and a month',
      ours: audit({ account: login!.loginId, from: '2026-10-01', to: '2026-10-31' }),
      bare: bareAudit(sql, { actor: officer!.id, from: '2026-10-01', to: '2026-11-01' }),
      same: sameAudit,
    },
    {
      name: 'audit-action',
      title: 'audit search by kind of event (不予注册)',
      ours: audit({ action: 'refuse' }),
      bare: bareAudit(sql, { action: 'refuse' }),
      same: sameAudit,
    },
  ];
}

// ---- the dashboard and the audit search, bare ----

type BareDashboard = {
  open: number;
  due: number;
  overdue: number;
  durations: string;
  weeks: number;
};

/**
 * The dashboard's figures bare: the open applications grouped, the clocks that ended in the 90
 * days with their working days (the calendar's ordinals as the page passes them), the decisions
 * by week. The calendar itself (deadline statuses) is read in JS on both sides.
 */
function bareDashboard(sql: Sql) {
  return async (): Promise<BareDashboard> => {
    const [groups, due, durations, weeks] = await Promise.all([
      sql<{ state: string; deadline: string | null; n: number }[]>`
        select state, kind, profession, deadline::text as deadline, deadline_provisional,
               count(*)::int as n
        from applications where state in ${sql(OPEN_STATES)}
        group by state, kind, profession, deadline, deadline_provisional`,
      // The approvals the next run (tomorrow 09:00) comes too late for, the first 20.
      sql`
        select a.id, a.application_number, a.kind, a.profession, p.name, a.deadline
        from applications a left join persons p on p.id = a.person_id
        where a.state = 'approved' and a.kind in ('initial', 'additional')
          and a.deadline < '2026-12-03'::date
        order by a.deadline, a.application_number limit 20`,
      sql<{ kind: string; n: number; average: number; p90: number; over: number }[]>`
        select kind, count(*)::int as n, round(avg(working_days), 1)::float8 as average,
               (percentile_disc(0.9) within group (order by working_days))::int as p90,
               count(*) filter (where working_days >
                 case when kind in ('initial', 'additional') then 20 else 10 end)::int as over
        from clock_ends
        where ended_at >= ${new Date(`2026-09-04T00:00:00+08:00`)} and ended_at <= ${NOW}
        group by kind`,
      sql<{ n: number }[]>`
        select date_trunc('week', decided_at at time zone 'Asia/Shanghai') as week, kind,
               count(*)::int as n
        from decisions
        where decided_at >= ${new Date('2026-09-14T00:00:00+08:00')} and decided_at <= ${NOW}
        group by 1, 2`,
    ]);
    return {
      open: groups.reduce((s, g) => s + g.n, 0),
      due: due.length,
      overdue: groups
        .filter((g) => g.state === 'under_review' && g.deadline !== null && g.deadline < TODAY)
        .reduce((s, g) => s + g.n, 0),
      durations: durations
        .map((d) => `${d.kind}:${d.n}:${d.average}:${d.p90}:${d.over}`)
        .sort()
        .join(),
      weeks: weeks.reduce((s, w) => s + w.n, 0),
    };
  };
}

function sameDashboard(
  o: Awaited<ReturnType<typeof dashboardOf>>,
  b: BareDashboard,
): string | undefined {
  const ours = {
    open: o.open.total,
    due: o.publication.applications.length,
    overdue: o.deadlines.totals.overdue,
    durations: o.durations.rows
      .filter((r) => r.count > 0)
      .map((r) => `${r.kind}:${r.count}:${r.average}:${r.p90}:${r.overPromise}`)
      .sort()
      .join(),
    weeks: o.weeks.reduce((s, w) => s + w.total, 0),
  };
  return JSON.stringify(ours) === JSON.stringify(b)
    ? undefined
    : `figures differ: ${JSON.stringify(ours)} / ${JSON.stringify(b)}`;
}

/** The audit list bare: both tables newest first, a page each, merged, with the names. */
function bareAudit(
  sql: Sql,
  search: { actor?: string; action?: string; from?: string; to?: string },
) {
  return async () => {
    const conditions = sql`
      ${search.actor ? sql`and coalesce(t.actor_account_id, '00000000-0000-0000-0000-000000000000'::uuid) = ${search.actor}::uuid` : sql``}
      ${search.action ? sql`and t.action = ${search.action}` : sql``}
      ${search.from ? sql`and t.occurred_at >= ${new Date(`${search.from}T00:00:00+08:00`)}` : sql``}
      ${search.to ? sql`and t.occurred_at < ${new Date(`${search.to}T00:00:00+08:00`)}` : sql``}`;
    const workflow = sql`
      select 0 as src, t.id, t.occurred_at, t.action, t.actor_account_id, t.from_state,
             t.to_state, t.reason, null::text as subject_id, null::jsonb as detail,
             t.application_id
      from application_events t where true ${conditions}
      order by t.occurred_at desc, t.id desc limit 51`;
    const audit = sql`
      select 1 as src, t.id, t.occurred_at, t.action, t.actor_account_id, null, null, null,
             t.subject_id, t.detail, null::uuid
      from audit_events t where true ${conditions}
      order by t.occurred_at desc, t.id desc limit 51`;
    const union = search.action ? workflow : sql`(${workflow}) union all (${audit})`;
    const rows = await sql<{ id: string }[]>`
      select u.src, u.id::text as id, u.occurred_at, u.action, u.from_state, u.to_state,
             u.reason, u.detail, coalesce(s.name, p.name, en.name, ac.display_name) as actor,
             ap.application_number, ap.kind, ap.profession
      from (select * from (${union}) m order by m.occurred_at desc, m.src desc, m.id desc limit 51) u
        left join accounts ac on ac.id = u.actor_account_id
        left join staff s on s.account_id = u.actor_account_id
        left join persons p on p.account_id = u.actor_account_id
        left join enterprises en on en.account_id = u.actor_account_id
        left join applications ap on ap.id = u.application_id
      order by u.occurred_at desc, u.src desc, u.id desc`;
    return rows.slice(0, 50);
  };
}

function sameAudit(ours: unknown, bare: unknown): string | undefined {
  const o = (ours as Awaited<ReturnType<typeof auditEntries>>).entries.map((e) => e.id).join();
  const b = (bare as { id: string }[]).map((r) => r.id).join();
  if (o.length === 0) return 'no rows';
  return o === b ? undefined : `rows differ: ${o.slice(0, 80)} / ${b.slice(0, 80)}`;
}

// ---- timing ----

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)]!;

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

type Result = { c: Case; ours: number[]; bare: number[] };

async function measure(cases: Case[]): Promise<Result[]> {
  const results: Result[] = [];
  for (const c of cases) {
    const problem = c.same(await c.ours(), await c.bare());
    if (problem) throw new Error(`${c.name}: ${problem}`);
    // Warm both (plans cached by the driver's prepared statements, pages in shared buffers).
    for (let i = 0; i < 3; i++) {
      await c.ours();
      await c.bare();
    }
    const ours: number[] = [];
    const bare: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 2 === 0) {
        ours.push(await timed(c.ours));
        bare.push(await timed(c.bare));
      } else {
        bare.push(await timed(c.bare));
        ours.push(await timed(c.ours));
      }
    }
    console.log(
      `${c.name}: ours ${millis(median(ours))} (p95 ${millis(percentile(ours, 0.95))}), ` +
        `bare ${millis(median(bare))}, ratio ${(median(ours) / median(bare)).toFixed(2)}`,
    );
    results.push({ c, ours, bare });
  }
  return results;
}

// ---- the plans ----

const AUTO_EXPLAIN: [string, string][] = [
  ['session_preload_libraries', 'auto_explain'],
  ['auto_explain.log_min_duration', '0'],
  ['auto_explain.log_analyze', 'on'],
  ['auto_explain.log_buffers', 'on'],
  ['auto_explain.log_timing', 'on'],
  ['auto_explain.log_format', 'text'],
  ['auto_explain.log_level', 'notice'],
];

/** Each statement ours runs for a case, with its plan as EXPLAIN (ANALYZE, BUFFERS) prints it. */
async function plansOf(
  url: string,
  make: (sql: Sql) => Promise<Case[]>,
): Promise<Map<string, string[]>> {
  const notices: string[] = [];
  const sql = postgres(url, {
    max: 4,
    onnotice: (n) => notices.push(String(n.message)),
    connection: { TimeZone: 'Asia/Shanghai', application_name: 'jiangsu-registration' },
  }) as unknown as Sql;
  const plans = new Map<string, string[]>();
  try {
    const cases = await make(sql);
    for (const c of cases) {
      await c.ours(); // warm
      notices.length = 0;
      await c.ours();
      plans.set(
        c.name,
        notices
          .filter((m) => m.startsWith('duration:'))
          .filter((m) => !/Query Text: (select b\.oid|select 1$)/m.test(m))
          .map((m) => m.trim()),
      );
    }
  } finally {
    await sql.end();
  }
  return plans;
}

// ---- main ----

async function main() {
  const keep = process.env.BENCH_DATA_DIR;
  const dataDir = keep ?? (await mkdtemp(path.join(os.tmpdir(), 'jsreg-bench-authority-')));
  await mkdir(dataDir, { recursive: true });
  await chmod(dataDir, 0o755); // as root, PostgreSQL runs as 'postgres' and must reach it
  const built = path.join(dataDir, 'built');
  const embedded = await startEmbeddedDb({
    dataDir,
    port: freePort(),
    database: DATABASE,
    log: () => undefined,
  });
  const admin = postgres(embedded.adminUrl, { max: 1, onnotice: () => {} });
  try {
    let buildSeconds: number | null = null;
    const setup = createSql(embedded.url, { max: 1, statementTimeoutMs: 3_600_000 });
    if (!existsSync(built)) {
      const started = performance.now();
      await migrate(setup);
      await seedCalendar(setup, NOW);
      await buildData(setup);
      await setup`vacuum (analyze)`;
      buildSeconds = (performance.now() - started) / 1000;
      await writeFile(built, `${buildSeconds.toFixed(0)}\n`);
    } else {
      // A migration added since the build applies to it; what it rewrote is vacuumed, as
      // autovacuum would have by the time an officer reads it.
      await migrate(setup);
      await setup`vacuum (analyze)`;
    }
    const [sizes] = await setup<
      {
        open: number;
        closed: number;
        events: number;
        audit: number;
        decided90: number;
        byState: string;
        size: string;
      }[]
    >`
      select
        (select count(*)::int from applications
         where state in ('submitted', 'under_review', 'correction_requested', 'approved')) as open,
        (select count(*)::int from applications
         where state not in ('submitted', 'under_review', 'correction_requested', 'approved'))
          as closed,
        (select count(*)::int from application_events) as events,
        (select count(*)::int from audit_events) as audit,
        (select count(*)::int from decisions where decided_at > ${NOW}::timestamptz - interval '90 days')
          as decided90,
        (select string_agg(state || ' ' || n, ', ' order by n desc) from (
           select state, count(*) as n from applications
           where state in ('submitted', 'under_review', 'correction_requested', 'approved')
           group by state) x) as "byState",
        pg_size_pretty(pg_database_size(current_database())) as size`;
    await setup.end();
    const s = sizes!;
    console.log(
      `data${buildSeconds ? ` built in ${buildSeconds.toFixed(0)} s` : ' kept'}: ${JSON.stringify(s)}`,
    );

    // The app's pool, as createSql makes it for the server.
    const sql = createSql(embedded.url, { max: 10, statementTimeoutMs: 60_000 });
    let results: Result[];
    try {
      results = await measure(await casesFor(sql));
    } finally {
      await sql.end();
    }

    for (const [setting, value] of AUTO_EXPLAIN) {
      await admin.unsafe(`alter database ${DATABASE} set ${setting} = '${value}'`);
    }
    let plans: Map<string, string[]>;
    try {
      plans = await plansOf(embedded.url, casesFor);
    } finally {
      for (const [setting] of AUTO_EXPLAIN) {
        await admin.unsafe(`alter database ${DATABASE} reset ${setting}`);
      }
    }

    const met = (ok: boolean) => (ok ? 'met' : '**not met**');
    const rows = results.map((r) => {
      const [o, b] = [median(r.ours), median(r.bare)];
      return (
        `| ${r.c.title} | ${millis(o)} | ${millis(percentile(r.ours, 0.95))} | ${millis(b)} | ` +
        `${(o / b).toFixed(2)} | ${met(o <= 100)}, ${met(o / b <= 2)} |`
      );
    });
    const planText = results
      .map((r) => {
        const statements = plans.get(r.c.name) ?? [];
        return `#### ${r.c.title}\n\n${statements.map((p) => `\`\`\`\n${p}\n\`\`\``).join('\n\n')}`;
      })
      .join('\n\n');
    const body = `
| page (what its route reads) | ours median | ours p95 | bare median | ours / bare | aim ≤ 100 ms, ≤ 2× |
|---|---|---|---|---|---|
${rows.join('\n')}

Median and 95th percentile of ${ROUNDS} runs a side, the sides taking turns, after a few warming
runs; one request at a time.

- **Ours**: what the page's route calls, in this process on the app's pool (\`createSql\`): the
  calendar (\`loadCalendar\`) and \`queuePage\`, \`dashboardOf\`, or \`readAuditForm\` +
  \`resolveAuditSearch\` + \`auditEntries\` (lib/authority), each giving the page's rows as the
  template reads them.
- **Bare**: the leanest SQL through postgres.js giving the same rows (each case checks once that
  both sides give the same ids, totals and figures): the queue's select and count with the filter
  written in; the dashboard's grouped reads and the approvals' list; the audit
  list's two limited scans merged, with the names joined.

Data${buildSeconds ? `, built set-based in ${buildSeconds.toFixed(0)} s` : ''} (${s.size}):
${thousands(ENTERPRISES)} enterprises, ${thousands(PERSONS)} persons, ${OFFICERS} officers;
${thousands(s.open)} open applications (${s.byState}; initial, renewal, additional, personal change, out-of-province entries; half constructors, a
quarter cost engineers, the rest architects and structural engineers), ${thousands(s.closed)}
closed ones over five years, ${thousands(s.decided90)} decisions in the last 90 days,
${thousands(s.events)} application events and ${thousands(s.audit)} audit rows. One embedded
PostgreSQL 18 with its default settings, sharing the machine's 2 cores with this process.

### What it found

The first run on this data (before migrations 018 and 019 and the queue's rewrite) gave, as
medians: the queue's first page 296 ms and page 50 217 ms (its count read 90,000 rows from the
heap: the left joins to persons and enterprises were removed from the count's plan but still kept
it off the index-only scan), the search by ID number 1,225 ms (an 18-digit number is also shaped
like a credit code, and the OR of a person's and an enterprise's column over the join was tested
row by row), by enterprise name 465 ms, and the dashboard 621 ms (its durations replayed the
events of the 47,000 applications whose clock ended in the 90 days: 0.9 s in its plan). Now:

- the queue's filter reads the application alone (the persons and enterprises a search names are
  looked up first, by index, and their applications found by theirs), so its count is an
  index-only scan; a search takes its page of ids first and joins the names to those 26 only;
- a person's name is found by its start through \`persons_name_prefix\` (migration 018);
- the transition that ends a clock stores the working days it counted (migration 019, with a
  backfill of the clocks that ended before it), and the durations are one index range.

The pages within the 100 ms but not within 2× of their bare query (the search by ID number and
the audit list, in the runs so far) take a few milliseconds, and the difference is a fixed cost the bare side does not pay, not a plan: the
queue's two calendar reads (one round trip since \`loadCalendar\` reads both at once) and its
day arithmetic per row beside a 1.3 ms bare read; the audit list's 22 columns a row (the actor's
kind and role, the correction item's name) parsed against the bare side's 12, about 45 µs a row,
so 1 row costs 1.4 ms and 50 cost 3.5 ms in a separate timing.

### The plans

Each statement ours runs for each page, from one more run under \`auto_explain\` (ANALYZE, BUFFERS,
timing; text format, as \`EXPLAIN (ANALYZE, BUFFERS)\` prints it).

${planText}`;
    await writeSection('authority', 'npm run bench:authority', body);
    console.log(rows.join('\n'));
  } finally {
    await admin.end();
    await embedded.stop();
    if (!keep) await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
