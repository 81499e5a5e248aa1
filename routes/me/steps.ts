import type { Request, Response } from 'express';
import type { Step } from '../../lib/filing/index.js';
import {
  isEditable,
  materialsFor,
  saveDraft,
  saveChangePhoto,
  saveMaterial,
  stepAfter,
  stepBefore,
  stepContextOf,
  stepOf,
  stepsFor,
} from '../../lib/filing/index.js';
import type { ApplicationDetail } from '../../lib/person/index.js';
import { applicationOfPerson } from '../../lib/person/index.js';
import type { FormErrors, Problem } from '../../lib/platform/index.js';
import { NotFoundError, businessDate, fieldErrors, trimmed } from '../../lib/platform/index.js';
import { EDUCATION_LEVELS, PROVINCES, professions } from '../../lib/reference/index.js';
import type { ApplicationDraft } from '../../lib/workflow/index.js';
import type { Pages } from '../area.js';
import { requireRole } from '../middleware/auth.js';
import { onRefusal, problemErrors } from '../middleware/refusals.js';
import { withFixes } from './fixes.js';
import { redirectRefused, takeRefused } from '../middleware/flash.js';
import { uploadFields, uploadedDocument, uploadedPhoto } from '../middleware/uploads.js';
import { paths } from '../paths.js';

type LoadedStep = {
  detail: ApplicationDetail;
  step: Step;
  context: ReturnType<typeof stepContextOf>;
};

/**
 * The application's steps (the wizard): every step is a row of lib/filing/steps.ts, shown by its
 * view views/pages/me/steps/<id>.eta; this file only carries them over HTTP.
 */
export const stepPages: Pages = ({ pages, uploads }, services) => {
  const { sql, clock } = services;

  /** The person's own application and one of its steps; any other is not found. */
  const load = async (req: Request, stepId: string): Promise<LoadedStep> => {
    const detail = await applicationOfPerson(sql, req.user!.id, String(req.params.id), {
      whenExpired: 'say so',
    });
    const context = stepContextOf(detail.application);
    const step = stepOf(stepId);
    if (!step || !stepsFor(context.kind, context.profession).includes(step.id)) {
      throw new NotFoundError();
    }
    return { detail, step, context };
  };

  const render = async (
    req: Request,
    res: Response,
    { detail, step, context }: LoadedStep,
    values: Record<string, unknown>,
    errors: FormErrors,
  ) => {
    const at = clock.now();
    const { application } = detail;
    const extra = step.pageData
      ? await step.pageData(services, {
          application,
          context,
          accountId: req.user!.id,
          at,
          query: req.query,
        })
      : {};
    // A step's problems come with the link to what would remove each.
    if (Array.isArray(extra.problems)) {
      extra.problems = withFixes(extra.problems as Problem[], application);
    }
    const before = stepBefore(step.id, context);
    const steps = stepsFor(context.kind, context.profession);
    res.render(`pages/me/steps/${step.id}`, {
      title: step.title,
      ...detail,
      step: step.id,
      stepNumber: steps.indexOf(step.id) + 1,
      stepCount: steps.length,
      draft: context.draft,
      values: { ...formValuesOf(context.draft), ...values },
      errors,
      specialtyOptions: professions[context.profession].specialties,
      educationLevels: EDUCATION_LEVELS,
      provinces: PROVINCES.filter((p) => p !== ('江苏' as string)),
      fromCheck: req.query.from === 'check' || values.from === 'check',
      back: before ? paths.me.step(application.id, before) : paths.me.application(application.id),
      today: businessDate(at),
      limits: step.limits ?? {},
      ...extra,
    });
  };

  pages.get(paths.me.step.pattern, async (req, res) => {
    const loaded = await load(req, String(req.params.step));
    const { application } = loaded.detail;
    if (!isEditable(application)) return res.redirect(303, paths.me.application(application.id));
    const { values, errors } = takeRefused(req);
    await render(req, res, loaded, values, errors);
  });

  pages.post(paths.me.step.pattern, async (req, res) => {
    const loaded = await load(req, String(req.params.step));
    const { detail, step, context } = loaded;
    const id = detail.application.id;
    if (!isEditable(detail.application)) return res.redirect(303, paths.me.application(id));
    const values = trimmed(req.body);
    // The rules refuse a confirmation: the page again, as it is now, with why at its answers.
    onRefusal(req, res, async (problems) =>
      render(
        req,
        res,
        await load(req, step.id),
        values,
        problemErrors(problems, { at: '#answers' }),
      ),
    );
    const outcome = await step.submit(
      services,
      { application: detail.application, context, accountId: req.user!.id, at: clock.now() },
      values,
    );
    if (!outcome.ok) {
      const errors =
        'errors' in outcome
          ? outcome.errors
          : problemErrors(outcome.refused, { at: (p) => `#${p.field ?? 'problems'}` });
      return render(req, res.status(422), loaded, values, errors);
    }
    if (outcome.patch) await saveDraft(services, req.user!.id, id, outcome.patch);
    if (outcome.confirmed) return res.redirect(303, `${paths.me.application(id)}?confirmed=1`);
    res.redirect(
      303,
      values.from === 'check'
        ? paths.me.step(id, 'check')
        : paths.me.step(id, stepAfter(step.id, context)),
    );
  });

  // One material of the uploads step.
  uploads.post(
    paths.me.upload.pattern,
    requireRole('person'),
    uploadFields([{ name: 'file' }]),
    async (req, res) => {
      const loaded = await load(req, 'uploads');
      const { detail, context } = loaded;
      const purpose = String(req.params.purpose);
      const material = materialsFor(context.kind, context.draft).find((m) => m.purpose === purpose);
      if (!material) throw new NotFoundError();
      const id = detail.application.id;
      if (!isEditable(detail.application)) return res.redirect(303, paths.me.application(id));
      const upload = await uploadedDocument(req, 'file', `请选择${material.name}文件`);
      if (!upload.ok || !upload.document) {
        const message = upload.ok ? '' : upload.message;
        return redirectRefused(
          req,
          res,
          paths.me.step(id, 'uploads'),
          fieldErrors({ [`upload-${purpose}`]: message }),
        );
      }
      await saveMaterial(services, req.user!.id, id, purpose, upload.document);
      res.redirect(303, paths.me.step(id, 'uploads'));
    },
  );
  // The new ID photo of a personal change: its own form on the change step, checked and
  // re-encoded as the profile photo is.
  uploads.post(
    paths.me.changePhoto.pattern,
    requireRole('person'),
    uploadFields([{ name: 'photo' }]),
    async (req, res) => {
      const { detail } = await load(req, 'change');
      const id = detail.application.id;
      if (!isEditable(detail.application)) return res.redirect(303, paths.me.application(id));
      const page = paths.me.step(id, 'change');
      const upload = await uploadedPhoto(req, '请选择新的证件照');
      if (!upload.ok) {
        return redirectRefused(req, res, page, fieldErrors(upload.errors), trimmed(req.body));
      }
      await saveChangePhoto(services, req.user!.id, id, upload.photo);
      res.redirect(303, page);
    },
  );
};

/** A draft's values as the flat names the step forms use. */
function formValuesOf(draft: ApplicationDraft): Record<string, unknown> {
  const oop = draft.outOfProvince ?? {};
  return {
    ...draft.employment,
    specialties: draft.specialties ?? [],
    education: draft.change?.education ?? '',
    identity: draft.change?.name ? 'yes' : '',
    note: draft.change?.note ?? '',
    examProvince: oop.examProvince ?? '',
    certificateNumber: oop.certificateNumber ?? '',
    passYear: oop.passYear ?? '',
    registeredElsewhere:
      oop.registeredElsewhere === undefined ? '' : oop.registeredElsewhere ? 'yes' : 'no',
    previousRegistration: oop.previousRegistration ?? '',
  };
}
