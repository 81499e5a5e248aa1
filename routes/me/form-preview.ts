import { applicationFormOf } from '../../lib/documents/index.js';
import { applicationOfPerson } from '../../lib/person/index.js';
import type { Pages } from '../area.js';
import { sendApplicationForm } from '../documents.js';
import { paths } from '../paths.js';

/**
 * The person's preview of the application form before confirming: the PDF the enterprise will
 * print, from the draft, marked 预览 on every page and without the QR, so it cannot be signed
 * and uploaded in place of the real one.
 */
export const formPreviewPage: Pages = ({ pages }, services) => {
  pages.get(paths.me.formPreview.pattern, async (req, res) => {
    const { application } = await applicationOfPerson(
      services.sql,
      req.user!.id,
      String(req.params.id),
    );
    const form = await applicationFormOf(services, {
      application,
      viewerAccountId: req.user!.id,
      preview: true,
      at: services.clock.now(),
    });
    await sendApplicationForm(res, services.documents, form);
  });
};
