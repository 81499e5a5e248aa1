import { birthDateFromIdNumber, genderFromIdNumber } from '../identity/index.js';
import type { Db } from '../platform/index.js';
import { professions } from '../reference/index.js';
import type { ApplicationRow } from './applications.js';
import { readDraft } from './draft.js';
import { kindNames } from './table.js';
import { createHash } from 'node:crypto';

/**
 * The frozen content of an application when its party hands it on (the person's confirmation, an
 * enterprise's rename), and its hash: the enterprise, the authority and the printed form all show
 * this, and the signed scan is tied to it.
 */
export async function snapshotOf(
  tx: Db,
  app: Pick<
    ApplicationRow,
    | 'applicationNumber'
    | 'kind'
    | 'profession'
    | 'demonstrationZone'
    | 'personId'
    | 'enterpriseId'
    | 'draft'
  >,
) {
  const [person] = app.personId
    ? await tx<
        {
          name: string;
          idNumber: string;
          phone: string | null;
          email: string | null;
          address: string | null;
          education: string | null;
          photoFileId: string | null;
          gender: 'male' | 'female' | null;
          birthDate: string | null;
        }[]
      >`
        select name, id_number as "idNumber", phone, email, address, education,
               photo_file_id as "photoFileId", gender,
               to_char(birth_date, 'YYYY-MM-DD') as "birthDate"
        from persons where id = ${app.personId}`
    : [];
  // The qualifications the person registers with in this profession (the printed form shows
  // them): in-province ones from the exam-results registry, an approved out-of-province entry.
  const qualifications =
    person && app.profession && app.kind !== 'out_of_province_qualification'
      ? await tx<SnapshotQualification[]>`
          select q.certificate_number as "certificateNumber", q.specialty,
                 '江苏' as "examProvince", q.pass_year as "passYear"
          from qualification_registry q
          where q.id_number = ${person.idNumber} and q.profession = ${app.profession}
          union all
          select certificate_number, null, exam_province, pass_year
          from qualifications where person_id = ${app.personId} and profession = ${app.profession}
          order by 2 nulls last, 1`
      : [];
  const [enterprise] = app.enterpriseId
    ? await tx<{ name: string; creditCode: string }[]>`
        select name, credit_code as "creditCode" from enterprises where id = ${app.enterpriseId}`
    : [];
  const draft = readDraft(app.draft);
  const snapshot = {
    applicationNumber: app.applicationNumber,
    kind: app.kind,
    kindName: kindNames[app.kind],
    profession: app.profession,
    professionName: app.profession ? professions[app.profession].name : null,
    demonstrationZone: app.demonstrationZone,
    person: person && {
      name: person.name,
      idNumber: person.idNumber,
      phone: person.phone,
      email: person.email,
      address: person.address,
      education: person.education,
      photoFileId: person.photoFileId,
      gender: person.gender ?? genderFromIdNumber(person.idNumber),
      birthDate: person.birthDate ?? birthDateFromIdNumber(person.idNumber),
    },
    enterprise: enterprise ?? null,
    qualifications: qualifications.map((q) => ({ ...q })),
    ...draft,
  };
  const hash = createHash('sha256').update(canonicalJson(snapshot)).digest('hex');
  return { snapshot, hash };
}

/** A qualification as the snapshot freezes it. */
/**
 * The employer as the application names it: the enterprise's name now, and the name the person
 * confirmed (the snapshot) beside it when a rename came in between, so the form is stamped with
 * the seal the enterprise holds now and still shows what was confirmed.
 */
export function employerName(
  snapshot: Record<string, unknown>,
  current: { name: string; creditCode: string },
): string {
  const frozen = snapshot.enterprise as { name?: unknown; creditCode?: unknown } | null | undefined;
  return frozen?.creditCode === current.creditCode &&
    typeof frozen.name === 'string' &&
    frozen.name !== current.name
    ? `${current.name}（确认时名称：${frozen.name}）`
    : current.name;
}

export type SnapshotQualification = {
  certificateNumber: string;
  specialty: string | null;
  examProvince: string;
  passYear: number;
};

/** JSON with sorted keys, so equal content always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
