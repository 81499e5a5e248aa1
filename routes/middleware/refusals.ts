import type { ErrorRequestHandler, Request, Response } from 'express';
import type { FormErrors, Problem } from '../../lib/platform/index.js';
import { ConflictError, RuleError } from '../../lib/platform/index.js';
import { paths } from '../paths.js';

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

/**
 * Problems as a page's errors: in the summary, each leads to the application it is about (another
 * open application) or else to `at` (a part of the page, or per problem); beside `field` too when
 * one is given, or the problem names its own field.
 */
export function problemErrors(
  problems: Problem[],
  { at, field }: { at: string | ((p: Problem) => string); field?: string },
): FormErrors {
  const fields: Record<string, string> = {};
  for (const p of problems) {
    const name = p.field ?? field;
    if (name) fields[name] = fields[name] ? `${fields[name]} ${p.message}` : p.message;
  }
  return {
    summary: problems.map((p) => ({
      href: p.applicationId
        ? paths.me.application(p.applicationId)
        : typeof at === 'string'
          ? at
          : at(p),
      text: p.message,
    })),
    fields,
  };
}
