import type { Response } from 'express';
import { Router } from 'express';
import {
  enterpriseOfAccount,
  informationForm,
  saveInformation,
  toDoOf,
} from '../lib/enterprise-portal.js';
import type { FormErrors } from '../lib/forms.js';
import { formatErrors, noErrors, trimmed } from '../lib/forms.js';
import { requireRole } from '../lib/middleware/auth.js';
import { paths } from '../lib/paths.js';
import type { Services } from '../lib/services.js';

export function orgRoutes({ sql, clock }: Services): Router {
  const router = Router();
  router.use(paths.org.home, requireRole('enterprise'));
  // Rule 1: until the enterprise has completed its information, every /org page leads there.
  router.use(paths.org.home, async (req, res, next) => {
    const enterprise = await enterpriseOfAccount(sql, req.user!.id);
    res.locals.enterprise = enterprise;
    if (!enterprise.complete && req.originalUrl.split('?')[0] !== paths.org.information) {
      return res.redirect(303, paths.org.information);
    }
    next();
  });

  router.get(paths.org.home, async (_req, res) => {
    const enterprise = res.locals.enterprise!;
    res.render('pages/org/home', {
      title: '企业中心',
      enterprise,
      toDo: await toDoOf(sql, enterprise.id),
    });
  });

  const renderInformation = (res: Response, values: object, errors: FormErrors) => {
    const enterprise = res.locals.enterprise!;
    res.render('pages/org/information', {
      title: '企业信息',
      enterprise,
      values: { ...enterprise, ...values },
      errors,
    });
  };
  router.get(paths.org.information, (req, res) => {
    renderInformation(res, {}, noErrors);
  });
  router.post(paths.org.information, async (req, res) => {
    const values = trimmed(req.body);
    const parsed = informationForm.safeParse(values);
    if (!parsed.success) {
      res.status(422);
      return renderInformation(res, values, formatErrors(parsed.error));
    }
    await saveInformation(sql, req.user!.id, parsed.data, clock.now());
    res.redirect(303, `${paths.org.home}?saved=1`);
  });
  return router;
}
