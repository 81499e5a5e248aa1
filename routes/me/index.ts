import { Router } from 'express';
import type { z } from 'zod';
import type { ApplicationDraft } from '../../lib/workflow/index.js';
import {
  actionNames,
  findTransition,
  kindNames,
  readDraft,
  stateNames,
  transition,
} from '../../lib/workflow/index.js';
import {
  changeForm,
  commitmentForm,
  confirmDeadline,
  educationForm,
  employerForm,
  employmentForm,
  filingProblems,
  isStepComplete,
  KIND_CHOICES,
  kindForm,
  materialsFor,
  nextStep,
  outOfProvinceForm,
  professionForm,
  profileForm,
  saveDraft,
  saveMaterial,
  specialtiesForm,
  startApplication,
  STEP_IDS,
  stepAfter,
  stepsFor,
  stepTitles,
  withdrawForm,
} from '../../lib/filing/index.js';
import type { StepContext, StepId } from '../../lib/filing/index.js';
import {
  COMMITMENT_MISSING,
  enterpriseChoice,
  materialsWithFiles,
  searchEnterprises,
} from '../../lib/filing/index.js';
import { itemsOf, supplyItem } from '../../lib/corrections/index.js';
import {
  businessDate,
  cleanText,
  ConflictError,
  fieldErrors,
  formatErrors,
  noErrors,
  NotFoundError,
  RuleError,
  trimmed,
} from '../../lib/platform/index.js';
import type { FormErrors } from '../../lib/platform/index.js';
import { requireRole } from '../middleware/auth.js';
import { paths } from '../paths.js';
import type { ApplicationDetail } from '../../lib/person/index.js';
import {
  applicationOfPerson,
  applicationsOf,
  dashboardOf,
  mayEditParticulars,
  personOfAccount,
  setPhoto,
  updateProfile,
} from '../../lib/person/index.js';
import {
  EDUCATION_LEVELS,
  PROFESSIONS,
  PROVINCES,
  professions,
} from '../../lib/reference/index.js';
import {
  suppliedMaterial,
  uploadedDocument,
  uploadedFile,
  uploadFields,
} from '../middleware/uploads.js';
import { preparePhoto } from '../../lib/files/index.js';
import type { Services } from '../../lib/services/index.js';
import type { Request, Response } from 'express';

/** Names and helpers every /me view uses. */
const viewHelpers = { kindNames, stateNames, actionNames, professions, stepTitles };

/**
 * The person's pages. `uploads` holds the forms that send files: mounted before the app-wide CSRF
 * check, they parse the multipart body and check its token themselves (uploadFields).
 */
export function meRoutes(services: Services): { pages: Router; uploads: Router } {
  const { sql, clock, fileStore } = services;
  const router = Router();
  const uploads = Router();
  router.use(paths.me.home, requireRole('person'));
  const accountOf = (req: Request) => req.user!.id;

  router.get(paths.me.home, async (req, res) => {
    const dashboard = await dashboardOf(sql, accountOf(req), clock.now());
    res.render('pages/me/home', { title: '个人中心', ...viewHelpers, ...dashboard });
  });

  // Profile: contact details always; particulars only while no registration exists.
  const renderProfile = profilePage(services);
  router.get(paths.me.profile, (req, res) => renderProfile(req, res, {}, noErrors));
  router.post(paths.me.profile, async (req, res) => {
    const values = trimmed(req.body);
    const contact = profileForm.safeParse(values);
    const wantsEducation = typeof values.education === 'string';
    const education = wantsEducation ? educationForm.safeParse(values) : undefined;
    if (!contact.success || (education && !education.success)) {
      const errors = {
        ...(contact.success ? {} : formatErrors(contact.error).fields),
        ...(education && !education.success ? formatErrors(education.error).fields : {}),
      };
      res.status(422);
      return renderProfile(req, res, values, fieldErrors(errors));
    }
    await updateProfile(
      sql,
      accountOf(req),
      { ...contact.data, ...(education?.success ? education.data : {}) },
      clock.now(),
    );
    res.redirect(303, `${paths.me.profile}?saved=details`);
  });

  router.get(paths.me.qualifications, async (req, res) => {
    const dashboard = await dashboardOf(sql, accountOf(req), clock.now());
    const entries = (await applicationsOf(sql, dashboard.person.personId, 'all')).filter(
      (a) => a.kind === 'out_of_province_qualification',
    );
    res.render('pages/me/qualifications', {
      title: '我的资格',
      ...viewHelpers,
      ...dashboard,
      entries,
      errors: noErrors,
    });
  });
  router.post(paths.me.outOfProvince, async (req, res) => {
    const { profession } = trimmed(req.body);
    if (profession !== 'architect' && profession !== 'structural_engineer')
      throw new NotFoundError();
    const app = await startApplication(services, accountOf(req), {
      kind: 'out_of_province_qualification',
      profession,
    });
    res.redirect(303, paths.me.step(app.id, 'out-of-province'));
  });

  // Apply (注册申报): the kind, then the profession; then the application's own steps.
  router.get(paths.me.apply, (_req, res) => {
    res.render('pages/me/apply-kind', {
      title: '注册申报：选择申请事项',
      choices: KIND_CHOICES,
      values: {},
      errors: noErrors,
    });
  });
  router.post(paths.me.apply, (req, res) => {
    const values = trimmed(req.body);
    const parsed = kindForm.safeParse(values);
    if (!parsed.success) {
      return res.status(422).render('pages/me/apply-kind', {
        title: '注册申报：选择申请事项',
        choices: KIND_CHOICES,
        values,
        errors: formatErrors(parsed.error),
      });
    }
    res.redirect(303, `${paths.me.applyProfession}?kind=${parsed.data.kind}`);
  });
  const renderProfession = (res: Response, kind: unknown, values: object, errors: FormErrors) => {
    const choice = KIND_CHOICES.find((k) => k.value === kind);
    if (!choice) return res.redirect(303, paths.me.apply);
    res.render('pages/me/apply-profession', {
      title: '注册申报：选择注册类别',
      kind: choice,
      options: PROFESSIONS.filter((p) => kind !== 'demonstration_zone' || p === 'constructor').map(
        (p) => ({ value: p, label: professions[p].name }),
      ),
      values,
      errors,
    });
  };
  router.get(paths.me.applyProfession, (req, res) => {
    renderProfession(res, req.query.kind, {}, noErrors);
  });
  router.post(paths.me.applyProfession, async (req, res) => {
    const values = trimmed(req.body);
    const parsed = professionForm.safeParse(values);
    if (!parsed.success) {
      res.status(422);
      return renderProfession(res, values.kind, values, formatErrors(parsed.error));
    }
    const { kind, profession } = parsed.data;
    const app = await startApplication(services, accountOf(req), {
      kind: kind === 'demonstration_zone' ? 'initial' : kind,
      profession,
      demonstrationZone: kind === 'demonstration_zone',
    });
    res.redirect(303, paths.me.step(app.id, 'eligibility'));
  });

  router.get(paths.me.applications, async (req, res) => {
    const person = await personOfAccount(sql, accountOf(req));
    res.render('pages/me/applications', {
      title: '我的办件',
      ...viewHelpers,
      applications: await applicationsOf(sql, person.personId, 'all'),
      withdrawn: req.query.withdrawn === '1',
    });
  });

  const renderApplication = async (
    req: Request,
    res: Response,
    values: Record<string, unknown>,
    errors: FormErrors,
  ) => {
    const detail = await applicationOfPerson(sql, accountOf(req), String(req.params.id));
    const context = stepContext(detail);
    const editable = isEditable(detail);
    res.render('pages/me/application', {
      title: `${kindNames[detail.application.kind]}申请`,
      ...viewHelpers,
      ...detail,
      editable,
      steps: editable
        ? stepsFor(context.kind, context.profession).map((id) => ({
            id,
            done: isStepComplete(id, context),
          }))
        : [],
      resumeAt: editable ? nextStep(context) : null,
      deadline: editable ? confirmDeadline(detail.application, services) : null,
      mayWithdraw: Boolean(
        findTransition(detail.application.kind, detail.application.state, 'withdraw', 'person'),
      ),
      snapshot: readDraft(detail.application.snapshot),
      snapshotPerson: (detail.application.snapshot as { person?: object } | null)?.person,
      corrections: (await itemsOf(sql, detail.application.id)).filter(
        (i) => i.addressedTo === 'person',
      ),
      confirmed: req.query.confirmed === '1',
      supplied: req.query.supplied === '1',
      values,
      errors,
    });
  };
  router.get(paths.me.application.pattern, (req, res) => renderApplication(req, res, {}, noErrors));

  router.get(paths.me.withdraw.pattern, async (req, res) => {
    const detail = await applicationOfPerson(sql, accountOf(req), String(req.params.id));
    res.render('pages/me/withdraw', { title: '撤回申请', ...viewHelpers, ...detail });
  });
  router.post(paths.me.withdraw.pattern, async (req, res) => {
    const parsed = withdrawForm.safeParse(req.body);
    if (!parsed.success) throw new ConflictError('页面已过期，请返回申请页面刷新后重试。');
    const { version } = parsed.data;
    await transition(services, {
      applicationId: String(req.params.id),
      action: 'withdraw',
      actor: { role: 'person', accountId: accountOf(req) },
      expectedVersion: version,
    });
    res.redirect(303, `${paths.me.applications}?withdrawn=1`);
  });

  // The application's steps.
  const loadStep = async (req: Request, fixedStep?: StepId) => {
    const detail = await applicationOfPerson(sql, accountOf(req), String(req.params.id));
    const step = fixedStep ?? (String(req.params.step) as StepId);
    const context = stepContext(detail);
    if (!STEP_IDS.includes(step) || !stepsFor(context.kind, context.profession).includes(step)) {
      throw new NotFoundError();
    }
    return { detail, step, context };
  };

  const renderStep = async (
    req: Request,
    res: Response,
    loaded: Awaited<ReturnType<typeof loadStep>>,
    values: Record<string, unknown>,
    errors: FormErrors,
  ) => {
    const { detail, step, context } = loaded;
    const extra: Record<string, unknown> = {};
    const now = clock.now();
    if (step === 'eligibility') {
      extra.problems = await filingProblems(
        sql,
        filingOf(detail),
        now,
        services.rules,
        'eligibility',
      );
    }
    if (step === 'employer') {
      const query = typeof req.query.q === 'string' ? cleanText(req.query.q).slice(0, 100) : '';
      extra.query = query;
      extra.results = await searchEnterprises(sql, query, detail.application.demonstrationZone);
      extra.chosen = detail.application.enterpriseId
        ? await enterpriseChoice(sql, detail.application.enterpriseId)
        : undefined;
    }
    if (step === 'uploads') {
      extra.materials = await materialsWithFiles(sql, context.kind, context.draft);
    }
    if (step === 'check') {
      extra.person = await personOfAccount(sql, accountOf(req));
      extra.problems = await filingProblems(
        sql,
        filingOf(detail),
        now,
        services.rules,
        'confirmation',
      ).then((all) => all.filter((p) => p.code !== COMMITMENT_MISSING));
      extra.stepsDone = stepsFor(context.kind, context.profession).map((id) => ({
        id,
        done: isStepComplete(id, context),
      }));
    }
    const draft = context.draft;
    res.render(`pages/me/steps/${step}`, {
      title: stepTitles[step],
      ...viewHelpers,
      ...detail,
      step,
      draft,
      values: { ...flatDraft(draft), ...values },
      errors,
      specialtyOptions: context.profession ? professions[context.profession].specialties : [],
      educationLevels: EDUCATION_LEVELS,
      provinces: PROVINCES.filter((p) => p !== ('江苏' as string)),
      fromCheck: req.query.from === 'check' || values.from === 'check',
      back: previousStepPath(detail, step),
      today: businessDate(now),
      ...extra,
    });
  };

  router.get(paths.me.step.pattern, async (req, res) => {
    const loaded = await loadStep(req);
    if (!isEditable(loaded.detail)) {
      return res.redirect(303, paths.me.application(loaded.detail.application.id));
    }
    await renderStep(req, res, loaded, {}, noErrors);
  });

  router.post(paths.me.step.pattern, async (req, res) => {
    const loaded = await loadStep(req);
    const { detail, step, context } = loaded;
    const id = detail.application.id;
    if (!isEditable(detail)) return res.redirect(303, paths.me.application(id));
    const values = trimmed(req.body);
    const invalid = (error: z.ZodError) => {
      res.status(422);
      return renderStep(req, res, loaded, values, formatErrors(error));
    };
    const save = (patch: ApplicationDraft & { enterpriseId?: string }) =>
      saveDraft(services, accountOf(req), id, patch);
    const next = () =>
      res.redirect(
        303,
        values.from === 'check'
          ? paths.me.step(id, 'check')
          : paths.me.step(id, stepAfter(step, context)),
      );

    switch (step) {
      case 'eligibility': {
        const problems = await filingProblems(
          sql,
          filingOf(detail),
          clock.now(),
          services.rules,
          'eligibility',
        );
        if (problems.length > 0) {
          res.status(422);
          return renderStep(req, res, loaded, values, {
            summary: problems.map((p) => ({ href: '#problems', text: p.message })),
            fields: {},
          });
        }
        await save({ eligibilityChecked: true });
        return next();
      }
      case 'employer': {
        const parsed = employerForm.safeParse(values);
        if (!parsed.success) return invalid(parsed.error);
        const chosen = await enterpriseChoice(sql, parsed.data.enterpriseId);
        if (!chosen) {
          res.status(422);
          return renderStep(
            req,
            res,
            loaded,
            values,
            fieldErrors({ enterpriseId: '请从搜索结果中选择聘用企业' }),
          );
        }
        await save({ enterpriseId: chosen.id });
        return next();
      }
      case 'employment': {
        const parsed = employmentForm.safeParse(values);
        if (!parsed.success) return invalid(parsed.error);
        await save({ employment: parsed.data });
        return next();
      }
      case 'specialties': {
        const parsed = specialtiesForm(context.profession).safeParse(req.body);
        if (!parsed.success) return invalid(parsed.error);
        await save({ specialties: parsed.data.specialties });
        return next();
      }
      case 'change': {
        const parsed = changeForm.safeParse(values);
        if (!parsed.success) return invalid(parsed.error);
        const change: Record<string, string> = {};
        if (parsed.data.education) change.education = parsed.data.education;
        if (parsed.data.note) change.note = parsed.data.note;
        await save({ change });
        return next();
      }
      case 'out-of-province': {
        const thisYear = Number(businessDate(clock.now()).slice(0, 4));
        const parsed = outOfProvinceForm(thisYear).safeParse(values);
        if (!parsed.success) return invalid(parsed.error);
        const { registeredElsewhere, previousRegistration, ...entry } = parsed.data;
        await save({
          outOfProvince: {
            ...entry,
            registeredElsewhere: registeredElsewhere === 'yes',
            previousRegistration: registeredElsewhere === 'yes' ? previousRegistration : '',
          },
        });
        return next();
      }
      case 'uploads': {
        const missing = materialsFor(context.kind, context.draft).filter(
          (m) => m.required && !context.draft.uploads?.[m.purpose],
        );
        if (missing.length > 0) {
          res.status(422);
          return renderStep(
            req,
            res,
            loaded,
            values,
            fieldErrors(
              Object.fromEntries(missing.map((m) => [`upload-${m.purpose}`, `请上传${m.name}`])),
            ),
          );
        }
        return next();
      }
      case 'check': {
        const parsed = commitmentForm.safeParse(values);
        if (!parsed.success) return invalid(parsed.error);
        await save({ commitment: true });
        try {
          await transition(services, {
            applicationId: id,
            action: 'confirm',
            actor: { role: 'person', accountId: accountOf(req) },
            expectedVersion: detail.application.version,
          });
        } catch (error) {
          // Not confirmed: the commitment is given again with the next try. (When someone else's
          // request confirmed it meanwhile, the draft is no longer editable and stays as it is.)
          await save({ commitment: false }).catch(() => undefined);
          if (!(error instanceof RuleError)) throw error;
          res.status(422);
          return renderStep(req, res, await loadStep(req), values, {
            summary: error.problems.map((p) => ({ href: '#answers', text: p.message })),
            fields: {},
          });
        }
        return res.redirect(303, `${paths.me.application(id)}?confirmed=1`);
      }
    }
  });

  // The ID photo.
  uploads.post(
    paths.me.photo,
    requireRole('person'),
    uploadFields([{ name: 'photo' }]),
    async (req, res) => {
      const values = trimmed(req.body);
      const errors: Record<string, string> = { ...req.uploadErrors };
      const photo = uploadedFile(req, 'photo');
      let prepared: Buffer | undefined;
      if (!errors.photo && !photo) errors.photo = '请选择证件照';
      if (!errors.photo && photo) {
        const result = await preparePhoto(photo.buffer);
        if (result.ok) prepared = result.bytes;
        else errors.photo = result.message;
      }
      if (values.photoRecent !== 'yes') {
        errors.photoRecent = '请确认照片是近6个月内拍摄的免冠证件照';
      }
      if (!prepared || !photo || Object.keys(errors).length > 0) {
        res.status(422);
        return renderProfile(req, res, values, fieldErrors(errors));
      }
      await setPhoto(
        sql,
        fileStore,
        accountOf(req),
        { bytes: prepared, originalName: photo.originalname },
        clock.now(),
      );
      res.redirect(303, `${paths.me.profile}?saved=photo`);
    },
  );

  // The materials of an application (the uploads step).
  uploads.post(
    paths.me.upload.pattern,
    requireRole('person'),
    uploadFields([{ name: 'file' }]),
    async (req, res) => {
      const loaded = await loadStep(req, 'uploads');
      const { detail, context } = loaded;
      const purpose = String(req.params.purpose);
      const material = materialsFor(context.kind, context.draft).find((m) => m.purpose === purpose);
      if (!material) throw new NotFoundError();
      const id = detail.application.id;
      if (!isEditable(detail)) return res.redirect(303, paths.me.application(id));
      const field = `upload-${purpose}`;
      const upload = await uploadedDocument(req, 'file', `请选择${material.name}文件`);
      if (!upload.ok || !upload.document) {
        res.status(422);
        const message = upload.ok ? '' : upload.message;
        return renderStep(req, res, loaded, {}, fieldErrors({ [field]: message }));
      }
      await saveMaterial(services, accountOf(req), id, purpose, upload.document);
      res.redirect(303, paths.me.step(id, 'uploads'));
    },
  );

  // A correction item addressed to the person: a note and/or a file.
  uploads.post(
    paths.me.correction.pattern,
    requireRole('person'),
    uploadFields([{ name: 'file' }]),
    async (req, res) => {
      // Only the person's own open item; anything else is not found, before anything is stored.
      const detail = await applicationOfPerson(sql, accountOf(req), String(req.params.id));
      const item = (await itemsOf(sql, detail.application.id)).find(
        (i) => i.id === String(req.params.itemId) && i.addressedTo === 'person',
      );
      if (!item) throw new NotFoundError();
      if (item.closedAt) throw new ConflictError('这项补正已经办结，无需再次提交。');
      const values = trimmed(req.body);
      const field = `correction-${item.id}`;
      const material = await suppliedMaterial(req, field);
      if (!material.ok) {
        res.status(422);
        return renderApplication(req, res, values, fieldErrors(material.errors));
      }
      await supplyItem(services, {
        itemId: item.id,
        party: 'person',
        accountId: accountOf(req),
        supplied: material.supplied,
        document: material.document,
      });
      res.redirect(303, `${paths.me.application(detail.application.id)}?supplied=1`);
    },
  );

  return { pages: router, uploads };
}

/** The profile page, shown again with what was typed and the errors when a form is refused. */
function profilePage({ sql }: Services) {
  return async (req: Request, res: Response, values: object, errors: FormErrors) => {
    const person = await personOfAccount(sql, req.user!.id);
    res.render('pages/me/profile', {
      title: '个人信息',
      person,
      values: { ...person, ...values },
      errors,
      educationLevels: EDUCATION_LEVELS,
      mayEditParticulars: await mayEditParticulars(sql, person.personId),
      saved: req.query.saved,
    });
  };
}

function isEditable(detail: ApplicationDetail): boolean {
  return detail.application.state === 'draft' || detail.application.state === 'returned';
}

function stepContext(detail: ApplicationDetail): StepContext {
  const { application } = detail;
  return {
    kind: application.kind,
    profession: application.profession!,
    enterpriseId: application.enterpriseId,
    draft: readDraft(application.draft),
  };
}

function filingOf(detail: ApplicationDetail) {
  const { application } = detail;
  return {
    personId: application.personId!,
    kind: application.kind,
    profession: application.profession!,
    enterpriseId: application.enterpriseId,
    demonstrationZone: application.demonstrationZone,
    draft: readDraft(application.draft),
  };
}

function previousStepPath(detail: ApplicationDetail, step: StepId): string {
  const context = stepContext(detail);
  const steps = stepsFor(context.kind, context.profession);
  const before = steps[steps.indexOf(step) - 1];
  const id = detail.application.id;
  return before ? paths.me.step(id, before) : paths.me.application(id);
}

/** A draft's values as the flat names the step forms use. */
function flatDraft(draft: ApplicationDraft): Record<string, unknown> {
  const oop = draft.outOfProvince ?? {};
  return {
    ...draft.employment,
    specialties: draft.specialties ?? [],
    education: draft.change?.education ?? '',
    note: draft.change?.note ?? '',
    examProvince: oop.examProvince ?? '',
    certificateNumber: oop.certificateNumber ?? '',
    passYear: oop.passYear ?? '',
    registeredElsewhere:
      oop.registeredElsewhere === undefined ? '' : oop.registeredElsewhere ? 'yes' : 'no',
    previousRegistration: oop.previousRegistration ?? '',
  };
}
