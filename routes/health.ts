import { Router } from 'express';
import { paths } from '../lib/paths.js';
import type { Services } from '../lib/services.js';

export function healthRoutes({ sql, logger }: Services): Router {
  const router = Router();
  router.get(paths.health, async (_req, res) => {
    try {
      await sql`select 1`.execute();
      res.json({ status: 'ok' });
    } catch (err) {
      logger.warn({ err }, 'health check: database not answering');
      res.status(503).json({ status: 'unavailable' });
    }
  });
  return router;
}
