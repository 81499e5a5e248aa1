import { requireRole } from '../middleware/auth.js';
import { paths } from '../paths.js';
import { calendarPage } from './calendar.js';
import type { Services } from '../../lib/services/index.js';
import { Router } from 'express';

export function authorityRoutes(services: Services): Router {
  const router = Router();
  router.use(paths.authority.home, requireRole('staff'));
  router.get(paths.authority.home, (_req, res) => {
    res.render('pages/authority/home', { title: '审核工作台' });
  });
  calendarPage(router, services);
  return router;
}
