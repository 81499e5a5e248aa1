import type { ApplicationFilter } from '../../lib/enterprise/index.js';
import {
  APPLICATION_FILTERS,
  applicationsOfEnterprise,
  toDoOf,
} from '../../lib/enterprise/index.js';
import type { Pages } from '../area.js';
import { pageParam } from '../area.js';
import { paths, withQuery } from '../paths.js';

/** The applications that name the enterprise, narrowed to what waits for it, paged. */
export const applicationsPage: Pages = ({ pages }, { sql }) => {
  pages.get(paths.org.applications, async (req, res) => {
    const enterprise = res.locals.enterprise!;
    const state = typeof req.query.state === 'string' ? req.query.state : '';
    const filter = (APPLICATION_FILTERS as readonly string[]).includes(state)
      ? (state as ApplicationFilter)
      : 'all';
    const filterHref = (state: ApplicationFilter) =>
      withQuery(paths.org.applications, { state: state === 'all' ? undefined : state });
    const pageHref = (page: number) =>
      withQuery(paths.org.applications, {
        state: filter === 'all' ? undefined : filter,
        page: page > 1 ? String(page) : undefined,
      });
    const list = await applicationsOfEnterprise(sql, enterprise.id, {
      filter,
      page: pageParam(req.query),
    });
    // Past the last page (the list got shorter): back to the first.
    if (list.rows.length === 0 && list.page > 1) return res.redirect(303, pageHref(1));
    res.render('pages/org/applications', {
      title: '员工申请',
      list,
      filter,
      toDo: await toDoOf(sql, enterprise.id),
      filterHref,
      pageHref,
    });
  });
};
