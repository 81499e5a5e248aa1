import { Router } from 'express';
import { NotFoundError } from '../lib/errors.js';
import { sendStoredFile } from '../lib/middleware/uploads.js';
import { routes } from '../lib/paths.js';
import type { Services } from '../lib/services.js';
import { readFileFor } from '../lib/uploads.js';

/** Uploaded files, served only to accounts allowed to see them (lib/uploads.ts decides). */
export function fileRoutes({ sql, fileStore }: Services): Router {
  const router = Router();
  router.get(routes.file, async (req, res) => {
    if (!req.user) throw new NotFoundError();
    sendStoredFile(res, await readFileFor(sql, fileStore, String(req.params.id), req.user.id));
  });
  return router;
}
