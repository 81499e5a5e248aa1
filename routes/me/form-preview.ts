import { applicationFormOf, hasApplicationForm } from '../../lib/documents/index.js';
import { applicationOfPerson } from '../../lib/person/index.js';
import { NotFoundError } from '../../lib/platform/index.js';
import type { Pages } from '../area.js';
import { sendPdf } from '../documents.js';
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
    if (!hasApplicationForm(application.kind)) throw new NotFoundError();
    const form = await applicationFormOf(services, {
      applicationId: application.id,
      viewerAccountId: req.user!.id,
      preview: true,
      at: services.clock.now(),
    });
    await sendPdf(res, services.documents, {
      view: form.view,
      locals: { form },
      assets: form.assets,
      fileName: form.fileName,
    });
  });
};
