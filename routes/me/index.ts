import type { Services } from '../../lib/services/index.js';
import type { AreaRouters } from '../area.js';
import { areaRouters } from '../area.js';
import { requireRole } from '../middleware/auth.js';
import { paths } from '../paths.js';
import { applicationPages } from './applications.js';
import { applyPages } from './apply.js';
import { formPreviewPage } from './form-preview.js';
import { homePage } from './home.js';
import { profilePages } from './profile.js';
import { qualificationPages } from './qualifications.js';
import { stepPages } from './steps.js';
import { withdrawPages } from './withdraw.js';

/** The person's pages (/me), each signed-in person's own. */
export function meRoutes(services: Services): AreaRouters {
  return areaRouters(services, ({ pages }) => pages.use(paths.me.home, requireRole('person')), [
    homePage,
    profilePages,
    qualificationPages,
    applyPages,
    applicationPages,
    withdrawPages,
    stepPages,
    formPreviewPage,
  ]);
}
