import type { Response } from 'express';
import { informationForm, saveInformation } from '../../lib/enterprise/index.js';
import type { FormErrors } from '../../lib/platform/index.js';
import { formatErrors, inputLimits, noErrors, trimmed } from '../../lib/platform/index.js';
import type { Pages } from '../area.js';
import { paths } from '../paths.js';

/** The enterprise's information (rule 1), completed on first login before anything else. */
export const informationPages: Pages = ({ pages }, { sql, clock }) => {
  const render = (res: Response, values: object, errors: FormErrors) => {
    const enterprise = res.locals.enterprise!;
    res.render('pages/org/information', {
      title: '企业信息',
      enterprise,
      values: { ...enterprise, ...values },
      errors,
      limits: inputLimits(informationForm),
    });
  };
  pages.get(paths.org.information, (_req, res) => render(res, {}, noErrors));
  pages.post(paths.org.information, async (req, res) => {
    const values = trimmed(req.body);
    const parsed = informationForm.safeParse(values);
    if (!parsed.success) return render(res.status(422), values, formatErrors(parsed.error));
    await saveInformation(sql, req.user!.id, parsed.data, clock.now());
    res.redirect(303, `${paths.org.home}?saved=1`);
  });
};
