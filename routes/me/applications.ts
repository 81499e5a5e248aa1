import { announcementListing } from '../../lib/announcements/index.js';
import type { Request, Response } from 'express';
import { correctionNoteForm, itemsOf, supplyItem } from '../../lib/corrections/index.js';
import {
  confirmDeadline,
  isEditable,
  isStepComplete,
  nextStep,
  stepContextOf,
  stepsFor,
} from '../../lib/filing/index.js';
import { applicationOfPerson, applicationsOf, personOfAccount } from '../../lib/person/index.js';
import type { FormErrors } from '../../lib/platform/index.js';
import {
  ConflictError,
  fieldErrors,
  inputLimits,
  NotFoundError,
  trimmed,
} from '../../lib/platform/index.js';
import type { Services } from '../../lib/services/index.js';
import { businessDate } from '../../lib/platform/index.js';
import { findTransition, kindNames, readDraft } from '../../lib/workflow/index.js';
import type { Pages } from '../area.js';
import { requireRole } from '../middleware/auth.js';
import { redirectRefused, takeRefused } from '../middleware/flash.js';
import { suppliedMaterial, uploadFields } from '../middleware/uploads.js';
import { paths } from '../paths.js';
import { registrationOfApplication } from '../../lib/registrations/index.js';
import { deadlineChangesOf } from '../../lib/calendar/index.js';
import { authorityStatusOf } from '../../lib/authority/index.js';
import { showWrittenDecision } from '../authority/written-decision.js';

/** The person's applications, one application's page, and the correction items it asks of them. */
export const applicationPages: Pages = ({ pages, uploads }, services) => {
  const { sql } = services;
  pages.get(paths.me.applications, async (req, res) => {
    const person = await personOfAccount(sql, req.user!.id);
    res.render('pages/me/applications', {
      title: '我的办件',
      applications: await applicationsOf(sql, person.personId, 'all'),
      withdrawn: req.query.withdrawn === '1',
    });
  });

  // The written decision, for the person whose application it decides.
  pages.get(paths.me.decision.pattern, async (req, res) => {
    const { application } = await applicationOfPerson(sql, req.user!.id, String(req.params.id));
    await showWrittenDecision(res, sql, application.id, paths.me.application(application.id));
  });

  const render = applicationPage(services);
  pages.get(paths.me.application.pattern, (req, res) => {
    const { values, errors } = takeRefused(req);
    return render(req, res, values, errors);
  });

  // A correction item addressed to the person: a note and/or a file.
  uploads.post(
    paths.me.correction.pattern,
    requireRole('person'),
    uploadFields([{ name: 'file' }]),
    async (req, res) => {
      // Only the person's own open item; anything else is not found, before anything is stored.
      const detail = await applicationOfPerson(sql, req.user!.id, String(req.params.id));
      const item = (await itemsOf(sql, detail.application.id)).find(
        (i) => i.id === String(req.params.itemId) && i.addressedTo === 'person',
      );
      if (!item) throw new NotFoundError();
      if (item.closedAt) throw new ConflictError('这项补正已经办结，无需再次提交。');
      const values = trimmed(req.body);
      const material = await suppliedMaterial(req, `correction-${item.id}`);
      if (!material.ok) {
        const page = paths.me.application(detail.application.id);
        return redirectRefused(req, res, page, fieldErrors(material.errors), values);
      }
      await supplyItem(services, {
        itemId: item.id,
        party: 'person',
        accountId: req.user!.id,
        supplied: material.supplied,
        document: material.document,
      });
      res.redirect(303, `${paths.me.application(detail.application.id)}?supplied=1`);
    },
  );
};

/** One of the person's applications: its steps while editable, its timeline, its corrections. */
function applicationPage(services: Services) {
  const { sql } = services;
  return async (
    req: Request,
    res: Response,
    values: Record<string, unknown>,
    errors: FormErrors,
  ) => {
    const detail = await applicationOfPerson(sql, req.user!.id, String(req.params.id));
    const { application } = detail;
    const context = stepContextOf(application);
    const editable = isEditable(application);
    const items = await itemsOf(sql, application.id);
    res.render('pages/me/application', {
      title: `${kindNames[application.kind]}申请`,
      ...detail,
      editable,
      steps: editable
        ? stepsFor(context.kind, context.profession).map((id) => ({
            id,
            done: isStepComplete(id, context),
          }))
        : [],
      resumeAt: editable ? nextStep(context) : null,
      deadline: editable ? confirmDeadline(application, services) : null,
      mayWithdraw: Boolean(
        findTransition(application.kind, application.state, 'withdraw', 'person'),
      ),
      snapshot: readDraft(application.snapshot),
      snapshotPerson: (application.snapshot as { person?: object } | null)?.person,
      ...(await authorityStatusOf(sql, application.id, items)),
      decisionHref: paths.me.decision(application.id),
      announcement: await announcementListing(sql, application),
      today: businessDate(services.clock.now()),
      corrections: items.filter((i) => i.addressedTo === 'person'),
      confirmed: req.query.confirmed === '1',
      supplied: req.query.supplied === '1',
      values,
      errors,
      limits: inputLimits(correctionNoteForm),
      registration: await registrationOfApplication(sql, application),
      deadlineChanges: await deadlineChangesOf(sql, application.id),
    });
  };
}
