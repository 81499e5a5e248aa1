import type { Response } from 'express';
import { decisionOf } from '../../lib/authority/index.js';
import type { Db } from '../../lib/platform/index.js';

/**
 * The written decision (决定书) of an application the viewer may see (the caller has checked), as
 * a printable page with a link back; before there is one, the application's page, which says
 * where it stands. The officer's, the person's and the enterprise's pages all show it so.
 */
export async function showWrittenDecision(
  res: Response,
  db: Db,
  applicationId: string,
  back: string,
): Promise<void> {
  const decision = await decisionOf(db, applicationId);
  if (!decision) return res.redirect(303, back);
  res.render('pages/decision', { title: decision.facts.title, decision, back });
}
