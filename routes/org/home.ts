import { businessDate } from '../../lib/platform/index.js';
import { openItemsOfEnterprise, renameStatusOf, toDoOf } from '../../lib/enterprise/index.js';
import { markNotificationsRead, notificationsOf } from '../../lib/workflow/index.js';
import type { Pages } from '../area.js';
import { paths } from '../paths.js';

/** The enterprise's home: its to-do list, open correction items, rename, notifications. */
export const homePage: Pages = ({ pages }, { sql, clock }) => {
  pages.post(paths.org.notificationsRead.pattern, async (req, res) => {
    await markNotificationsRead(sql, req.user!.id, String(req.params.id), clock.now());
    res.redirect(303, `${paths.org.home}#notifications-heading`);
  });

  pages.get(paths.org.home, async (req, res) => {
    const enterprise = res.locals.enterprise!;
    res.render('pages/org/home', {
      title: '企业中心',
      enterprise,
      toDo: await toDoOf(sql, enterprise.id),
      openItems: await openItemsOfEnterprise(sql, enterprise.id),
      rename: await renameStatusOf(sql, enterprise.id),
      notifications: await notificationsOf(sql, req.user!.id),
      today: businessDate(clock.now()),
      saved: req.query.saved,
    });
  });
};
