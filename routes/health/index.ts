import { databaseAnswers } from '../../lib/platform/index.js';
import type { Services } from '../../lib/services/index.js';
import { paths } from '../paths.js';
import { Router } from 'express';

export function healthRoutes({ sql, logger }: Services): Router {
  const router = Router();
  router.get(paths.health, async (_req, res) => {
    const answer = await databaseAnswers(sql);
    if (answer.ok) return res.json({ status: 'ok' });
    logger.warn({ err: answer.error }, 'health check: database not answering');
    res.status(503).json({ status: 'unavailable' });
  });
  return router;
}
