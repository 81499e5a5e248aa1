import type { Request, Response } from 'express';
import {
  RENAME_MATERIALS,
  RENAME_REFUSED,
  enterpriseOfAccount,
  fileRename,
  renameStatusOf,
} from '../../lib/enterprise/index.js';
import type { UploadedDocument } from '../../lib/files/index.js';
import type { FormErrors } from '../../lib/platform/index.js';
import { NotFoundError, fieldErrors, noErrors, trimmed } from '../../lib/platform/index.js';
import {
  actorOf,
  findTransition,
  postedVersion,
  readApplication,
  transition,
} from '../../lib/workflow/index.js';
import type { Pages } from '../area.js';
import { requireRole } from '../middleware/auth.js';
import { onRefusal, problemErrors } from '../middleware/refusals.js';
import { uploadFields, uploadedDocument } from '../middleware/uploads.js';
import { paths } from '../paths.js';

/** What refuses the rename as a whole is said at the names it is about. */
const AT_NAMES = { at: '#rename-names' };

/** Enterprise rename (rule 9): the registry's name, the proof, filing and withdrawing. */
export const renamePages: Pages = ({ pages, uploads }, services) => {
  const { sql } = services;
  const render = async (req: Request, res: Response, values: object, errors: FormErrors) => {
    const enterprise = res.locals.enterprise!;
    const status = await renameStatusOf(sql, enterprise.id);
    res.render('pages/org/rename', {
      title: '企业更名',
      status,
      mayWithdraw:
        status.open &&
        Boolean(
          findTransition('enterprise_rename', status.latest!.state, 'withdraw', 'enterprise'),
        ),
      materials: RENAME_MATERIALS,
      refusal: RENAME_REFUSED,
      values,
      errors,
      done: req.query.done,
    });
  };
  pages.get(paths.org.rename, (req, res) => render(req, res, {}, noErrors));

  uploads.post(
    paths.org.rename,
    requireRole('enterprise'),
    uploadFields(RENAME_MATERIALS.map((m) => ({ name: m.purpose }))),
    async (req, res) => {
      const enterprise = await enterpriseOfAccount(sql, req.user!.id);
      res.locals.enterprise = enterprise;
      if (!enterprise.complete) return res.redirect(303, paths.org.information);
      const values = trimmed(req.body);
      const status = await renameStatusOf(sql, enterprise.id);
      // Nothing is read or stored while the registry still holds the current name.
      if (!status.renamed)
        return render(
          req,
          res.status(422),
          values,
          problemErrors(
            [{ code: 'registry_holds_current_name', message: RENAME_REFUSED }],
            AT_NAMES,
          ),
        );
      const errors: Record<string, string> = {};
      const documents: Record<string, UploadedDocument> = {};
      for (const m of RENAME_MATERIALS) {
        const upload = await uploadedDocument(req, m.purpose, `请上传${m.name}`);
        if (!upload.ok) errors[m.purpose] = upload.message;
        else if (upload.document) documents[m.purpose] = upload.document;
      }
      if (values.commitment !== 'yes') errors.commitment = '请阅读并勾选承诺后再提交';
      if (Object.keys(errors).length > 0) {
        const again = chooseAgain(documents);
        return render(req, res.status(422), values, fieldErrors({ ...again, ...errors }));
      }
      // Refused by the rule, or another rename was filed meanwhile (409): said on the form.
      onRefusal(
        req,
        res,
        (problems) => {
          const refused = problemErrors(problems, AT_NAMES);
          const again = fieldErrors(chooseAgain(documents));
          return render(req, res, values, {
            summary: [...refused.summary, ...again.summary],
            fields: { ...again.fields, ...refused.fields },
          });
        },
        { conflicts: true },
      );
      await fileRename(services, { accountId: req.user!.id, documents });
      res.redirect(303, `${paths.org.rename}?done=filed`);
    },
  );

  pages.post(paths.org.renameWithdraw.pattern, async (req, res) => {
    const rename = await readApplication(sql, String(req.params.id));
    if (rename?.kind !== 'enterprise_rename' || rename.enterpriseId !== res.locals.enterprise!.id) {
      throw new NotFoundError();
    }
    await transition(services, {
      applicationId: rename.id,
      action: 'withdraw',
      actor: actorOf(req.user!),
      expectedVersion: postedVersion(trimmed(req.body).version),
    });
    res.redirect(303, `${paths.org.rename}?done=withdrawn`);
  });
};

/**
 * A browser does not keep the files chosen on a form that comes back refused: each file that was
 * chosen is asked for again, by name, so none is left out when the form is sent again.
 */
function chooseAgain(documents: Record<string, UploadedDocument>): Record<string, string> {
  return Object.fromEntries(
    RENAME_MATERIALS.filter((m) => documents[m.purpose]).map((m) => [
      m.purpose,
      `请重新选择${m.name}：表单退回后，之前选择的文件需要重新选择`,
    ]),
  );
}
