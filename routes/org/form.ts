import { applicationOfEnterprise } from '../../lib/enterprise/index.js';
import { NotFoundError } from '../../lib/platform/index.js';
import { readDraft } from '../../lib/workflow/index.js';
import type { Pages } from '../area.js';
import { paths } from '../paths.js';
import { employerName } from './application.js';

/** The application form, print-ready: signed by the legal representative, stamped, scanned. */
export const formPage: Pages = ({ pages }, { sql, clock }) => {
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
