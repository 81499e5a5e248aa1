import { announcementListing } from '../../lib/announcements/index.js';
import type { Request, Response } from 'express';
import type { Supplied } from '../../lib/corrections/index.js';
import {
  correctionNoteForm,
  itemsOf,
  SIGNED_FORM_REASONS,
  supplyItem,
} from '../../lib/corrections/index.js';
import {
  applicationOfEnterprise,
  attachSignedForm,
  confirmAsEnterprise,
  confirmationAsks,
  confirmationForm,
  enterpriseOfAccount,
  materialsOf,
  returnForm,
  SIGNED_FORM_MISSING,
} from '../../lib/enterprise/index.js';
import type { UploadedDocument } from '../../lib/files/index.js';
import type { FormErrors, Problem } from '../../lib/platform/index.js';
import {
  ConflictError,
  fieldErrors,
  formatErrors,
  inputLimits,
  NotFoundError,
  trimmed,
} from '../../lib/platform/index.js';
import { LICENCE_TYPES, licenceFields } from '../../lib/reference/index.js';
import type { Services } from '../../lib/services/index.js';
import { businessDate } from '../../lib/platform/index.js';
import {
  STOPPED_STATES,
  actorOf,
  postedVersion,
  eventsOf,
  findTransition,
  kindNames,
  employerName,
  readDraft,
  transition,
} from '../../lib/workflow/index.js';
import type { Pages } from '../area.js';
import { requireRole } from '../middleware/auth.js';
import { onRefusal, problemErrors } from '../middleware/refusals.js';
import { redirectRefused, takeRefused } from '../middleware/flash.js';
import { suppliedMaterial, uploadFields, uploadedDocument } from '../middleware/uploads.js';
import { paths } from '../paths.js';
import { registrationOfApplication } from '../../lib/registrations/index.js';
import { deadlineChangesOf } from '../../lib/calendar/index.js';
import { authorityStatusOf } from '../../lib/authority/index.js';
import { showWrittenDecision } from '../authority/written-decision.js';

/**
 * A confirmation or submission the rules refuse: the missing scan is the enterprise's to upload
 * (its problem names the field); anything else (the contract, the district) is for the person to
 * correct or for the enterprise's information, so the summary leads to the return form.
 */
const REFUSAL_AT = {
  at: (p: Problem) => (p.code === SIGNED_FORM_MISSING ? '#signedForm' : '#reason'),
};

/**
 * One application that names the enterprise, and what the enterprise does with it (rule 11):
 * confirm with its statement (rule 12) or return it with a reason, upload the signed form, submit,
 * and supply the correction items addressed to it.
 */
export const applicationPages: Pages = ({ pages, uploads }, services) => {
  const { sql } = services;
  const render = applicationPage(services);
  /** The application of this request's URL, if it is one the enterprise sees. */
  const target = (req: Request, res: Response) =>
    applicationOfEnterprise(sql, res.locals.enterprise!.id, String(req.params.id));

  pages.get(paths.org.application.pattern, (req, res) => {
    const { values, errors } = takeRefused(req);
    return render(req, res, values, errors);
  });

  // The written decision, for the enterprise the application names.
  pages.get(paths.org.decision.pattern, async (req, res) => {
    const enterprise = res.locals.enterprise!;
    const application = await applicationOfEnterprise(sql, enterprise.id, String(req.params.id));
    await showWrittenDecision(res, sql, application.id, paths.org.application(application.id));
  });

  pages.post(paths.org.confirm.pattern, async (req, res) => {
    const application = await target(req, res);
    const values = trimmed(req.body);
    const parsed = confirmationForm(application.kind, application.profession).safeParse(values);
    const errors: Record<string, string> = parsed.success ? {} : formatErrors(parsed.error).fields;
    if (values.commitment !== 'yes') errors.commitment = '请阅读并勾选企业承诺后再确认';
    if (!parsed.success || Object.keys(errors).length > 0) {
      return render(req, res.status(422), values, fieldErrors(errors));
    }
    onRefusal(req, res, (problems) =>
      render(req, res, values, problemErrors(problems, REFUSAL_AT)),
    );
    await confirmAsEnterprise(services, {
      accountId: req.user!.id,
      applicationId: application.id,
      expectedVersion: postedVersion(values.version),
      confirmation: parsed.data,
    });
    res.redirect(303, `${paths.org.application(application.id)}?done=confirmed`);
  });

  pages.post(paths.org.return.pattern, async (req, res) => {
    const application = await target(req, res);
    const values = trimmed(req.body);
    const parsed = returnForm.safeParse(values);
    if (!parsed.success) return render(req, res.status(422), values, formatErrors(parsed.error));
    const { reason } = parsed.data;
    await transition(services, {
      applicationId: application.id,
      action: 'return',
      actor: actorOf(req.user!),
      reason,
      expectedVersion: postedVersion(values.version),
    });
    res.redirect(303, `${paths.org.application(application.id)}?done=returned`);
  });

  pages.post(paths.org.submit.pattern, async (req, res) => {
    const application = await target(req, res);
    onRefusal(req, res, (problems) => render(req, res, {}, problemErrors(problems, REFUSAL_AT)));
    await transition(services, {
      applicationId: application.id,
      action: 'submit',
      actor: actorOf(req.user!),
      expectedVersion: postedVersion(trimmed(req.body).version),
    });
    res.redirect(303, `${paths.org.application(application.id)}?done=submitted`);
  });

  /** An upload route's application, after its enterprise (upload routes skip the page middleware). */
  const uploadTarget = async (req: Request, res: Response) => {
    res.locals.enterprise = await enterpriseOfAccount(sql, req.user!.id);
    return target(req, res);
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
        const message = upload.ok ? '' : upload.message;
        const page = paths.org.application(application.id);
        return redirectRefused(req, res, page, fieldErrors({ signedForm: message }));
      }
      const outcome = await attachSignedForm(services, {
        accountId: req.user!.id,
        applicationId: application.id,
        document: upload.document,
        snapshotVersion: application.snapshotVersion,
      });
      services.logger.info(
        {
          applicationId: application.id,
          qr: outcome.ok ? outcome.qr : outcome.problem.code,
          decodeMs: outcome.decodeMs,
        },
        'signed form scan read',
      );
      if (!outcome.ok) {
        const page = paths.org.application(application.id);
        const errors = problemErrors([outcome.problem], { at: '#signedForm' });
        return redirectRefused(req, res, page, errors);
      }
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
          const { fields } = formatErrors(parsed.error);
          const atItem = Object.entries(fields).map(([k, m]): [string, string] => [
            `${field}-${k}`,
            m,
          ]);
          const page = paths.org.application(application.id);
          return redirectRefused(req, res, page, fieldErrors(Object.fromEntries(atItem)), values);
        }
        supplied = {
          licence: { type: parsed.data.licenceType, number: parsed.data.licenceNumber },
        };
      } else {
        const material = await suppliedMaterial(req, field);
        if (!material.ok) {
          const page = paths.org.application(application.id);
          return redirectRefused(req, res, page, fieldErrors(material.errors), values);
        }
        supplied = material.supplied;
        document = material.document;
      }
      // A signed form sent again whose QR is another application's or version's: beside the
      // file, with the link to the current form above it.
      onRefusal(req, res, (problems) => {
        const page = paths.org.application(application.id);
        const errors = problemErrors(problems, { at: `#${field}`, field });
        return redirectRefused(req, res, page, errors, values);
      });
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
};

/** The application's page, shown again with what was typed and the errors when refused. */
function applicationPage({ sql, clock }: Services) {
  return async (
    req: Request,
    res: Response,
    values: Record<string, unknown>,
    errors: FormErrors,
  ) => {
    const enterprise = res.locals.enterprise!;
    const application = await applicationOfEnterprise(sql, enterprise.id, String(req.params.id));
    const snapshot = (application.snapshot ?? {}) as Record<string, unknown>;
    const content = readDraft(snapshot);
    const items = await itemsOf(sql, application.id);
    res.render('pages/org/application', {
      title: `${applicantName(snapshot, application.personName)}的${kindNames[application.kind]}申请`,
      application,
      content,
      materials: materialsOf(application, content),
      ...(await authorityStatusOf(sql, application.id, items)),
      decisionHref: paths.org.decision(application.id),
      announcement: await announcementListing(sql, application),
      today: businessDate(clock.now()),
      corrections: items.filter((i) => i.addressedTo === 'enterprise'),
      signedFormReasons: SIGNED_FORM_REASONS,
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
      limits: FORM_LIMITS,
      registration: await registrationOfApplication(sql, application),
      deadlineChanges: await deadlineChangesOf(sql, application.id),
      done: req.query.done,
    });
  };
}

/** The text fields of the page's forms: the licence, a correction's note, a return's reason. */
const FORM_LIMITS = {
  ...inputLimits(licenceFields),
  ...inputLimits(correctionNoteForm),
  ...inputLimits(returnForm),
};

/** The applicant's name as the snapshot holds it (else as the registry does now). */
function applicantName(snapshot: Record<string, unknown>, current: string): string {
  const frozen = (snapshot.person as { name?: unknown } | null | undefined)?.name;
  return typeof frozen === 'string' ? frozen : current;
}
