import { Router } from 'express';
import { requireRole } from '../lib/middleware/auth.js';
import { paths } from '../lib/paths.js';
import type { Services } from '../lib/services.js';

export function authorityRoutes(_services: Services): Router {
  const router = Router();
  router.use(paths.authority.home, requireRole('staff'));
  router.get(paths.authority.home, (_req, res) => {
    res.render('pages/authority/home', { title: '审核工作台' });
  });
  return router;
}
