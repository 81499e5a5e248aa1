import { applicationOfPerson } from '../../lib/person/index.js';
import { trimmed } from '../../lib/platform/index.js';
import { actorOf, postedVersion, transition } from '../../lib/workflow/index.js';
import type { Pages } from '../area.js';
import { paths } from '../paths.js';

/** Withdraw (rule 10): a page that says what it means, then the withdrawal. */
export const withdrawPages: Pages = ({ pages }, services) => {
  pages.get(paths.me.withdraw.pattern, async (req, res) => {
    const detail = await applicationOfPerson(services.sql, req.user!.id, String(req.params.id));
    res.render('pages/me/withdraw', { title: '撤回申请', ...detail });
  });

  pages.post(paths.me.withdraw.pattern, async (req, res) => {
    await transition(services, {
      applicationId: String(req.params.id),
      action: 'withdraw',
      actor: actorOf(req.user!),
      expectedVersion: postedVersion(trimmed(req.body).version),
    });
    res.redirect(303, `${paths.me.applications}?withdrawn=1`);
  });
};
