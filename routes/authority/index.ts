import { requireRole } from '../middleware/auth.js';
import { paths } from '../paths.js';
import { auditPage } from './audit.js';
import { calendarPage } from './calendar.js';
import { dashboardPage } from './dashboard.js';
import { queueExport } from './export.js';
import { correctionPages } from './corrections.js';
import { decisionPages } from './decision.js';
import { jobPages } from './jobs.js';
import { queuePageRoute } from './queue.js';
import { reasonPages } from './reasons.js';
import { reviewPages } from './review.js';
import { staffPages } from './staff.js';
import type { Services } from '../../lib/services/index.js';
import { Router } from 'express';

/** The authority's pages (/authority): the queue, the review, corrections, decisions, admin pages. */
export function authorityRoutes(services: Services): Router {
  const router = Router();
  router.use(paths.authority.home, requireRole('staff'));
  queuePageRoute(router, services);
  reviewPages(router, services);
  correctionPages(router, services);
  decisionPages(router, services);
  reasonPages(router, services);
  calendarPage(router, services);
  jobPages(router, services);
  dashboardPage(router, services);
  auditPage(router, services);
  queueExport(router, services);
  staffPages(router, services);
  return router;
}
