import { Router } from 'express';
import {
  actionNames,
  eventsOf,
  findTransition,
  kindNames,
  notificationsOf,
  readApplication,
  readDraft,
  stateNames,
  STOPPED_STATES,
  transition,
} from '../../lib/workflow/index.js';
import { stepTitles } from '../../lib/filing/index.js';
import type { ApplicationFilter, EnterpriseInformation } from '../../lib/enterprise/index.js';
import {
  APPLICATION_FILTERS,
  applicationOfEnterprise,
  applicationsOfEnterprise,
  attachSignedForm,
  confirmAsEnterprise,
  confirmationAsks,
  confirmationForm,
  employeesOf,
  enterpriseOfAccount,
  fileRename,
  informationForm,
  materialsOf,
  openItemsOfEnterprise,
  RENAME_MATERIALS,
  RENAME_REFUSED,
  renameStatusOf,
  saveInformation,
  SIGNED_FORM_MISSING,
  toDoOf,
} from '../../lib/enterprise/index.js';
import type { FormErrors } from '../../lib/platform/index.js';
import {
  cleanText,
  ConflictError,
  fieldErrors,
  formatErrors,
  freeText,
  noErrors,
  NotFoundError,
  RuleError,
  trimmed,
} from '../../lib/platform/index.js';
import type { Supplied } from '../../lib/corrections/index.js';
import { itemsOf, supplyItem } from '../../lib/corrections/index.js';
import { LICENCE_TYPES, licenceFields, professions } from '../../lib/reference/index.js';
import { requireRole } from '../middleware/auth.js';
import { paths, withQuery } from '../paths.js';
import { suppliedMaterial, uploadedDocument, uploadFields } from '../middleware/uploads.js';
import type { Services } from '../../lib/services/index.js';
import type { UploadedDocument } from '../../lib/files/index.js';
import type { Request, Response } from 'express';

/**
 * The enterprise's pages. `uploads` holds the forms that send files: mounted before the app-wide
 * CSRF check, they parse the multipart body and check its token themselves (uploadFields).
 */
export function orgRoutes(services: Services): { pages: Router; uploads: Router } {
  const { sql, clock } = services;
  const router = Router();
  const uploads = Router();
  router.use(paths.org.home, requireRole('enterprise'));
  // Rule 1: until the enterprise has completed its information, every /org page leads there.
  router.use(paths.org.home, async (req, res, next) => {
    const enterprise = await enterpriseOfAccount(sql, req.user!.id);
    res.locals.enterprise = enterprise;
    if (!enterprise.complete && req.originalUrl.split('?')[0] !== paths.org.information) {
      return res.redirect(303, paths.org.information);
    }
    next();
  });

  router.get(paths.org.home, async (req, res) => {
    const enterprise = res.locals.enterprise!;
    res.render('pages/org/home', {
      title: '企业中心',
      enterprise,
      toDo: await toDoOf(sql, enterprise.id),
      openItems: await openItemsOfEnterprise(sql, enterprise.id),
      rename: await renameStatusOf(sql, enterprise.id),
      notifications: await notificationsOf(sql, req.user!.id),
      saved: req.query.saved,
    });
  });

  const renderInformation = (res: Response, values: object, errors: FormErrors) => {
    const enterprise = res.locals.enterprise!;
    res.render('pages/org/information', {
      title: '企业信息',
      enterprise,
      values: { ...enterprise, ...values },
      errors,
    });
  };
  router.get(paths.org.information, (req, res) => {
    renderInformation(res, {}, noErrors);
  });
  router.post(paths.org.information, async (req, res) => {
    const values = trimmed(req.body);
    const parsed = informationForm.safeParse(values);
    if (!parsed.success) {
      res.status(422);
      return renderInformation(res, values, formatErrors(parsed.error));
    }
    await saveInformation(sql, req.user!.id, parsed.data, clock.now());
    res.redirect(303, `${paths.org.home}?saved=1`);
  });
  router.get(paths.org.employees, async (req, res) => {
    const enterprise = res.locals.enterprise!;
    const query = typeof req.query.q === 'string' ? cleanText(req.query.q).slice(0, 50) : '';
    const endingSoon = req.query.soon === '1';
    const params = (page: number) =>
      withQuery(paths.org.employees, {
        q: query,
        soon: endingSoon ? '1' : undefined,
        page: page > 1 ? String(page) : undefined,
      });
    const list = await employeesOf(sql, enterprise.id, clock.now(), {
      query,
      endingSoon,
      page: pageParam(req),
    });
    if (list.rows.length === 0 && list.page > 1) return res.redirect(303, params(1));
    res.render('pages/org/employees', {
      title: '本单位注册人员',
      professions,
      list,
      query,
      endingSoon,
      pageHref: params,
    });
  });

  router.get(paths.org.applications, async (req, res) => {
    const enterprise = res.locals.enterprise!;
    const state = typeof req.query.state === 'string' ? req.query.state : '';
    const filter = (APPLICATION_FILTERS as readonly string[]).includes(state)
      ? (state as ApplicationFilter)
      : 'all';
    const pageHref = (page: number) =>
      withQuery(paths.org.applications, {
        state: filter === 'all' ? undefined : filter,
        page: page > 1 ? String(page) : undefined,
      });
    const list = await applicationsOfEnterprise(sql, enterprise.id, {
      filter,
      page: pageParam(req),
    });
    // Past the last page (the list got shorter): back to the first.
    if (list.rows.length === 0 && list.page > 1) return res.redirect(303, pageHref(1));
    res.render('pages/org/applications', {
      title: '员工申请',
      ...names,
      list,
      filter,
      toDo: await toDoOf(sql, enterprise.id),
      filterHref: (state: ApplicationFilter) =>
        withQuery(paths.org.applications, { state: state === 'all' ? undefined : state }),
      pageHref,
    });
  });

  const renderApplication = async (
    req: Request,
    res: Response,
    values: Record<string, unknown>,
    errors: FormErrors,
  ) => {
    const enterprise = res.locals.enterprise!;
    const application = await applicationOfEnterprise(sql, enterprise.id, String(req.params.id));
    const snapshot = (application.snapshot ?? {}) as Record<string, unknown>;
    const content = readDraft(snapshot);
    res.render('pages/org/application', {
      title: `${applicantName(snapshot, application.personName)}的${kindNames[application.kind]}申请`,
      ...names,
      application,
      content,
      materials: materialsOf(application, content),
      corrections: (await itemsOf(sql, application.id)).filter(
        (i) => i.addressedTo === 'enterprise',
      ),
      events: await eventsOf(sql, application.id),
      person: snapshot.person,
      enterpriseName: employerName(snapshot, enterprise),
      mayConfirm: Boolean(
        findTransition(application.kind, application.state, 'enterprise_confirm', 'enterprise'),
      ),
      mayReturn: Boolean(
        findTransition(application.kind, application.state, 'return', 'enterprise'),
      ),
      licenceTypes: LICENCE_TYPES,
      asks: confirmationAsks(application.kind, application.profession),
      stopped: STOPPED_STATES.includes(application.state),
      values,
      errors,
      done: req.query.done,
    });
  };
  router.get(paths.org.application.pattern, (req, res) =>
    renderApplication(req, res, {}, noErrors),
  );

  /**
   * Runs a step the rules may refuse (a confirmation, a submission); refused, the page comes back
   * (422) with what refused it, and the caller stops: true.
   */
  const refusedOnPage = async (
    req: Request,
    res: Response,
    values: Record<string, unknown>,
    step: () => Promise<unknown>,
  ): Promise<boolean> => {
    try {
      await step();
      return false;
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      res.status(422);
      await renderApplication(req, res, values, refusalErrors(error));
      return true;
    }
  };

  // The application form, print-ready: signed by the legal representative, stamped, scanned.
  router.get(paths.org.form.pattern, async (req, res) => {
    const enterprise = res.locals.enterprise!;
    const application = await applicationOfEnterprise(sql, enterprise.id, String(req.params.id));
    if (application.snapshotVersion === 0) throw new NotFoundError();
    const snapshot = (application.snapshot ?? {}) as Record<string, unknown>;
    res.render('documents/application-form', {
      title: `申请表 ${application.applicationNumber}`,
      ...names,
      application,
      content: readDraft(snapshot),
      person: snapshot.person,
      enterpriseName: employerName(snapshot, enterprise),
      enterprise,
      printedAt: clock.now(),
    });
  });

  /** An upload route's application, after its enterprise (upload routes skip the page middleware). */
  const uploadTarget = async (req: Request, res: Response) => {
    const enterprise = await enterpriseOfAccount(sql, req.user!.id);
    res.locals.enterprise = enterprise;
    return applicationOfEnterprise(sql, enterprise.id, String(req.params.id));
  };

  uploads.post(
    paths.org.signedForm.pattern,
    requireRole('enterprise'),
    uploadFields([{ name: 'file' }]),
    async (req, res) => {
      const application = await uploadTarget(req, res);
      if (application.state !== 'awaiting_signed_form') {
        throw new ConflictError('这项申请当前不需要上传申请表，请返回申请页面查看。');
      }
      const upload = await uploadedDocument(req, 'file', '请选择签字盖章后的申请表扫描件');
      if (!upload.ok || !upload.document) {
        res.status(422);
        const message = upload.ok ? '' : upload.message;
        return renderApplication(req, res, {}, fieldErrors({ signedForm: message }));
      }
      await attachSignedForm(services, {
        accountId: req.user!.id,
        applicationId: application.id,
        document: upload.document,
        snapshotVersion: application.snapshotVersion,
      });
      res.redirect(303, `${paths.org.application(application.id)}?done=uploaded`);
    },
  );

  // A correction item addressed to the enterprise: materials (a file and/or a note), or the
  // licence it did not hold at confirmation (rule 12), which may come after approval.
  uploads.post(
    paths.org.correction.pattern,
    requireRole('enterprise'),
    uploadFields([{ name: 'file' }]),
    async (req, res) => {
      const application = await uploadTarget(req, res);
      const item = (await itemsOf(sql, application.id)).find(
        (i) => i.id === String(req.params.itemId) && i.addressedTo === 'enterprise',
      );
      if (!item) throw new NotFoundError();
      if (item.closedAt) throw new ConflictError('这项补正已经办结，无需再次提交。');
      const values = trimmed(req.body);
      const field = `correction-${item.id}`;
      let supplied: Supplied;
      let document: UploadedDocument | undefined;
      if (item.asks === 'licence') {
        const parsed = licenceFields.safeParse(values);
        if (!parsed.success) {
          res.status(422);
          const { fields } = formatErrors(parsed.error);
          return renderApplication(
            req,
            res,
            values,
            fieldErrors(
              Object.fromEntries(Object.entries(fields).map(([k, m]) => [`${field}-${k}`, m])),
            ),
          );
        }
        supplied = {
          licence: { type: parsed.data.licenceType, number: parsed.data.licenceNumber },
        };
      } else {
        const material = await suppliedMaterial(req, field);
        if (!material.ok) {
          res.status(422);
          return renderApplication(req, res, values, fieldErrors(material.errors));
        }
        supplied = material.supplied;
        document = material.document;
      }
      await supplyItem(services, {
        itemId: item.id,
        party: 'enterprise',
        accountId: req.user!.id,
        supplied,
        document,
      });
      res.redirect(303, `${paths.org.application(application.id)}?done=supplied`);
    },
  );

  // Enterprise rename (rule 9): the registry's name, the proof, filing and withdrawing.
  const renderRename = async (req: Request, res: Response, values: object, errors: FormErrors) => {
    const enterprise = res.locals.enterprise!;
    const status = await renameStatusOf(sql, enterprise.id);
    res.render('pages/org/rename', {
      title: '企业更名',
      ...names,
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
  router.get(paths.org.rename, (req, res) => renderRename(req, res, {}, noErrors));
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
      const refuse = (errors: FormErrors, status = 422) => {
        res.status(status);
        return renderRename(req, res, values, errors);
      };
      // What refuses the rename as a whole is said at the names it is about.
      const atNames = (texts: string[]): FormErrors => ({
        summary: texts.map((text) => ({ href: '#rename-names', text })),
        fields: {},
      });
      // Nothing is read or stored while the registry still holds the current name.
      if (!status.renamed) return refuse(atNames([RENAME_REFUSED]));
      const errors: Record<string, string> = {};
      const documents: Record<string, UploadedDocument> = {};
      for (const m of RENAME_MATERIALS) {
        const upload = await uploadedDocument(req, m.purpose, `请上传${m.name}`);
        if (!upload.ok) errors[m.purpose] = upload.message;
        else if (upload.document) documents[m.purpose] = upload.document;
      }
      if (values.commitment !== 'yes') errors.commitment = '请阅读并勾选承诺后再提交';
      if (Object.keys(errors).length > 0) return refuse(fieldErrors(errors));
      try {
        await fileRename(services, { accountId: req.user!.id, documents });
      } catch (error) {
        // Refused by the rule, or another rename was filed meanwhile: said on the form.
        if (error instanceof RuleError)
          return refuse(atNames(error.problems.map((p) => p.message)));
        if (error instanceof ConflictError) return refuse(atNames([error.publicMessage]), 409);
        throw error;
      }
      res.redirect(303, `${paths.org.rename}?done=filed`);
    },
  );
  router.post(paths.org.renameWithdraw.pattern, async (req, res) => {
    const rename = await readApplication(sql, String(req.params.id));
    if (rename?.kind !== 'enterprise_rename' || rename.enterpriseId !== res.locals.enterprise!.id) {
      throw new NotFoundError();
    }
    await transition(services, {
      applicationId: rename.id,
      action: 'withdraw',
      actor: { role: 'enterprise', accountId: req.user!.id },
      expectedVersion: Number(trimmed(req.body).version),
    });
    res.redirect(303, `${paths.org.rename}?done=withdrawn`);
  });

  router.post(paths.org.submit.pattern, async (req, res) => {
    const enterprise = res.locals.enterprise!;
    const application = await applicationOfEnterprise(sql, enterprise.id, String(req.params.id));
    const refused = await refusedOnPage(req, res, {}, () =>
      transition(services, {
        applicationId: application.id,
        action: 'submit',
        actor: { role: 'enterprise', accountId: req.user!.id },
        expectedVersion: Number(trimmed(req.body).version),
      }),
    );
    if (refused) return;
    res.redirect(303, `${paths.org.application(application.id)}?done=submitted`);
  });

  router.post(paths.org.confirm.pattern, async (req, res) => {
    const enterprise = res.locals.enterprise!;
    const application = await applicationOfEnterprise(sql, enterprise.id, String(req.params.id));
    const values = trimmed(req.body);
    const parsed = confirmationForm(application.kind, application.profession).safeParse(values);
    const errors: Record<string, string> = parsed.success ? {} : formatErrors(parsed.error).fields;
    if (values.commitment !== 'yes') {
      errors.commitment = '请阅读并勾选企业承诺后再确认';
    }
    if (!parsed.success || Object.keys(errors).length > 0) {
      res.status(422);
      return renderApplication(req, res, values, fieldErrors(errors));
    }
    const refused = await refusedOnPage(req, res, values, () =>
      confirmAsEnterprise(services, {
        accountId: req.user!.id,
        applicationId: application.id,
        expectedVersion: Number(values.version),
        confirmation: parsed.data,
      }),
    );
    if (refused) return;
    res.redirect(303, `${paths.org.application(application.id)}?done=confirmed`);
  });

  router.post(paths.org.return.pattern, async (req, res) => {
    const enterprise = res.locals.enterprise!;
    const application = await applicationOfEnterprise(sql, enterprise.id, String(req.params.id));
    const values = trimmed(req.body);
    const { text: reason, tooLong } = freeText(values, 'reason');
    if (!reason || tooLong) {
      res.status(422);
      const message = tooLong ? '退回原因最多500个字' : '请写明退回原因，申请人将据此修改';
      return renderApplication(req, res, values, fieldErrors({ reason: message }));
    }
    await transition(services, {
      applicationId: application.id,
      action: 'return',
      actor: { role: 'enterprise', accountId: req.user!.id },
      reason,
      expectedVersion: Number(values.version),
    });
    res.redirect(303, `${paths.org.application(application.id)}?done=returned`);
  });

  return { pages: router, uploads };
}

const names = { kindNames, stateNames, actionNames, professions, stepTitles };

/**
 * The employer as the application names it: the enterprise's name now, and the name the person
 * confirmed (the snapshot) beside it when a rename came in between, so the form is stamped with
 * the seal the enterprise holds now and still shows what was confirmed.
 */
function employerName(
  snapshot: Record<string, unknown>,
  current: Pick<EnterpriseInformation, 'name' | 'creditCode'>,
): string {
  const frozen = snapshot.enterprise as { name?: unknown; creditCode?: unknown } | null | undefined;
  return frozen?.creditCode === current.creditCode &&
    typeof frozen.name === 'string' &&
    frozen.name !== current.name
    ? `${current.name}（确认时名称：${frozen.name}）`
    : current.name;
}

/** The applicant's name as the snapshot holds it (else as the registry does now). */
function applicantName(snapshot: Record<string, unknown>, current: string): string {
  const frozen = (snapshot.person as { name?: unknown } | null | undefined)?.name;
  return typeof frozen === 'string' ? frozen : current;
}

/**
 * A confirmation or submission the rules refuse, as the page's errors: the missing scan is the
 * enterprise's to upload (beside its field); anything else (the contract, the district) is for the
 * person to correct or for the enterprise's information, so the summary leads to the return form.
 */
function refusalErrors(error: RuleError): FormErrors {
  return {
    summary: error.problems.map((p) => ({
      href: p.code === SIGNED_FORM_MISSING ? '#signedForm' : '#reason',
      text: p.message,
    })),
    fields: Object.fromEntries(
      error.problems
        .filter((p) => p.code === SIGNED_FORM_MISSING)
        .map((p) => ['signedForm', p.message]),
    ),
  };
}

/** The page number asked for in the query string (from 1; anything else is page 1). */
function pageParam(req: Request): number {
  const page = Number(req.query.page);
  return Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1;
}
