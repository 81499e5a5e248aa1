import { z } from 'zod';
import type { Db } from '../platform/index.js';
import { businessDate } from '../platform/index.js';
import type { Profession } from '../reference/index.js';
import { PROFESSIONS, professions } from '../reference/index.js';
import { kindNames } from '../workflow/index.js';
import { announcementNumber, announcementSlug } from './publish.js';

/**
 * The public announcements (/announcements): newest first, by profession and year, and each one's
 * entries as copied at publication. Nothing here is personal beyond what an announcement states:
 * name, profession, specialties, enterprise and registration number (DESIGN.md §5a).
 */

export const ANNOUNCEMENTS_PAGE_SIZE = 20;
export const ENTRIES_PAGE_SIZE = 100;

export type AnnouncementSummary = {
  number: string;
  /** Its address part, e.g. 2026-12. */
  slug: string;
  year: number;
  profession: Profession;
  professionName: string;
  /** The business date it was published (Asia/Shanghai). */
  publishedOn: string;
  publishedAt: Date;
  entryCount: number;
};

export type AnnouncementEntry = {
  position: number;
  kind: 'initial' | 'additional';
  kindName: string;
  personName: string;
  professionName: string;
  specialties: string[];
  enterpriseName: string;
  registrationNumber: string;
  approvedOn: string;
};

/** The list's filters as the query string gives them; anything else is no filter. */
export const announcementFilters = z.object({
  profession: z.enum(PROFESSIONS).optional().catch(undefined),
  year: z.coerce.number().int().min(2000).max(2100).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});
export type AnnouncementFilters = z.infer<typeof announcementFilters>;

type Row = {
  year: number;
  seq: number;
  profession: Profession;
  publishedAt: Date;
  entryCount: number;
};

function summaryOf(row: Row): AnnouncementSummary {
  return {
    number: announcementNumber(row.year, row.seq),
    slug: announcementSlug(row.year, row.seq),
    year: row.year,
    profession: row.profession,
    professionName: professions[row.profession].name,
    publishedOn: businessDate(row.publishedAt),
    publishedAt: row.publishedAt,
    entryCount: row.entryCount,
  };
}

export type AnnouncementList = {
  rows: AnnouncementSummary[];
  total: number;
  page: number;
  pages: number;
  /** The years with announcements, newest first, for the filter. */
  years: number[];
};

export async function listAnnouncements(
  db: Db,
  filters: AnnouncementFilters,
): Promise<AnnouncementList> {
  const where = db`where true
    ${filters.profession ? db`and profession = ${filters.profession}` : db``}
    ${filters.year ? db`and year = ${filters.year}` : db``}`;
  const [rows, [count], years] = await Promise.all([
    db<Row[]>`
      select year, seq, profession, published_at as "publishedAt", entry_count as "entryCount"
      from announcements ${where}
      order by published_at desc, seq desc
      limit ${ANNOUNCEMENTS_PAGE_SIZE} offset ${(filters.page - 1) * ANNOUNCEMENTS_PAGE_SIZE}`,
    db<{ total: number }[]>`select count(*)::int as total from announcements ${where}`,
    db<{ year: number }[]>`select distinct year from announcements order by year desc`,
  ]);
  const total = count?.total ?? 0;
  return {
    rows: rows.map(summaryOf),
    total,
    page: filters.page,
    pages: Math.max(1, Math.ceil(total / ANNOUNCEMENTS_PAGE_SIZE)),
    years: years.map((y) => y.year),
  };
}

export type AnnouncementPage = AnnouncementSummary & {
  entries: AnnouncementEntry[];
  page: number;
  pages: number;
};

/**
 * One announcement by its address part (2026-12) or its full number (苏建注公告〔2026〕第12号),
 * with a page of its entries; none when there is no such announcement.
 */
export async function announcementOf(
  db: Db,
  key: string,
  page = 1,
): Promise<AnnouncementPage | undefined> {
  const match =
    /^(\d{4})-(\d{1,6})$/.exec(key.trim()) ??
    /^苏建注公告〔(\d{4})〕第(\d{1,6})号$/.exec(key.trim());
  if (!match) return undefined;
  const [head] = await db<(Row & { id: string })[]>`
    select id, year, seq, profession, published_at as "publishedAt", entry_count as "entryCount"
    from announcements where year = ${Number(match[1])} and seq = ${Number(match[2])}`;
  if (!head) return undefined;
  const pages = Math.max(1, Math.ceil(head.entryCount / ENTRIES_PAGE_SIZE));
  const current = Math.min(Math.max(1, Math.floor(page) || 1), pages);
  const entries = await db<Omit<AnnouncementEntry, 'kindName' | 'professionName'>[]>`
    select position, kind, person_name as "personName", specialties,
           enterprise_name as "enterpriseName", registration_number as "registrationNumber",
           to_char(approved_on, 'YYYY-MM-DD') as "approvedOn"
    from announcement_entries where announcement_id = ${head.id}
      and position > ${(current - 1) * ENTRIES_PAGE_SIZE}
    order by position limit ${ENTRIES_PAGE_SIZE}`;
  const summary = summaryOf(head);
  return {
    ...summary,
    entries: entries.map((e) => ({
      ...e,
      kindName: kindNames[e.kind],
      professionName: summary.professionName,
    })),
    page: current,
    pages,
  };
}

/**
 * The announcement that listed an application, for its parties' pages: only a completed initial
 * or additional registration has one, so no other application costs a query.
 */
export async function announcementListing(
  db: Db,
  application: { id: string; kind: string; state: string },
): Promise<{ number: string; slug: string; publishedOn: string } | undefined> {
  const announced =
    application.state === 'completed' && ['initial', 'additional'].includes(application.kind);
  return announced ? announcementOfApplication(db, application.id) : undefined;
}

/** The announcement that listed an application; none before it. */
export async function announcementOfApplication(
  db: Db,
  applicationId: string,
): Promise<{ number: string; slug: string; publishedOn: string } | undefined> {
  const [row] = await db<{ year: number; seq: number; publishedAt: Date }[]>`
    select n.year, n.seq, n.published_at as "publishedAt"
    from announcement_entries e join announcements n on n.id = e.announcement_id
    where e.application_id = ${applicationId}`;
  if (!row) return undefined;
  return {
    number: announcementNumber(row.year, row.seq),
    slug: announcementSlug(row.year, row.seq),
    publishedOn: businessDate(row.publishedAt),
  };
}
