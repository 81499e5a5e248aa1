import type { RequestHandler } from 'express';
import type { Logger } from '../../lib/platform/index.js';
import { maskSecrets } from '../../lib/platform/index.js';

let lastId = 0;

/**
 * One line per request when it ends: its id (also `req.id`), method, URL (ID numbers masked),
 * status, time taken and the signed-in account; no headers, no body. Built from fields read once,
 * with no child logger per request (the cost pino-http had on every page).
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const id = ++lastId;
    req.id = id;
    res.once('close', () => {
      const statusCode = res.statusCode;
      const finished = res.writableFinished;
      const level =
        !finished || statusCode >= 400 ? (statusCode >= 500 ? 'error' : 'warn') : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const user = req.user;
      logger[level](
        {
          req: { id, method: req.method, url: maskSecrets(req.originalUrl) },
          res: { statusCode },
          responseTime: Number(process.hrtime.bigint() - started) / 1e6,
          ...(user ? { account: { id: user.id, kind: user.kind } } : {}),
        },
        finished ? 'request completed' : 'request aborted',
      );
    });
    next();
  };
}
