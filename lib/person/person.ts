import type { Db } from '../platform/index.js';
import { addMonths, businessDate, NotFoundError } from '../platform/index.js';

/** The facts about a person the rules and the person's pages read. */
export type PersonFacts = {
  personId: string;
  accountId: string;
  realNameLevel: number;
  idNumber: string;
  name: string;
  phone: string | null;
  email: string | null;
  address: string | null;
  education: string | null;
  photoFileId: string | null;
  photoDeclaredAt: Date | null;
};

/** The person with this id, or the one signed in with this account. */
async function findPerson(db: Db, where: { personId: string } | { accountId: string }) {
  const [row] = await db<PersonFacts[]>`
    select p.id as "personId", p.account_id as "accountId", a.real_name_level as "realNameLevel",
           p.id_number as "idNumber", p.name, p.phone, p.email, p.address, p.education,
           p.photo_file_id as "photoFileId", p.photo_declared_at as "photoDeclaredAt"
    from persons p join accounts a on a.id = p.account_id
    where ${'personId' in where ? db`p.id = ${where.personId}` : db`p.account_id = ${where.accountId}`}`;
  return row;
}

export function loadPerson(db: Db, personId: string): Promise<PersonFacts | undefined> {
  return findPerson(db, { personId });
}

/** The signed-in person; an account that is no person's is not found. */
export async function personOfAccount(db: Db, accountId: string): Promise<PersonFacts> {
  const person = await findPerson(db, { accountId });
  if (!person) throw new NotFoundError();
  return person;
}

const PROFILE_FIELDS: [keyof PersonFacts, string][] = [
  ['phone', '手机号码'],
  ['email', '电子邮箱'],
  ['address', '通讯地址'],
  ['education', '学历'],
  ['photoFileId', '近期免冠证件照'],
];

/** Rule 2: the profile fields still missing, by their Chinese names. */
export function missingProfileFields(person: PersonFacts, at: Date): string[] {
  const missing = PROFILE_FIELDS.filter(([field]) => !person[field]).map(([, name]) => name);
  const photoIsRecent =
    person.photoDeclaredAt &&
    addMonths(businessDate(person.photoDeclaredAt), 6) >= businessDate(at);
  if (person.photoFileId && !photoIsRecent) missing.push('近6个月内拍摄的免冠证件照');
  return missing;
}
