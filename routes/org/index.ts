import { enterpriseOfAccount } from '../../lib/enterprise/index.js';
import type { Services } from '../../lib/services/index.js';
import type { AreaRouters } from '../area.js';
import { areaRouters } from '../area.js';
import { requireRole } from '../middleware/auth.js';
import { paths } from '../paths.js';
import { applicationPages } from './application.js';
import { applicationsPage } from './applications.js';
import { employeesPage } from './employees.js';
import { formPage } from './form.js';
import { homePage } from './home.js';
import { informationPages } from './information.js';
import { renamePages } from './rename.js';

/** The enterprise's pages (/org), each signed-in enterprise's own. */
export function orgRoutes(services: Services): AreaRouters {
  return areaRouters(
    services,
    ({ pages }) => {
      pages.use(paths.org.home, requireRole('enterprise'));
      // Rule 1: until the enterprise has completed its information, every /org page leads there.
      pages.use(paths.org.home, async (req, res, next) => {
        const enterprise = await enterpriseOfAccount(services.sql, req.user!.id);
        res.locals.enterprise = enterprise;
        if (!enterprise.complete && req.originalUrl.split('?')[0] !== paths.org.information) {
          return res.redirect(303, paths.org.information);
        }
        next();
      });
    },
    [
      homePage,
      informationPages,
      employeesPage,
      applicationsPage,
      applicationPages,
      formPage,
      renamePages,
    ],
  );
}
