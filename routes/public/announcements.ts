import type { Request, RequestHandler, Response, Router } from 'express';
import type { AnnouncementPage, AnnouncementSummary } from '../../lib/announcements/index.js';
import {
  announcementFilters,
  announcementOf,
  listAnnouncements,
} from '../../lib/announcements/index.js';
import { NotFoundError } from '../../lib/platform/index.js';
import { PROFESSIONS, professions } from '../../lib/reference/index.js';
import type { Services } from '../../lib/services/index.js';
import { pageParam } from '../area.js';
import { paths, withQuery } from '../paths.js';

/** Whether the visitor asked for JSON (Accept: application/json) rather than the page. */
function wantsJson(req: Request, res: Response): boolean {
  res.vary('Accept');
  return req.accepts(['html', 'json']) === 'json';
}

/** An announcement as the JSON gives it: what it states, nothing of our own ids. */
const summaryJson = (a: AnnouncementSummary) => ({
  number: a.number,
  url: paths.announcement(a.slug),
  profession: a.profession,
  professionName: a.professionName,
  publishedOn: a.publishedOn,
  entryCount: a.entryCount,
});

const entriesJson = (a: AnnouncementPage) =>
  a.entries.map((e) => ({
    position: e.position,
    kind: e.kind,
    kindName: e.kindName,
    name: e.personName,
    profession: a.profession,
    specialties: e.specialties,
    enterpriseName: e.enterpriseName,
    registrationNumber: e.registrationNumber,
    approvedOn: e.approvedOn,
  }));

/**
 * The public announcements (公告, DESIGN.md §5a): the list, newest first, by profession and year,
 * and each announcement's entries; the same at the same URLs as JSON for Accept: application/json.
 */
export function announcementPages(router: Router, { sql }: Services, ifSession: RequestHandler) {
  router.get(paths.announcements, ifSession, async (req, res) => {
    const filters = announcementFilters.parse(req.query);
    const list = await listAnnouncements(sql, filters);
    if (wantsJson(req, res)) {
      return res.json({
        announcements: list.rows.map(summaryJson),
        page: list.page,
        pages: list.pages,
        total: list.total,
      });
    }
    const query = {
      profession: filters.profession,
      year: filters.year ? String(filters.year) : undefined,
    };
    res.render('pages/announcements', {
      title: '注册公告',
      list,
      filters: query,
      professionOptions: PROFESSIONS.map((p) => ({ value: p, label: professions[p].name })),
      yearOptions: list.years.map((y) => ({ value: String(y), label: `${y}年` })),
      pageHref: (page: number) =>
        withQuery(paths.announcements, {
          ...query,
          page: page > 1 ? String(page) : undefined,
        }),
    });
  });

  router.get(paths.announcement.pattern, ifSession, async (req, res) => {
    const key = String(req.params.key);
    const announcement = await announcementOf(sql, key, pageParam(req.query));
    if (!announcement) {
      if (wantsJson(req, res)) return res.status(404).json({ error: '没有这份公告。' });
      throw new NotFoundError();
    }
    if (wantsJson(req, res)) {
      return res.json({
        ...summaryJson(announcement),
        entries: entriesJson(announcement),
        page: announcement.page,
        pages: announcement.pages,
      });
    }
    // The full number in the address leads to the short one.
    if (key !== announcement.slug) {
      return res.redirect(301, paths.announcement(announcement.slug));
    }
    res.render('pages/announcement', {
      title: announcement.number,
      announcement,
      list: announcement,
      pageHref: (page: number) =>
        withQuery(paths.announcement(announcement.slug), {
          page: page > 1 ? String(page) : undefined,
        }),
    });
  });
}
