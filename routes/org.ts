import { Router } from 'express';
import { requireRole } from '../lib/middleware/auth.js';
import { paths } from '../lib/paths.js';
import type { Services } from '../lib/services.js';

export function orgRoutes(_services: Services): Router {
  const router = Router();
  router.use(paths.org.home, requireRole('enterprise'));
  router.get(paths.org.home, (_req, res) => {
    res.render('pages/org/home', { title: '企业中心' });
  });
  return router;
}
