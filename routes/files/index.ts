import { NotFoundError } from '../../lib/platform/index.js';
import { sendStoredFile } from '../middleware/uploads.js';
import { paths } from '../paths.js';
import type { Services } from '../../lib/services/index.js';
import { readFileFor } from '../../lib/files/index.js';
import { Router } from 'express';

/** Uploaded files, served only to accounts allowed to see them (lib/files/records.ts decides). */
export function fileRoutes({ sql, fileStore }: Services): Router {
  const router = Router();
  router.get(paths.file.pattern, async (req, res) => {
    if (!req.user) throw new NotFoundError();
    sendStoredFile(res, await readFileFor(sql, fileStore, String(req.params.id), req.user.id));
  });
  return router;
}
