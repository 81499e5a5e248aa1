import { applicationFormOf } from '../../lib/documents/index.js';
import { applicationOfEnterprise } from '../../lib/enterprise/index.js';
import { NotFoundError } from '../../lib/platform/index.js';
import { employerName, readApplication, readDraft } from '../../lib/workflow/index.js';
import type { Pages } from '../area.js';
import { sendApplicationForm } from '../documents.js';
import { paths } from '../paths.js';

/**
 * The application form to print, sign (the legal representative), stamp, scan and upload: the
 * PDF of the snapshot with its QR (version and hash, matched when the scan comes back), and the
 * HTML print page as a fallback.
 */
export const formPage: Pages = ({ pages }, services) => {
  const { sql, clock } = services;

  pages.get(paths.org.formPdf.pattern, async (req, res) => {
    const enterprise = res.locals.enterprise!;
    // The enterprise's own (or not found), then the whole row the form is made from.
    const { id } = await applicationOfEnterprise(sql, enterprise.id, String(req.params.id));
    const form = await applicationFormOf(services, {
      application: (await readApplication(sql, id))!,
      viewerAccountId: req.user!.id,
      preview: false,
      at: clock.now(),
    });
    await sendApplicationForm(res, services.documents, form);
  });

  pages.get(paths.org.form.pattern, async (req, res) => {
    const enterprise = res.locals.enterprise!;
    const application = await applicationOfEnterprise(sql, enterprise.id, String(req.params.id));
    if (application.snapshotVersion === 0) throw new NotFoundError();
    const snapshot = (application.snapshot ?? {}) as Record<string, unknown>;
    res.render('documents/application-form', {
      title: `申请表 ${application.applicationNumber}`,
      application,
      content: readDraft(snapshot),
      person: snapshot.person,
      enterpriseName: employerName(snapshot, enterprise),
      enterprise,
      printedAt: clock.now(),
    });
  });
};
