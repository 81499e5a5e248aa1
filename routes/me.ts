import { Router } from 'express';
import { requireRole } from '../lib/middleware/auth.js';
import { paths } from '../lib/paths.js';
import type { Services } from '../lib/services.js';

export function meRoutes(_services: Services): Router {
  const router = Router();
  router.use(paths.me.home, requireRole('person'));
  router.get(paths.me.home, (_req, res) => {
    res.render('pages/me/home', { title: '个人中心' });
  });
  return router;
}
