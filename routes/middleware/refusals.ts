import type { ErrorRequestHandler, Request, Response } from 'express';
import type { Problem } from '../../lib/platform/index.js';
import { ConflictError, RuleError } from '../../lib/platform/index.js';

/** How a page shows the refusal of what it posted: the page again, with why, at its status. */
export type Refusal = {
  render: (problems: Problem[]) => Promise<void> | void;
  /** Someone acting first (a 409) is shown on the page too, not as an error page. */
  conflicts: boolean;
  /** The route's parameters, which the error handler's own layer does not have. */
  params: Request['params'];
};

/**
 * Says how this request's page comes back when the rules refuse the action it posted (a
 * RuleError, 422), so the handler needs no try/catch: the error handler finds this and re-renders
 * the page (showRefusal). Call it before the action.
 */
export function onRefusal(
  req: Request,
  res: Response,
  render: Refusal['render'],
  options: { conflicts?: boolean } = {},
): void {
  res.locals.refusal = { render, conflicts: options.conflicts ?? false, params: req.params };
}

/** Before the error handler: a refusal the page said how to show is shown on that page. */
export const showRefusal: ErrorRequestHandler = async (err: unknown, req, res, next) => {
  const refusal = res.locals.refusal;
  const shown =
    refusal &&
    !res.headersSent &&
    (err instanceof RuleError || (err instanceof ConflictError && refusal.conflicts));
  if (!shown) return next(err);
  res.locals.refusal = undefined;
  req.params = refusal.params;
  res.status(err.status);
  await refusal.render(err.problems ?? [{ code: 'conflict', message: err.publicMessage }]);
};
