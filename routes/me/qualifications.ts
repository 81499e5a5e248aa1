import { startApplication } from '../../lib/filing/index.js';
import { applicationsOf, dashboardOf } from '../../lib/person/index.js';
import { NotFoundError, noErrors, trimmed } from '../../lib/platform/index.js';
import type { Pages } from '../area.js';
import { paths } from '../paths.js';

/** The person's qualifications, and the out-of-province entry (rule 14) started from there. */
export const qualificationPages: Pages = ({ pages }, services) => {
  const { sql, clock } = services;
  pages.get(paths.me.qualifications, async (req, res) => {
    const dashboard = await dashboardOf(sql, req.user!.id, clock.now());
    const entries = (await applicationsOf(sql, dashboard.person.personId, 'all')).filter(
      (a) => a.kind === 'out_of_province_qualification',
    );
    res.render('pages/me/qualifications', {
      title: '我的资格',
      ...dashboard,
      entries,
      errors: noErrors,
    });
  });

  pages.post(paths.me.outOfProvince, async (req, res) => {
    const { profession } = trimmed(req.body);
    if (profession !== 'architect' && profession !== 'structural_engineer') {
      throw new NotFoundError();
    }
    const app = await startApplication(services, req.user!.id, {
      kind: 'out_of_province_qualification',
      profession,
    });
    res.redirect(303, paths.me.step(app.id, 'out-of-province'));
  });
};
