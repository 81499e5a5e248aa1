import type { Tx } from '../platform/index.js';
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
  tx: Tx,
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
        }[]
      >`
        select name, id_number as "idNumber", phone, email, address, education,
               photo_file_id as "photoFileId"
        from persons where id = ${app.personId}`
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
    },
    enterprise: enterprise ?? null,
    ...draft,
  };
  const hash = createHash('sha256').update(canonicalJson(snapshot)).digest('hex');
  return { snapshot, hash };
}

/** JSON with sorted keys, so equal content always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
