import type { Router } from 'express';
import {
  officersOf,
  QUEUE_TABS,
  queueForm,
  queuePage,
  queueSearch,
  queueTabNames,
} from '../../lib/authority/index.js';
import { loadCalendar } from '../../lib/calendar/index.js';
import { PROFESSIONS, professions } from '../../lib/reference/index.js';
import type { Services } from '../../lib/services/index.js';
import { APPLICATION_KINDS, kindNames } from '../../lib/workflow/index.js';
import { paths, withQuery } from '../paths.js';

/**
 * The officers' queue (/authority): tabs by state and today's decisions, filters, a search box
 * that forgives full-width characters and spaces, and keyset pages ("next" carries the last row).
 */
export function queuePageRoute(router: Router, { sql, clock }: Services): void {
  router.get(paths.authority.home, async (req, res) => {
    const filter = queueForm.parse(req.query);
    const [page, officers] = await Promise.all([
      queuePage(sql, await loadCalendar(sql), filter, { accountId: req.user!.id }, clock.now()),
      officersOf(sql),
    ]);
    // The filter without its page, for the tabs, the next page and the first page.
    const kept = {
      profession: filter.profession,
      kind: filter.kind,
      officer: filter.officer,
      provisional: filter.provisional,
      q: filter.q,
    };
    res.render('pages/authority/queue', {
      title: '审核工作台',
      searchLimit: queueSearch.limits.q,
      filter,
      page,
      tabs: [...QUEUE_TABS, 'decided_today' as const].map((tab) => ({
        tab,
        name: queueTabNames[tab],
        href: withQuery(paths.authority.home, { ...kept, tab: tab === 'all' ? undefined : tab }),
        current: filter.tab === tab,
      })),
      nextHref: page.next
        ? withQuery(paths.authority.home, { ...kept, tab: filter.tab, after: page.next })
        : null,
      // The same filter as a CSV download (routes/authority/export.ts), every page of it.
      exportHref: withQuery(paths.authority.queueExport, { ...kept, tab: filter.tab }),
      firstHref: filter.after
        ? withQuery(paths.authority.home, { ...kept, tab: filter.tab })
        : null,
      professionOptions: PROFESSIONS.map((p) => ({ value: p, label: professions[p].name })),
      kindOptions: APPLICATION_KINDS.filter((k) => k !== 'cancellation').map((k) => ({
        value: k,
        label: kindNames[k],
      })),
      officerOptions: [
        { value: 'me', label: '我承办的' },
        { value: 'none', label: '未分配' },
        ...officers.map((o) => ({ value: o.accountId, label: o.name })),
      ],
    });
  });
}
