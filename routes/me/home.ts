import { dashboardOf } from '../../lib/person/index.js';
import type { Pages } from '../area.js';
import { paths } from '../paths.js';

/** The person's home: profile gaps, qualifications, registrations, open applications, news. */
export const homePage: Pages = ({ pages }, { sql, clock }) => {
  pages.get(paths.me.home, async (req, res) => {
    const dashboard = await dashboardOf(sql, req.user!.id, clock.now());
    res.render('pages/me/home', { title: '个人中心', ...dashboard });
  });
};
