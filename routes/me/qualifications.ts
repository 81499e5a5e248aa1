import { startApplication } from '../../lib/filing/index.js';
import { applicationsOf, dashboardOf } from '../../lib/person/index.js';
import { NotFoundError, noErrors, trimmed } from '../../lib/platform/index.js';
import type { Request, Response } from 'express';
import type { FormErrors } from '../../lib/platform/index.js';
import type { Pages } from '../area.js';
import { onRefusal, problemErrors } from '../middleware/refusals.js';
import { paths } from '../paths.js';

/** The person's qualifications, and the out-of-province entry (rule 14) started from there. */
export const qualificationPages: Pages = ({ pages }, services) => {
  const { sql, clock } = services;
  const render = async (req: Request, res: Response, errors: FormErrors) => {
    const dashboard = await dashboardOf(sql, req.user!.id, clock.now());
    const entries = (await applicationsOf(sql, dashboard.person.personId, 'all')).filter(
      (a) => a.kind === 'out_of_province_qualification',
    );
    res.render('pages/me/qualifications', { title: '我的资格', ...dashboard, entries, errors });
  };
  pages.get(paths.me.qualifications, (req, res) => render(req, res, noErrors));

  pages.post(paths.me.outOfProvince, async (req, res) => {
    const { profession } = trimmed(req.body);
    if (profession !== 'architect' && profession !== 'structural_engineer') {
      throw new NotFoundError();
    }
    onRefusal(req, res, (problems) => render(req, res, problemErrors(problems, { at: '#main' })), {
      conflicts: true,
    });
    const app = await startApplication(services, req.user!.id, {
      kind: 'out_of_province_qualification',
      profession,
    });
    res.redirect(303, paths.me.step(app.id, 'out-of-province'));
  });
};
