import type { Profession } from '../reference/index.js';
import type { ApplicationRow } from '../workflow/index.js';
import { readDraft } from '../workflow/index.js';
import type { PersonFacts } from './person.js';
import type { Db, Tx } from '../platform/index.js';

export type UsableQualification = {
  profession: Profession;
  specialty: string | null;
  source: 'registry' | 'out_of_province';
};

/** In-province ones from the exam-results registry, and approved out-of-province entries (rule 14). */
export async function usableQualifications(
  db: Db,
  person: Pick<PersonFacts, 'personId' | 'idNumber'>,
): Promise<UsableQualification[]> {
  return db<UsableQualification[]>`
    select profession, specialty, 'registry' as source
    from qualification_registry where id_number = ${person.idNumber}
    union all
    select profession, null, 'out_of_province'
    from qualifications where person_id = ${person.personId}
    order by profession, specialty`;
}

/** Rule 14: an approved out-of-province entry becomes a qualification the person may register with. */
export async function recordApprovedEntry(tx: Tx, app: ApplicationRow, at: Date): Promise<void> {
  const entry = readDraft(app.snapshot).outOfProvince ?? {};
  await tx`
    insert into qualifications
      (person_id, profession, certificate_number, exam_province, pass_year, approved_at)
    values (${app.personId}, ${app.profession}, ${entry.certificateNumber ?? ''},
            ${entry.examProvince ?? ''}, ${entry.passYear ?? 0}, ${at})
    on conflict (person_id, profession) do nothing`;
}
