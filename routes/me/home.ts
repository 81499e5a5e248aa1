import { dashboardOf } from '../../lib/person/index.js';
import type { Notification } from '../../lib/workflow/index.js';
import { markNotificationsRead } from '../../lib/workflow/index.js';
import type { Pages } from '../area.js';
import { paths, withQuery } from '../paths.js';

/** The person's home: profile gaps, qualifications, registrations, open applications, news. */
export const homePage: Pages = ({ pages }, { sql, clock }) => {
  pages.post(paths.me.notificationsRead.pattern, async (req, res) => {
    await markNotificationsRead(sql, req.user!.id, String(req.params.id), clock.now());
    res.redirect(303, `${paths.me.home}#notifications-heading`);
  });

  pages.get(paths.me.home, async (req, res) => {
    const dashboard = await dashboardOf(sql, req.user!.id, clock.now());
    res.render('pages/me/home', {
      title: '个人中心',
      ...dashboard,
      // A reminder about a registration in force leads to its renewal; one that ended, to applying.
      renewalHref: (n: Notification) =>
        n.registrationInForce && n.registrationProfession
          ? withQuery(paths.me.applyProfession, {
              kind: 'renewal',
              profession: n.registrationProfession,
            })
          : paths.me.apply,
    });
  });
};
