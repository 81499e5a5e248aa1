import { DomainError, maskSecrets, NotFoundError } from '../../lib/platform/index.js';
import type { Logger } from '../../lib/platform/index.js';
import type { ErrorRequestHandler, RequestHandler } from 'express';

export const notFound: RequestHandler = () => {
  throw new NotFoundError();
};

const HTTP_MESSAGES: Record<number, string> = {
  400: '提交的内容格式不正确，请返回后重新填写。',
  403: '页面已过期或请求无效。请返回上一页，刷新后重新提交。',
  413: '提交的内容太大，请减少后重新提交。',
};
const SERVER_ERROR = '系统暂时无法处理您的请求，请稍后再试。如果问题一直存在，请拨打咨询热线。';

/**
 * The one error handler: domain errors and the HTTP errors of body parsing and CSRF get their
 * status and a safe Chinese message; anything else is a 500, logged with its stack, which the
 * page shows only in development.
 */
export function errorHandler(logger: Logger, showStack: boolean): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    let status = 500;
    let message = SERVER_ERROR;
    if (err instanceof DomainError) {
      status = err.status;
      message = err.publicMessage;
    } else if (isTextPostgresRefused(err)) {
      // Text PostgreSQL cannot hold (e.g. a NUL in a query string): the request's fault.
      status = 400;
      message = HTTP_MESSAGES[400]!;
    } else if (isHttpError(err) && HTTP_MESSAGES[err.status]) {
      status = err.status;
      message = HTTP_MESSAGES[status]!;
    }
    if (status >= 500) {
      logger.error({ err, reqId: req.id, url: maskSecrets(req.originalUrl) }, 'request failed');
    }
    // Busy (the PDF renderer's pages and queue all taken): a moment later it will likely work.
    if (status === 503) res.set('Retry-After', '10');
    const stack = showStack && status >= 500 && err instanceof Error ? err.stack : undefined;
    res.status(status).render(status === 404 ? 'pages/not-found' : 'pages/error', {
      title: status === 404 ? '页面不存在' : '出错了',
      status,
      message,
      stack,
    });
  };
}

/** character_not_in_repertoire, untranslatable_character */
const TEXT_REFUSED = new Set(['22021', '22P05']);

function isTextPostgresRefused(err: unknown): boolean {
  const e = err as { name?: unknown; code?: unknown } | null;
  return e?.name === 'PostgresError' && typeof e.code === 'string' && TEXT_REFUSED.has(e.code);
}

function isHttpError(err: unknown): err is { status: number } {
  return typeof (err as { status?: unknown })?.status === 'number';
}
