import type { Request, Response } from 'express';
import type { FormErrors } from '../../lib/platform/index.js';
import { noErrors } from '../../lib/platform/index.js';
import { asError } from '../callbacks.js';

/** A refused form kept for the page it came from, across one redirect. */
export type KeptRefusal = {
  url: string;
  errors: FormErrors;
  values: Record<string, unknown>;
  /** When it was kept (ms): an old one is not shown. */
  at: number;
};

/** The redirect follows at once; a refusal older than this was not followed and is dropped. */
const KEPT_FOR_MS = 60_000;

/**
 * Post/Redirect/Get for a refused upload: the form posted to its own address (multipart forms
 * post where the upload parser runs), so the page comes back at the page's address, with why,
 * instead of leaving the upload's address in the address bar (where a reload would post again).
 * The refusal lives in the session until that page shows it once.
 */
export async function redirectRefused(
  req: Request,
  res: Response,
  url: string,
  errors: FormErrors,
  values: Record<string, unknown> = {},
): Promise<void> {
  // The wall clock, not services.clock: a technical expiry of a redirect, no business date.
  // eslint-disable-next-line no-restricted-properties
  req.session.refused = { url, errors, values, at: Date.now() };
  // Saved before the redirect is sent: express-session saves while the response is being
  // written, so a browser could follow the Location header before the refusal is stored.
  await new Promise<void>((resolve, reject) =>
    req.session.save((err: unknown) => (err ? reject(asError(err)) : resolve())),
  );
  res.redirect(303, url);
}

/**
 * What this page shows as it opens: the refusal kept for it (see redirectRefused), taken, as it
 * is shown once; else nothing typed and no errors.
 */
export function takeRefused(req: Request): Pick<KeptRefusal, 'values' | 'errors'> {
  const none = { values: {}, errors: noErrors };
  const kept = req.session?.refused;
  if (!kept) return none;
  // eslint-disable-next-line no-restricted-properties -- as above
  const fresh = Date.now() - kept.at < KEPT_FOR_MS;
  if (kept.url !== req.originalUrl && fresh) return none;
  delete req.session.refused;
  return fresh ? kept : none;
}
