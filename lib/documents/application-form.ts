import type { FileStore } from '../files/index.js';
import { readFileFor } from '../files/index.js';
import type { Db } from '../platform/index.js';
import { NotFoundError } from '../platform/index.js';
import type { Profession } from '../reference/index.js';
import { professions } from '../reference/index.js';
import type { RegistrationSummary } from '../registrations/index.js';
import { registrationOfApplication } from '../registrations/index.js';
import type { ApplicationKind, SnapshotQualification } from '../workflow/index.js';
import type { ApplicationRow } from '../workflow/index.js';
import { employerName, kindNames, readDraft, snapshotOf } from '../workflow/index.js';
import { formQrOf, formQrSvg } from './qr.js';
import type { DocumentAsset } from './renderer.js';

/**
 * The application form (申请表) as the PDF prints it: everything its template shows, worked out
 * here so the templates (views/documents/forms/<kind>.eta) only lay it out. The
 * enterprise's form is the frozen snapshot with its QR; the person's preview is the draft as it
 * would be frozen, marked 预览 and without a QR, so a preview cannot be signed and submitted.
 */

/** The kinds that go through the enterprise's signed form (rule 11), each with its template. */
export const FORM_KINDS = ['initial', 'additional', 'renewal', 'personal_change'] as const;
export type FormKind = (typeof FORM_KINDS)[number];

export function hasApplicationForm(kind: ApplicationKind): kind is FormKind {
  return (FORM_KINDS as readonly string[]).includes(kind);
}

const TEMPLATES: Record<FormKind, string> = {
  initial: 'initial',
  additional: 'additional',
  renewal: 'renewal',
  personal_change: 'personal-change',
};

/** The URL the template names the photo by; the renderer answers it from memory. */
export const FORM_PHOTO_URL = 'https://assets.documents.invalid/photo.jpg';

const PERSON_COMMITMENT =
  '本人承诺：本申请表所填信息及上传的材料真实、准确、有效，本人与聘用企业依法订立劳动合同，不存在同时受聘于两个及以上单位执业的情形。如有虚假，本人愿承担相应的法律责任，并接受主管部门依法作出的处理。';
const ENTERPRISE_COMMITMENT =
  '本单位承诺：已核实申请人所填信息及材料真实、有效，申请人与本单位订立的劳动合同真实、有效，聘用信息与劳动合同一致。如有虚假，本单位愿承担相应的法律责任，并接受主管部门依法作出的处理。';

export type ApplicationForm = {
  kind: FormKind;
  /** The template, under views/. */
  view: string;
  /** 二级注册建造师初始注册申请表 */
  title: string;
  professionName: string;
  demonstrationZone: boolean;
  applicationNumber: string;
  /** The person's preview: marked 预览 on every page, no QR, no version. */
  preview: boolean;
  /** The snapshot version printed (null on a preview of a draft). */
  snapshotVersion: number | null;
  shortHash: string | null;
  /** The QR as inline SVG (null on a preview). */
  qrSvg: string | null;
  generatedAt: Date;
  person: {
    name: string;
    gender: string;
    birthDate: string;
    idNumber: string;
    education: string;
    phone: string;
    email: string;
    address: string;
    /** FORM_PHOTO_URL when the photo is among the assets, else null. */
    photoUrl: string | null;
  };
  /** The specialties applied for (initial) or added (additional). */
  specialties: string[];
  /** Whether the profession registers specialties at all (architects do not). */
  hasSpecialties: boolean;
  qualifications: SnapshotQualification[];
  employment: { position: string; contractStart: string; contractEnd: string } | null;
  registration: RegistrationSummary | null;
  /** A personal change: each particular changed, before and after. */
  changes: { label: string; from: string; to: string }[];
  enterprise: { name: string; creditCode: string; legalRepresentative: string; address: string };
  /** Rule 12: the enterprise's licence, or whether it is a cost-consulting firm. */
  statement: { label: string; value: string } | null;
  commitments: { person: string; enterprise: string };
  /** The download's file name. */
  fileName: string;
  /** What the render may load (the photo), by URL. */
  assets: Map<string, DocumentAsset>;
};

type Person = {
  name?: string;
  idNumber?: string;
  gender?: string;
  birthDate?: string;
  education?: string | null;
  phone?: string | null;
  email?: string | null;
  address?: string | null;
  photoFileId?: string | null;
};

/**
 * The form of an application, as the caller read it for a viewer who may see it (the enterprise
 * it names, or the person it is of). `preview` builds it from the draft while the person may
 * still edit it, and from the snapshot after; otherwise the snapshot, which must exist. Not
 * found for a kind without a form.
 */
export async function applicationFormOf(
  deps: { sql: Db; fileStore: FileStore },
  request: { application: ApplicationRow; viewerAccountId: string; preview: boolean; at: Date },
): Promise<ApplicationForm> {
  const { sql } = deps;
  const app = request.application;
  if (!app.profession || !hasApplicationForm(app.kind)) throw new NotFoundError();
  const kind = app.kind;
  const editable = app.state === 'draft' || app.state === 'returned';
  const fromDraft = request.preview && editable;
  if (!fromDraft && app.snapshotVersion === 0) throw new NotFoundError();
  const snapshot = (
    fromDraft ? (await snapshotOf(sql, app)).snapshot : (app.snapshot ?? {})
  ) as Record<string, unknown>;
  const content = readDraft(snapshot);
  const person = (snapshot.person ?? {}) as Person;
  const frozenEnterprise = snapshot.enterprise as { name?: string; creditCode?: string } | null;

  const [enterprise] = app.enterpriseId
    ? await sql<
        {
          name: string;
          creditCode: string;
          legalRepresentative: string | null;
          address: string | null;
          confirmation: unknown;
        }[]
      >`
        select e.name, e.credit_code as "creditCode",
               e.legal_representative as "legalRepresentative", e.address,
               a.enterprise_confirmation as confirmation
        from enterprises e join applications a on a.enterprise_id = e.id
        where a.id = ${app.id}`
    : [];

  const assets = new Map<string, DocumentAsset>();
  const photo = await photoOf(deps, person.photoFileId, request.viewerAccountId);
  if (photo) assets.set(FORM_PHOTO_URL, photo);

  const profession = professions[app.profession];
  const qr =
    !request.preview && app.snapshotHash
      ? formQrOf({ ...app, snapshotHash: app.snapshotHash })
      : null;
  const employment = content.employment;
  const title = `${profession.name}${kindNames[kind]}申请表`;
  return {
    kind,
    view: `documents/forms/${TEMPLATES[kind]}`,
    title,
    professionName: profession.name,
    demonstrationZone: app.demonstrationZone,
    applicationNumber: app.applicationNumber,
    preview: request.preview,
    snapshotVersion: fromDraft ? null : app.snapshotVersion,
    shortHash: qr?.shortHash ?? null,
    qrSvg: qr ? await formQrSvg(qr) : null,
    generatedAt: request.at,
    person: {
      name: person.name ?? '',
      gender: person.gender === 'male' ? '男' : person.gender === 'female' ? '女' : '',
      birthDate: person.birthDate ?? '',
      idNumber: person.idNumber ?? '',
      education: person.education ?? '',
      phone: person.phone ?? '',
      email: person.email ?? '',
      address: person.address ?? '',
      photoUrl: photo ? FORM_PHOTO_URL : null,
    },
    specialties: content.specialties ?? [],
    hasSpecialties: profession.specialties.length > 0,
    qualifications: Array.isArray(snapshot.qualifications)
      ? (snapshot.qualifications as SnapshotQualification[])
      : [],
    employment:
      kind === 'personal_change' || !employment
        ? null
        : {
            position: employment.position ?? '',
            contractStart: employment.contractStart ?? '',
            contractEnd: employment.contractEnd ?? '',
          },
    registration: (await registrationOfApplication(sql, app)) ?? null,
    changes: kind === 'personal_change' ? changesOf(person, content.change ?? {}) : [],
    enterprise: {
      name: enterprise ? employerName(snapshot, enterprise) : (frozenEnterprise?.name ?? ''),
      creditCode: frozenEnterprise?.creditCode ?? enterprise?.creditCode ?? '',
      legalRepresentative: enterprise?.legalRepresentative ?? '',
      address: enterprise?.address ?? '',
    },
    statement: statementOf(kind, app.profession, enterprise?.confirmation),
    commitments: { person: PERSON_COMMITMENT, enterprise: ENTERPRISE_COMMITMENT },
    fileName: request.preview
      ? `${title}-${app.applicationNumber}-预览.pdf`
      : `${title}-${app.applicationNumber}-第${app.snapshotVersion}版.pdf`,
    assets,
  };
}

/** The photo's bytes, when the viewer may see it and it is still stored. */
async function photoOf(
  deps: { sql: Db; fileStore: FileStore },
  fileId: string | null | undefined,
  accountId: string,
): Promise<DocumentAsset | undefined> {
  if (!fileId) return undefined;
  try {
    const file = await readFileFor(deps.sql, deps.fileStore, fileId, accountId);
    return { body: file.bytes, contentType: file.contentType };
  } catch (err) {
    // Purged, or no longer the viewer's to see: the form prints the empty photo box.
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
}

const TO_BE_STATED = '由聘用企业确认时填写';

/** Rule 12's statement, as stated at the enterprise's confirmation or still to be stated. */
function statementOf(
  kind: FormKind,
  profession: Profession,
  stated: unknown,
): { label: string; value: string } | null {
  if (kind === 'personal_change') return null;
  const s = (stated ?? {}) as {
    licence?: 'none' | { type: string; number: string };
    costConsulting?: boolean;
  };
  if (profession === 'architect' || profession === 'structural_engineer') {
    const value =
      s.licence === undefined
        ? TO_BE_STATED
        : s.licence === 'none'
          ? '暂无（取得资质后在材料补正中补充）'
          : `${s.licence.type}，资质证号 ${s.licence.number}`;
    return { label: '企业资质', value };
  }
  if (profession === 'cost_engineer') {
    const value = s.costConsulting === undefined ? TO_BE_STATED : s.costConsulting ? '是' : '否';
    return { label: '是否造价咨询企业', value };
  }
  return null;
}

function changesOf(person: Person, change: Record<string, string>) {
  const rows: { label: string; from: string; to: string }[] = [];
  if (change.name) rows.push({ label: '姓名', from: person.name ?? '', to: change.name });
  if (change.idNumber) {
    rows.push({ label: '居民身份证号码', from: person.idNumber ?? '', to: change.idNumber });
  }
  if (change.education) {
    rows.push({ label: '学历', from: person.education ?? '', to: change.education });
  }
  if (change.photoFileId) rows.push({ label: '证件照', from: '原证件照', to: '更换为新证件照' });
  if (change.note) rows.push({ label: '其他变更', from: '', to: change.note });
  return rows;
}
