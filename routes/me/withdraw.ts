import { z } from 'zod';
import { applicationOfPerson } from '../../lib/person/index.js';
import { ConflictError } from '../../lib/platform/index.js';
import { actorOf, transition } from '../../lib/workflow/index.js';
import type { Pages } from '../area.js';
import { paths } from '../paths.js';

const withdrawForm = z.object({ version: z.coerce.number().int() });

/** Withdraw (rule 10): a page that says what it means, then the withdrawal. */
export const withdrawPages: Pages = ({ pages }, services) => {
  pages.get(paths.me.withdraw.pattern, async (req, res) => {
    const detail = await applicationOfPerson(services.sql, req.user!.id, String(req.params.id));
    res.render('pages/me/withdraw', { title: '撤回申请', ...detail });
  });

  pages.post(paths.me.withdraw.pattern, async (req, res) => {
    const parsed = withdrawForm.safeParse(req.body);
    if (!parsed.success) throw new ConflictError('页面已过期，请返回申请页面刷新后重试。');
    await transition(services, {
      applicationId: String(req.params.id),
      action: 'withdraw',
      actor: actorOf(req.user!),
      expectedVersion: parsed.data.version,
    });
    res.redirect(303, `${paths.me.applications}?withdrawn=1`);
  });
};
