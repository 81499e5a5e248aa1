import type { Router } from 'express';
import { recordAudit } from '../../lib/platform/index.js';
import type { Services } from '../../lib/services/index.js';
import { settle } from '../callbacks.js';
import { SESSION_COOKIE } from '../middleware/session.js';
import { paths } from '../paths.js';

/** Logout: the session ends (its row deleted) and the cookie goes. */
export function logoutPage(router: Router, { sql, clock }: Services): void {
  router.post(paths.logout, async (req, res) => {
    const user = req.user;
    await settle((done) => req.logout(done));
    await settle((done) => req.session.destroy(done));
    if (user) {
      await recordAudit(sql, {
        at: clock.now(),
        actorAccountId: user.id,
        action: 'logout',
        subjectType: 'account',
        subjectId: user.id,
      });
    }
    res.clearCookie(SESSION_COOKIE);
    res.redirect(303, paths.home);
  });
}
