import { employeeSearch, employeesOf } from '../../lib/enterprise/index.js';
import type { Pages } from '../area.js';
import { pageParam } from '../area.js';
import { paths, withQuery } from '../paths.js';

/** The persons registered at the enterprise: searched, narrowed to validity ending soon, paged. */
export const employeesPage: Pages = ({ pages }, { sql, clock }) => {
  pages.get(paths.org.employees, async (req, res) => {
    const enterprise = res.locals.enterprise!;
    const query = employeeSearch.read(req.query.q);
    const endingSoon = req.query.soon === '1';
    const pageHref = (page: number) =>
      withQuery(paths.org.employees, {
        q: query,
        soon: endingSoon ? '1' : undefined,
        page: page > 1 ? String(page) : undefined,
      });
    const list = await employeesOf(sql, enterprise.id, clock.now(), {
      query,
      endingSoon,
      page: pageParam(req.query),
    });
    // Past the last page (the list got shorter): back to the first.
    if (list.rows.length === 0 && list.page > 1) return res.redirect(303, pageHref(1));
    res.render('pages/org/employees', {
      title: '本单位注册人员',
      list,
      query,
      endingSoon,
      pageHref,
      limits: employeeSearch.limits,
    });
  });
};
