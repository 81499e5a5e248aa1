import postgres from 'postgres';
import {
  applicationDraftSchema,
  FINAL_STATES,
  kindNames,
  lockApplication,
  nextApplicationNumber,
  readDraft,
  recordStart,
  transitionAllIn,
  transitionIn,
} from '../workflow/index.js';
import {
  addDays,
  businessDate,
  ConflictError,
  GoneError,
  NotFoundError,
  RuleError,
} from '../platform/index.js';
import type { Db, Tx } from '../platform/index.js';
import type { FileStore, UploadedDocument } from '../files/index.js';
import type { Profession } from '../reference/index.js';
import { professions } from '../reference/index.js';
import { storeFile } from '../files/index.js';
import type {
  ApplicationDraft,
  ApplicationKind,
  ApplicationRow,
  State,
  WorkflowDeps,
} from '../workflow/index.js';
import { activeRegistrations } from '../registrations/index.js';
import { EXPIRED_APPLICATION } from '../person/index.js';

export type PersonKind = Exclude<ApplicationKind, 'enterprise_rename'>;

export type NewApplication = {
  kind: PersonKind;
  profession: Profession;
  demonstrationZone?: boolean;
};

async function personIdOf(tx: Tx, accountId: string): Promise<string> {
  const [row] = await tx<{ id: string }[]>`select id from persons where account_id = ${accountId}`;
  if (!row) throw new NotFoundError();
  return row.id;
}

/**
 * Starts an application as a draft, with its first event. Kinds other than initial act on the
 * person's active registration in that profession, and so on its enterprise.
 */
export async function startApplication(
  deps: WorkflowDeps,
  accountId: string,
  request: NewApplication,
): Promise<ApplicationRow> {
  const { sql, clock } = deps;
  const at = clock.now();
  try {
    return await sql.begin(async (tx) => {
      const personId = await personIdOf(tx, accountId);
      const current = (await activeRegistrations(tx, personId)).find(
        (r) => r.profession === request.profession,
      );
      const onRegistration =
        request.kind !== 'initial' && request.kind !== 'out_of_province_qualification';
      const number = await nextApplicationNumber(tx, at);
      const draft =
        current && (request.kind === 'renewal' || request.kind === 'additional')
          ? await employmentOfRegistration(tx, personId, current)
          : {};
      const [row] = await tx<{ id: string }[]>`
        insert into applications
          (application_number, kind, profession, person_id, enterprise_id, registration_id,
           demonstration_zone, state, version, draft, started_at, state_changed_at)
        values (${number}, ${request.kind}, ${request.profession}, ${personId},
                ${onRegistration ? (current?.enterpriseId ?? null) : null},
                ${onRegistration ? (current?.id ?? null) : null},
                ${request.kind === 'initial' && (request.demonstrationZone ?? false)},
                'draft', 0, ${tx.json(draft)}, ${at}, ${at})
        returning id`;
      await recordStart(tx, row!.id, { role: 'person', accountId }, at);
      return (await lockApplication(tx, row!.id))!;
    });
  } catch (err) {
    if (err instanceof postgres.PostgresError && err.code === '23505') {
      throw await openApplicationConflict(deps.sql, accountId, request);
    }
    throw err;
  }
}

/**
 * A renewal or an additional registration starts with the employment the registration was last
 * granted on (the latest completed application on it, or the initial one at its enterprise), for
 * the person to check rather than type again; none when there is no such application.
 */
async function employmentOfRegistration(
  tx: Tx,
  personId: string,
  registration: { id: string; profession: string; enterpriseId: string },
): Promise<ApplicationDraft> {
  const [last] = await tx<{ employment: ApplicationDraft['employment'] }[]>`
    select snapshot -> 'employment' as employment from applications
    where person_id = ${personId} and profession = ${registration.profession}
      and state = 'completed' and jsonb_typeof(snapshot -> 'employment') = 'object'
      and (registration_id = ${registration.id}
           or (kind = 'initial' and enterprise_id = ${registration.enterpriseId}))
    order by state_changed_at desc limit 1`;
  return last?.employment ? { employment: last.employment } : {};
}

/**
 * The application that stops this one from starting (one open application per person and
 * profession, one open personal change, one open out-of-province entry per profession): named and
 * linked, so the person can go to it.
 */
async function openApplicationConflict(
  db: Db,
  accountId: string,
  request: NewApplication,
): Promise<ConflictError> {
  const sameSlot =
    request.kind === 'personal_change'
      ? db`a.kind = 'personal_change'`
      : request.kind === 'out_of_province_qualification'
        ? db`a.kind = 'out_of_province_qualification' and a.profession = ${request.profession}`
        : db`a.kind in ('initial', 'additional', 'renewal', 'cancellation')
               and a.profession = ${request.profession}`;
  const [open] = await db<{ id: string; applicationNumber: string; kind: ApplicationKind }[]>`
    select a.id, a.application_number as "applicationNumber", a.kind
    from applications a join persons p on p.id = a.person_id
    where p.account_id = ${accountId} and ${sameSlot}
      and a.state not in ${db(FINAL_STATES as State[])}
    order by a.started_at desc limit 1`;
  const message =
    request.kind === 'personal_change'
      ? '您已有一项个人自然情况变更申请正在办理中，办结或撤回后才能再次申请。'
      : request.kind === 'out_of_province_qualification'
        ? `您的${professions[request.profession].name}省外资格信息录入已在办理中，请勿重复录入。`
        : `您已有一项${professions[request.profession].name}的申请正在办理中，办结或撤回后才能再申请${kindNames[request.kind]}。`;
  const named = open
    ? `${message}正在办理的是${kindNames[open.kind]}申请（${open.applicationNumber}）。`
    : message;
  return new ConflictError(named, [
    { code: 'open_application', message: named, applicationId: open?.id },
  ]);
}

/**
 * Saves wizard input into a draft (or a returned application the person is correcting). Only the
 * person's own, and only while it is theirs to edit; the enterprise of an initial application is
 * chosen here too.
 */
export async function saveDraft(
  deps: WorkflowDeps,
  accountId: string,
  applicationId: string,
  patch: DraftPatch,
): Promise<ApplicationRow> {
  return deps.sql.begin((tx) => saveDraftIn(tx, accountId, applicationId, () => patch));
}

/**
 * The person confirms (承诺 and 确认提交) in one transaction: the commitment is saved and the
 * application moves on; refused by the rules (a RuleError), neither happens, and the commitment is
 * left unchecked, to be given again with the next try.
 */
export async function confirmDraft(
  deps: WorkflowDeps,
  accountId: string,
  applicationId: string,
  expectedVersion: number,
): Promise<ApplicationRow> {
  try {
    return await deps.sql.begin(async (tx) => {
      await saveDraftIn(tx, accountId, applicationId, () => ({ commitment: true }));
      return await transitionIn(tx, deps, {
        applicationId,
        action: 'confirm',
        actor: { role: 'person', accountId },
        expectedVersion,
      });
    });
  } catch (error) {
    // Refused by the rules: the commitment is given again with the next try (an application
    // returned by the enterprise still holds the one of its earlier confirmation).
    if (error instanceof RuleError) {
      await saveDraft(deps, accountId, applicationId, { commitment: false });
    }
    throw error;
  }
}

/**
 * Stores a material the person uploaded and keeps it in the draft under its purpose, in one
 * transaction on the locked draft: a refused save stores no file row, and two uploads at once
 * (two tabs) both stay.
 */
export async function saveMaterial(
  deps: WorkflowDeps & { fileStore: FileStore },
  accountId: string,
  applicationId: string,
  purpose: string,
  document: UploadedDocument,
): Promise<ApplicationRow> {
  return deps.sql.begin((tx) =>
    saveDraftIn(tx, accountId, applicationId, async (current) => ({
      uploads: {
        ...current.uploads,
        [purpose]: await storeFile(tx, deps.fileStore, {
          ...document,
          ownerAccountId: accountId,
          at: deps.clock.now(),
        }),
      },
    })),
  );
}

/**
 * The new ID photo of a personal change, checked and re-encoded as the profile photo is
 * (preparePhoto), stored and named in the change; it becomes the person's photo on approval.
 */
export async function saveChangePhoto(
  deps: WorkflowDeps & { fileStore: FileStore },
  accountId: string,
  applicationId: string,
  photo: { bytes: Buffer; originalName: string },
): Promise<ApplicationRow> {
  return deps.sql.begin((tx) =>
    saveDraftIn(tx, accountId, applicationId, async (current) => ({
      change: {
        ...current.change,
        photoFileId: await storeFile(tx, deps.fileStore, {
          bytes: photo.bytes,
          contentType: 'image/jpeg',
          originalName: photo.originalName,
          ownerAccountId: accountId,
          at: deps.clock.now(),
        }),
      },
    })),
  );
}

/** What a step saves into a draft: its content, and for an initial application the employer. */
export type DraftPatch = ApplicationDraft & { enterpriseId?: string | null };

async function saveDraftIn(
  tx: Tx,
  accountId: string,
  applicationId: string,
  patchOf: (current: ApplicationDraft) => DraftPatch | Promise<DraftPatch>,
): Promise<ApplicationRow> {
  const personId = await personIdOf(tx, accountId);
  const app = await lockApplication(tx, applicationId);
  if (!app || app.personId !== personId) throw new NotFoundError();
  if (app.state === 'expired') throw new GoneError(EXPIRED_APPLICATION);
  if (app.state !== 'draft' && app.state !== 'returned') {
    throw new ConflictError('这项申请已确认提交，不能再修改。');
  }
  const current = readDraft(app.draft);
  const { enterpriseId, ...content } = await patchOf(current);
  // A personal change's new photo is saved by its own form (saveChangePhoto); the change form
  // keeps the one the locked draft holds, even if it was uploaded from another tab meanwhile.
  const photoFileId = current.change?.photoFileId;
  if (content.change && photoFileId && !content.change.photoFileId) {
    content.change = { ...content.change, photoFileId };
  }
  const draft = applicationDraftSchema.parse({ ...current, ...content });
  await tx`
    update applications
    set draft = ${tx.json(draft)},
        enterprise_id = ${app.kind === 'initial' && enterpriseId !== undefined ? enterpriseId : app.enterpriseId}
    where id = ${app.id}`;
  return (await lockApplication(tx, app.id))!;
}

/**
 * Rule 4: drafts and returned applications not confirmed within the set days of starting or of
 * coming back become `expired` (kept, with their event, for audit). The days are Shanghai calendar
 * days and the last one counts (confirmDeadline, as the person's page shows it): started on the
 * 1st, it can be confirmed until the end of the 6th and expires on the 7th. Idempotent: a second
 * run finds nothing left to expire. Returns how many it expired.
 */
export async function expireUnconfirmed(deps: WorkflowDeps): Promise<number> {
  const lastDayChanged = addDays(businessDate(deps.clock.now()), -deps.rules.confirmWithinDays - 1);
  // Set-based: the due applications locked in one statement and moved in a few (transitionAllIn);
  // one confirmed meanwhile is no longer due when its lock is had.
  return deps.sql.begin(async (tx) => {
    const due = await tx<{ id: string }[]>`
      select id from applications
      where state in ('draft', 'returned') and kind <> 'enterprise_rename'
        and (state_changed_at at time zone 'Asia/Shanghai')::date <= ${lastDayChanged}::date
      order by id
      for update`;
    const moved = await transitionAllIn(tx, deps, {
      applicationIds: due.map((d) => d.id),
      action: 'expire',
    });
    return moved.length;
  });
}

/** The last day an application in draft or returned can still be confirmed (Shanghai date). */
export function confirmDeadline(app: ApplicationRow, deps: Pick<WorkflowDeps, 'rules'>): string {
  return addDays(businessDate(app.stateChangedAt), deps.rules.confirmWithinDays);
}
