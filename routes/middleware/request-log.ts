import { pinoHttp } from 'pino-http';
import type { Logger } from '../../lib/platform/index.js';
import { maskSecrets } from '../../lib/platform/index.js';
import type { RequestHandler } from 'express';

/** One structured line per request; no headers, no body, ID numbers masked in the URL. */
export function requestLog(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    quietReqLogger: true,
    customProps: (req) => {
      const user = (req as { user?: Express.User }).user;
      return user ? { account: { id: user.id, kind: user.kind } } : {};
    },
    serializers: {
      req: (req: { method: string; url: string; id: unknown }) => ({
        id: req.id,
        method: req.method,
        url: maskSecrets(req.url),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
  });
}
