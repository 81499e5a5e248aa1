import type { Clock, Sql, Tx } from '../platform/index.js';
import { businessDate, recordAudit } from '../platform/index.js';
import type { Profession } from '../reference/index.js';
import { PROFESSIONS, professions } from '../reference/index.js';
import type { WorkflowHooks } from '../workflow/index.js';
import { kindNames, transitionAllIn } from '../workflow/index.js';

/**
 * The announcement (公告) of approved initial and additional registrations (DESIGN.md §3 rule 5,
 * §5a): every approved application not yet announced is published in one run, one numbered
 * announcement per profession, and in the same transaction the registrations take effect and the
 * applications complete (their clock ends here). Set-based: a handful of statements however many
 * applications there are.
 */

/** e.g. 苏建注公告〔2026〕第12号 */
export function announcementNumber(year: number, seq: number): string {
  return `苏建注公告〔${year}〕第${seq}号`;
}

/** The announcement's address part: its year and number, e.g. 2026-12. */
export function announcementSlug(year: number, seq: number): string {
  return `${year}-${seq}`;
}

export type PublishOutcome = {
  /** The numbers published, one per profession that had approvals. */
  numbers: string[];
  entries: number;
};

export type PublishDeps = { sql: Sql; clock: Clock; hooks: WorkflowHooks };

export async function publishAnnouncements(deps: PublishDeps): Promise<PublishOutcome> {
  return deps.sql.begin((tx) => publishIn(tx, deps));
}

async function publishIn(tx: Tx, deps: PublishDeps): Promise<PublishOutcome> {
  const at = deps.clock.now();
  const year = Number(businessDate(at).slice(0, 4));
  // What is waiting, locked so that an instance running the job by hand meanwhile waits for this
  // one (and then finds nothing): the approved initial and additional registrations with theirs.
  const waiting = await tx<{ id: string; profession: Profession }[]>`
    select a.id, a.profession from applications a
    where a.state = 'approved' and a.kind in ('initial', 'additional')
      and a.registration_id is not null
    order by a.id
    for update`;
  if (waiting.length === 0) return { numbers: [], entries: 0 };
  const present = PROFESSIONS.filter((p) => waiting.some((w) => w.profession === p));
  // The year's numbers, without gaps: the counter row is locked until this run commits.
  const [counter] = await tx<{ last: number }[]>`
    insert into announcement_counters (year, last) values (${year}, ${present.length})
    on conflict (year) do update set last = announcement_counters.last + ${present.length}
    returning last`;
  const first = counter!.last - present.length + 1;
  const published = present.map((profession, i) => ({
    profession,
    seq: first + i,
    number: announcementNumber(year, first + i),
  }));
  const counts = new Map(present.map((p) => [p, waiting.filter((w) => w.profession === p).length]));
  const rows = await tx<{ id: string; profession: Profession }[]>`
    insert into announcements (year, seq, number, profession, published_at, entry_count)
    select ${year}, seq, number, profession, ${at}, count
    from unnest(${published.map((p) => p.seq)}::int[], ${published.map((p) => p.number)}::text[],
                ${present}::text[], ${present.map((p) => counts.get(p)!)}::int[])
         as p (seq, number, profession, count)
    returning id, profession`;
  // What each lists, copied as it stands now: in order of approval, then application number.
  await tx`
    insert into announcement_entries
      (announcement_id, position, application_id, registration_id, kind, person_name,
       specialties, enterprise_name, registration_number, approved_on)
    select n.id,
           row_number() over (partition by a.profession order by approved.at, a.application_number),
           a.id, r.id, a.kind, p.name,
           array(select jsonb_array_elements_text(coalesce(a.snapshot -> 'specialties', '[]'))),
           e.name, r.registration_number, (approved.at at time zone 'Asia/Shanghai')::date
    from applications a
      join unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.profession)}::text[])
           as n (id, profession) on n.profession = a.profession
      join persons p on p.id = a.person_id
      join enterprises e on e.id = a.enterprise_id
      join registrations r on r.id = a.registration_id
      cross join lateral (
        select coalesce(max(ev.occurred_at), a.state_changed_at) as at from application_events ev
        where ev.application_id = a.id and ev.action = 'approve') approved
    where a.id = any(${waiting.map((w) => w.id)}::uuid[])`;
  const numberOf = new Map(published.map((p) => [p.profession, p.number]));
  await transitionAllIn(tx, deps, {
    applicationIds: waiting.map((w) => w.id),
    action: 'complete',
    reasonOf: (app) => `已列入${numberOf.get(app.profession!)}`,
    whatOf: (app) =>
      `${professions[app.profession!].name}${kindNames[app.kind]}申请（${app.applicationNumber}）已在${numberOf.get(app.profession!)}中公告，注册自公告之日起生效`,
  });
  for (const p of published) {
    await recordAudit(tx, {
      at,
      actorAccountId: null,
      action: 'announcement.published',
      subjectType: 'announcement',
      subjectId: p.number,
      detail: { profession: p.profession, entries: counts.get(p.profession)! },
    });
  }
  return { numbers: published.map((p) => p.number), entries: waiting.length };
}
