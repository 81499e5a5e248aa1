import type { Sql } from '../platform/index.js';
import { addDays, businessDate } from '../platform/index.js';
import type { FileStore } from './store.js';

/** Days an application that expired unconfirmed keeps its files (rule 4: the record stays). */
export const PURGE_AFTER_DAYS = 30;

/** The uuid pattern, to read only file ids out of an application's JSON. */
const UUID = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

/**
 * The file ids application `x` refers to (SQL over `x`): its materials, the photo of a change
 * and the person's photo in its draft or snapshot, its signed scan, what was supplied for its
 * correction items.
 */
const FILES_OF = (x: string) => `(
  select value from jsonb_each_text(coalesce(${x}.draft -> 'uploads', '{}'))
  union select value from jsonb_each_text(coalesce(${x}.snapshot -> 'uploads', '{}'))
  union select ${x}.draft -> 'change' ->> 'photoFileId'
  union select ${x}.snapshot -> 'change' ->> 'photoFileId'
  union select ${x}.snapshot -> 'person' ->> 'photoFileId'
  union select ${x}.signed_form_file_id::text
  union select c.supplied ->> 'fileId' from correction_items c where c.application_id = ${x}.id)`;

/**
 * The purge (daily): the files of applications that expired unconfirmed more than 30 days ago
 * are purged, set-based. A file another of the person's applications or their profile still refers
 * to is kept (only the person's own applications can refer to their files, lib/files/records.ts);
 * a purged file keeps its row, marked, and its bytes leave the store only when no row still holding
 * them shares their sha256 (photos and scans are shared by content). Returns what it did.
 */
export async function purgeExpiredFiles(
  sql: Sql,
  store: FileStore,
  at: Date,
): Promise<{ applications: number; files: number; contents: number }> {
  const cutoff = addDays(businessDate(at), -PURGE_AFTER_DAYS);
  const [marked] = await sql<{ applications: number; files: number; contents: string[] }[]>`
    with due as (
      select a.id, a.person_id from applications a
      where a.state = 'expired' and a.files_purged_at is null
        and (a.state_changed_at at time zone 'Asia/Shanghai')::date < ${cutoff}::date
      for update
    ), refs as (
      select distinct due.person_id, f.value::uuid as file_id
      from due join applications a on a.id = due.id
        cross join lateral ${sql.unsafe(FILES_OF('a'))} as f (value)
      where f.value ~ ${UUID}
    ), purgeable as (
      select r.file_id from refs r
      where not exists (
          select 1 from persons p where p.id = r.person_id and p.photo_file_id = r.file_id)
        and not exists (
          select 1 from applications o
          where o.person_id = r.person_id and o.id not in (select id from due)
            and exists (select 1 from ${sql.unsafe(FILES_OF('o'))} as g (value)
                        where g.value = r.file_id::text))
    ), purged as (
      update files f set purged_at = ${at}
      from purgeable p where f.id = p.file_id and f.purged_at is null
      returning f.sha256
    ), done as (
      update applications set files_purged_at = ${at} where id in (select id from due)
      returning id
    )
    select (select count(*) from done)::int as applications,
           (select count(*) from purged)::int as files,
           coalesce((select array_agg(distinct sha256) from purged), '{}') as contents`;
  const { applications, files, contents } = marked!;
  const deleted = await deleteUnheldContents(sql, store, contents);
  return { applications, files, contents: deleted };
}

/**
 * Deletes from the store the contents no row holds any more, under the lock storeFile takes: an
 * upload of the same bytes either committed its row first (and the bytes stay) or waits and
 * stores them again. Returns how many were deleted.
 */
async function deleteUnheldContents(
  sql: Sql,
  store: FileStore,
  contents: readonly string[],
): Promise<number> {
  if (contents.length === 0) return 0;
  return sql.begin(async (tx) => {
    // One statement takes every lock, in sorted order (as the array is), so two callers cannot
    // deadlock; storeFile takes the same lock on one content (lockContent).
    const sorted = [...contents].sort();
    await tx`
      select pg_advisory_xact_lock(hashtextextended(c, 0)) from unnest(${sorted}::text[]) as c`;
    const unheld = await tx<{ sha256: string }[]>`
      select c.sha256 from unnest(${sorted}::text[]) as c (sha256)
      where not exists (select 1 from files f where f.sha256 = c.sha256 and f.purged_at is null)`;
    for (const { sha256 } of unheld) await store.delete(sha256);
    return unheld.length;
  });
}
