import { z } from 'zod';
import { recordAudit } from './audit.js';
import { addDays, businessDate } from './clock.js';
import type { Sql, Tx } from './db.js';
import type { FileStore } from './file-store.js';
import type { UploadedDocument } from './uploads.js';
import { ENTERPRISE_SEES_FILES, storeFile } from './uploads.js';
import { containsPattern, isUuid } from './db.js';
import { digitsField } from './form-fields.js';
import type { ApplicationDraft } from './application-draft.js';
import { materialsFor } from './application-steps.js';
import type { CorrectionAsks } from './corrections.js';
import { openItem } from './corrections.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import type { Licence } from './licences.js';
import { licenceFields } from './licences.js';
import type { Profession } from './professions.js';
import type { WorkflowDeps } from './workflow.js';
import { transitionIn } from './workflow.js';
import type { ApplicationKind, State } from './workflow-table.js';
import { ENTERPRISE_SEES_APPLICATION, STOPPED_STATES, sqlStates } from './workflow-table.js';

/** Read models and the information form of the enterprise's pages (/org). */

export type EnterpriseInformation = {
  id: string;
  accountId: string;
  creditCode: string;
  name: string;
  /** The name the legal-person registry holds for the credit code (shown, never typed). */
  registryName: string | null;
  districtCode: string | null;
  legalRepresentative: string | null;
  address: string | null;
  contactName: string | null;
  contactPhone: string | null;
  complete: boolean;
};

export async function enterpriseOfAccount(
  sql: Sql | Tx,
  accountId: string,
): Promise<EnterpriseInformation> {
  const [row] = await sql<EnterpriseInformation[]>`
    select e.id, e.account_id as "accountId", e.credit_code as "creditCode", e.name,
           r.name as "registryName", e.district_code as "districtCode",
           e.legal_representative as "legalRepresentative", e.address,
           e.contact_name as "contactName", e.contact_phone as "contactPhone",
           e.information_completed_at is not null as complete
    from enterprises e left join legal_person_registry r on r.credit_code = e.credit_code
    where e.account_id = ${accountId}`;
  if (!row) throw new NotFoundError();
  return row;
}

const text = (message: string, max: number) =>
  z.string({ error: message }).trim().min(1, message).max(max, `最多${max}个字`);

/** Rule 1: what an enterprise completes on first login before it can confirm anything. */
export const informationForm = z.object({
  legalRepresentative: text('请填写法定代表人姓名', 50),
  address: text('请填写企业地址', 200),
  districtCode: digitsField(
    /^32\d{4}$/,
    '注册地区划代码为6位数字，江苏省以32开头，例如苏州市吴江区为320509',
  ),
  contactName: text('请填写联系人姓名', 50),
  contactPhone: digitsField(
    /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/,
    '请填写手机号码或带区号的固定电话，例如 13912345678 或 025-84000000',
  ),
});

export type InformationForm = z.infer<typeof informationForm>;

/** Saves the enterprise's information in one transaction with its audit event. */
export async function saveInformation(
  sql: Sql,
  accountId: string,
  form: InformationForm,
  at: Date,
): Promise<void> {
  await sql.begin(async (tx) => {
    // Read under a lock, so the audit's "from" is what this save replaced.
    await tx`select 1 from enterprises where account_id = ${accountId} for update`;
    const enterprise = await enterpriseOfAccount(tx, accountId);
    await tx`
      update enterprises
      set legal_representative = ${form.legalRepresentative}, address = ${form.address},
          district_code = ${form.districtCode}, contact_name = ${form.contactName},
          contact_phone = ${form.contactPhone},
          information_completed_at = coalesce(information_completed_at, ${at})
      where id = ${enterprise.id}`;
    // What changed, from what: who the legal representative was, and when that changed.
    const changed = Object.fromEntries(
      (Object.keys(form) as (keyof InformationForm)[])
        .filter((field) => enterprise[field] !== form[field])
        .map((field) => [field, { from: enterprise[field], to: form[field] }]),
    );
    await recordAudit(tx, {
      at,
      actorAccountId: accountId,
      action: 'enterprise_information_saved',
      subjectType: 'enterprise',
      subjectId: enterprise.id,
      detail: { changed },
    });
  });
}

export type ToDo = {
  toConfirm: number;
  awaitingSignedForm: number;
  /** Open correction items addressed to the enterprise, and the applications they are on. */
  openItems: number;
  applicationsWithOpenItems: number;
};

/** The counts of the enterprise's to-do list (待办事项). */
export async function toDoOf(sql: Sql, enterpriseId: string): Promise<ToDo> {
  const [row] = await sql<ToDo[]>`
    select
      (select count(*)::int from applications
        where enterprise_id = ${enterpriseId} and state = 'awaiting_enterprise') as "toConfirm",
      (select count(*)::int from applications
        where enterprise_id = ${enterpriseId} and state = 'awaiting_signed_form') as "awaitingSignedForm",
      (select count(*)::int from correction_items c join applications a on a.id = c.application_id
        where a.enterprise_id = ${enterpriseId} and c.addressed_to = 'enterprise'
          and c.closed_at is null
          and a.state not in ${sql.unsafe(STOPPED)}) as "openItems",
      (select count(*)::int from applications a
        where a.enterprise_id = ${enterpriseId} and ${sql.unsafe(HAS_OPEN_ITEM)})
        as "applicationsWithOpenItems"`;
  return row!;
}

/** Applications that ended without effect: their open items are no one's to supply (SQL). */
const STOPPED = sqlStates(STOPPED_STATES);

/** An application `a` with an item addressed to the enterprise still to supply (SQL). */
const HAS_OPEN_ITEM = `(a.state not in ${STOPPED} and exists (
  select 1 from correction_items c
  where c.application_id = a.id and c.addressed_to = 'enterprise' and c.closed_at is null))`;

export type EnterpriseApplication = {
  id: string;
  applicationNumber: string;
  kind: ApplicationKind;
  profession: Profession | null;
  /** A demonstration-zone initial registration (长三角示范区注册, rule 13). */
  demonstrationZone: boolean;
  state: State;
  version: number;
  personName: string;
  snapshot: unknown;
  snapshotVersion: number;
  snapshotHash: string | null;
  stateChangedAt: Date;
  enterpriseConfirmation: unknown;
  signedFormFileId: string | null;
  signedFormSnapshotVersion: number | null;
  /** The enterprise may open the person's photo and materials (lib/uploads.ts). */
  filesVisible: boolean;
};

const APPLICATION_COLUMNS = `
  a.id, a.application_number as "applicationNumber", a.kind, a.profession,
  a.demonstration_zone as "demonstrationZone", a.state, a.version,
  p.name as "personName", a.snapshot, a.snapshot_version as "snapshotVersion",
  a.snapshot_hash as "snapshotHash", a.state_changed_at as "stateChangedAt",
  a.enterprise_confirmation as "enterpriseConfirmation",
  a.signed_form_file_id as "signedFormFileId",
  a.signed_form_snapshot_version as "signedFormSnapshotVersion",
  ${ENTERPRISE_SEES_FILES} as "filesVisible"`;

/**
 * A page of a long list, and how many there are in all (counted with the page's rows: a page past
 * the end has no rows and a total of 0, so callers go back to the first page).
 */
export type Page<T> = { rows: T[]; total: number; page: number; pages: number };

export const PAGE_SIZE = 50;

/** The rows of page `page` (with their `total` column) as a Page. */
function pageOf<T>(rows: (T & { total: number })[], page: number): Page<T> {
  const total = rows[0]?.total ?? 0;
  return {
    rows: rows.map(({ total: _total, ...row }) => row as T),
    total,
    page,
    pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
  };
}

/** The page asked for as a whole number from 1, and where its rows start. */
const pageNumber = (page = 1) => Math.max(1, Math.floor(page));
const offsetOf = (page: number) => (page - 1) * PAGE_SIZE;

/** What the application list can be narrowed to: the steps that wait for the enterprise. */
export const APPLICATION_FILTERS = [
  'awaiting_enterprise',
  'awaiting_signed_form',
  'correction',
  'all',
] as const;
export type ApplicationFilter = (typeof APPLICATION_FILTERS)[number];

export type ApplicationListItem = Pick<
  EnterpriseApplication,
  | 'id'
  | 'applicationNumber'
  | 'kind'
  | 'profession'
  | 'demonstrationZone'
  | 'state'
  | 'personName'
  | 'stateChangedAt'
>;

/** The applications that name this enterprise, newest change first, a page at a time. */
export async function applicationsOfEnterprise(
  sql: Sql,
  enterpriseId: string,
  options: { filter?: ApplicationFilter; page?: number } = {},
): Promise<Page<ApplicationListItem>> {
  const filter = options.filter ?? 'all';
  const page = pageNumber(options.page);
  const rows = await sql.unsafe<(ApplicationListItem & { total: number })[]>(
    `select a.id, a.application_number as "applicationNumber", a.kind, a.profession,
            a.demonstration_zone as "demonstrationZone", a.state,
            p.name as "personName", a.state_changed_at as "stateChangedAt",
            count(*) over ()::int as total
     from applications a join persons p on p.id = a.person_id
     where a.enterprise_id = $1 and ${ENTERPRISE_SEES_APPLICATION}
       and ($2 = 'all' or a.state = $2 or ($2 = 'correction' and ${HAS_OPEN_ITEM}))
     order by a.state_changed_at desc, a.id
     limit ${PAGE_SIZE} offset $3`,
    [enterpriseId, filter, offsetOf(page)],
  );
  return pageOf(rows, page);
}

/** One application that names this enterprise; any other id is not found. */
export async function applicationOfEnterprise(
  sql: Sql,
  enterpriseId: string,
  applicationId: string,
): Promise<EnterpriseApplication> {
  if (!isUuid(applicationId)) throw new NotFoundError();
  const [row] = await sql.unsafe<EnterpriseApplication[]>(
    `select ${APPLICATION_COLUMNS}
     from applications a join persons p on p.id = a.person_id
     where a.id = $1 and a.enterprise_id = $2 and ${ENTERPRISE_SEES_APPLICATION}`,
    [applicationId, enterpriseId],
  );
  if (!row) throw new NotFoundError();
  return row;
}

export type EnterpriseConfirmation =
  { licence: Licence | 'none' } | { costConsulting: boolean } | Record<string, never>;

/**
 * What the enterprise states when it confirms (rule 12), for the applications that lead to a
 * registration there: the licence for an architect or structural engineer, whether it is a
 * cost-consulting firm for a cost engineer; nothing for other kinds (a cancellation ends one).
 */
export function confirmationAsks(
  kind: ApplicationKind,
  profession: Profession | null,
): 'licence' | 'costConsulting' | null {
  if (kind !== 'initial' && kind !== 'additional' && kind !== 'renewal') return null;
  if (profession === 'architect' || profession === 'structural_engineer') return 'licence';
  if (profession === 'cost_engineer') return 'costConsulting';
  return null;
}

/** The confirmation form of this application. */
export function confirmationForm(kind: ApplicationKind, profession: Profession | null) {
  const asks = confirmationAsks(kind, profession);
  if (asks === 'licence') {
    return z
      .object({
        licence: z.enum(['held', 'none'], { error: '请选择企业资质情况' }),
        licenceType: z.string().trim().catch(''),
        licenceNumber: z.string().trim().catch(''),
      })
      .superRefine((v, ctx) => {
        if (v.licence !== 'held') return;
        const checked = licenceFields.safeParse(v);
        for (const issue of checked.error?.issues ?? []) {
          ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
        }
      })
      .transform((v): EnterpriseConfirmation => ({
        licence: v.licence === 'none' ? 'none' : { type: v.licenceType, number: v.licenceNumber },
      }));
  }
  if (asks === 'costConsulting') {
    return z
      .object({ costConsulting: z.enum(['yes', 'no'], { error: '请选择是否为造价咨询企业' }) })
      .transform((v): EnterpriseConfirmation => ({ costConsulting: v.costConsulting === 'yes' }));
  }
  return z.object({}).transform((): EnterpriseConfirmation => ({}));
}

/**
 * The enterprise confirms (rule 11) with its commitment and its profession-specific statement, in
 * one transaction: the statement, the transition, and for "no licence for now" an open item that
 * does not hold review (rule 12).
 */
export async function confirmAsEnterprise(
  deps: WorkflowDeps,
  request: {
    accountId: string;
    applicationId: string;
    expectedVersion: number;
    confirmation: EnterpriseConfirmation;
  },
): Promise<void> {
  await deps.sql.begin(async (tx) => {
    const at = deps.clock.now();
    const moved = await transitionIn(tx, deps, {
      applicationId: request.applicationId,
      action: 'enterprise_confirm',
      actor: { role: 'enterprise', accountId: request.accountId },
      expectedVersion: request.expectedVersion,
    });
    const given =
      'licence' in request.confirmation
        ? 'licence'
        : 'costConsulting' in request.confirmation
          ? 'costConsulting'
          : null;
    if (given !== confirmationAsks(moved.kind, moved.profession)) {
      throw new ValidationError('确认内容与这项申请的类别不符，请刷新页面后重新确认。');
    }
    await tx`update applications set enterprise_confirmation = ${tx.json(request.confirmation)}
             where id = ${moved.id}`;
    // Kept for the record: a return clears the statement from the application, not from here.
    await recordAudit(tx, {
      at,
      actorAccountId: request.accountId,
      action: 'enterprise_confirmation_stated',
      subjectType: 'application',
      subjectId: moved.id,
      detail: { version: moved.version, confirmation: request.confirmation },
    });
    if ('licence' in request.confirmation && request.confirmation.licence === 'none') {
      await openItem(
        tx,
        moved.id,
        {
          addressedTo: 'enterprise',
          what: '企业资质类型及资质证号',
          why: '确认申请时选择了“暂无资质”，取得资质后请在此补正',
          blocksReview: false,
          openedBy: null,
          asks: 'licence',
        },
        at,
      );
    }
  });
}

/**
 * Stores and records the signed and stamped form the enterprise uploaded, tied to the snapshot
 * version it was printed from, in one transaction; only while the application waits for it.
 */
export async function attachSignedForm(
  deps: WorkflowDeps & { fileStore: FileStore },
  request: {
    accountId: string;
    applicationId: string;
    document: UploadedDocument;
    snapshotVersion: number;
  },
): Promise<void> {
  await deps.sql.begin(async (tx) => {
    const at = deps.clock.now();
    const [application] = await tx<{ id: string }[]>`
      select a.id from applications a join enterprises e on e.id = a.enterprise_id
      where a.id = ${request.applicationId} and e.account_id = ${request.accountId}
        and a.state = 'awaiting_signed_form' and a.snapshot_version = ${request.snapshotVersion}
      for update of a`;
    if (!application) {
      throw new ConflictError('这项申请当前不需要上传申请表，或申请表已更新，请刷新页面。');
    }
    const fileId = await storeFile(tx, deps.fileStore, {
      ...request.document,
      ownerAccountId: request.accountId,
      at,
    });
    await tx`
      update applications set signed_form_file_id = ${fileId},
             signed_form_snapshot_version = ${request.snapshotVersion}
      where id = ${application.id}`;
    await recordAudit(tx, {
      at,
      actorAccountId: request.accountId,
      action: 'signed_form_uploaded',
      subjectType: 'application',
      subjectId: request.applicationId,
      detail: { snapshotVersion: request.snapshotVersion, fileId },
    });
  });
}

export type Employee = {
  personName: string;
  profession: Profession;
  registrationNumber: string;
  specialties: string[];
  validUntil: string;
  /** The validity ends within 90 days: time to renew. */
  endingSoon: boolean;
};

/**
 * The persons with an active registration at this enterprise, soonest end of validity first, a
 * page at a time: all of them, or those whose name or registration number holds `query`, or only
 * those whose validity ends within 90 days.
 */
export async function employeesOf(
  sql: Sql,
  enterpriseId: string,
  at: Date,
  options: { query?: string; endingSoon?: boolean; page?: number } = {},
): Promise<Page<Employee>> {
  const soon = addDays(businessDate(at), 90);
  const query = options.query?.trim() ?? '';
  const pattern = containsPattern(query);
  const page = pageNumber(options.page);
  const rows = await sql<(Employee & { total: number })[]>`
    select p.name as "personName", r.profession, r.registration_number as "registrationNumber",
           r.specialties, to_char(r.valid_until, 'YYYY-MM-DD') as "validUntil",
           r.valid_until <= ${soon}::date as "endingSoon", count(*) over ()::int as total
    from registrations r join persons p on p.id = r.person_id
    where r.enterprise_id = ${enterpriseId} and r.status = 'active'
      and (${query} = '' or p.name like ${pattern} or r.registration_number like ${pattern})
      and (not ${options.endingSoon ?? false} or r.valid_until <= ${soon}::date)
    order by r.valid_until, p.name, r.registration_number
    limit ${PAGE_SIZE} offset ${offsetOf(page)}`;
  return pageOf(rows, page);
}

export type OpenItem = {
  id: string;
  applicationId: string;
  applicationNumber: string;
  personName: string | null;
  what: string;
  why: string;
  asks: CorrectionAsks;
};

/**
 * The correction items addressed to this enterprise still open (its to-do list), oldest first; at
 * most `limit` (the applications list filtered to 'correction' shows them all).
 */
export async function openItemsOfEnterprise(
  sql: Sql,
  enterpriseId: string,
  limit = 10,
): Promise<OpenItem[]> {
  return sql<OpenItem[]>`
    select c.id, c.application_id as "applicationId", a.application_number as "applicationNumber",
           p.name as "personName", c.what, c.why, c.asks
    from correction_items c join applications a on a.id = c.application_id
      left join persons p on p.id = a.person_id
    where a.enterprise_id = ${enterpriseId} and c.addressed_to = 'enterprise'
      and c.closed_at is null and a.state not in ${sql.unsafe(STOPPED)}
    order by c.opened_at, c.id
    limit ${limit}`;
}

/** The materials the person uploaded with the application, by name, from its frozen snapshot. */
export function materialsOf(
  application: Pick<EnterpriseApplication, 'kind'>,
  content: ApplicationDraft,
): { name: string; fileId: string }[] {
  return materialsFor(application.kind, content).flatMap((m) => {
    const fileId = content.uploads?.[m.purpose];
    return fileId ? [{ name: m.name, fileId }] : [];
  });
}
