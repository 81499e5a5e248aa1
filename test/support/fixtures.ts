import { randomInt } from 'node:crypto';
import {
  creditCodeCheckCharacter,
  hashPassword,
  idNumberCheckCharacter,
} from '../../lib/identity/index.js';
import type { Sql } from '../../lib/platform/index.js';
import { demoPhoto, demoScan } from '../../lib/demo/index.js';
import { sha256Hex } from '../../lib/files/index.js';
import type { Profession } from '../../lib/reference/index.js';
import type { ApplicationKind, State } from '../../lib/workflow/index.js';

// Fixture accounts never log in through the form: their hash is a placeholder.

let standIns: Promise<{ photo: Buffer; scan: Buffer }> | undefined;

/** The demo data's stand-in photo and scan (lib/demo-files.ts), encoded once per test process. */
export function standInFiles(): Promise<{ photo: Buffer; scan: Buffer }> {
  standIns ??= Promise.all([demoPhoto(), demoScan()]).then(([photo, scan]) => ({ photo, scan }));
  return standIns;
}
const NO_PASSWORD = '$argon2id$fixture-not-a-hash';

/** The fixtures' ID numbers in this worker: each one new (900,000 of them, from a random start). */
let idSerial = randomInt(0, 900_000);

/**
 * A valid ID number of a person born 1990-01-10 to 1999-09-19 (no demo person is), never the same
 * twice in one test file: random ones met each other now and then (the birthday paradox).
 */
export function newIdNumber(): string {
  idSerial = (idSerial + 1) % 900_000;
  const [year, month, day, sequence] = [
    idSerial % 10,
    1 + (Math.floor(idSerial / 10) % 9),
    Math.floor(idSerial / 90) % 10,
    Math.floor(idSerial / 900),
  ];
  const first17 = `320102199${year}0${month}1${day}${String(sequence).padStart(3, '0')}`;
  return first17 + idNumberCheckCharacter(first17);
}

export function newCreditCode(): string {
  const first17 = `91320102MA${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
  return first17 + creditCodeCheckCharacter(first17);
}

export type PersonFixture = {
  personId: string;
  accountId: string;
  idNumber: string;
  /** A file the person owns (their photo), or null with an incomplete profile. */
  fileId: string | null;
};

/** A person ready to apply: L4, complete profile with a recent photo, unless told otherwise. */
export async function createPerson(
  sql: Sql,
  at: Date,
  options: {
    realNameLevel?: number;
    completeProfile?: boolean;
    name?: string;
    password?: string;
  } = {},
): Promise<PersonFixture> {
  const idNumber = newIdNumber();
  const name = options.name ?? '测试人员';
  const [account] = await sql<{ id: string }[]>`
    insert into accounts (kind, login_id, display_name, password_hash, real_name_level, created_at)
    values ('person', ${idNumber}, ${name},
            ${options.password ? await hashPassword(options.password) : NO_PASSWORD},
            ${options.realNameLevel ?? 4}, ${at})
    returning id`;
  const complete = options.completeProfile ?? true;
  // The demo data's stand-in photo, whose bytes every test app's store holds (createTestApp).
  const photoBytes = complete ? (await standInFiles()).photo : undefined;
  const [photo] = photoBytes
    ? await sql<{ id: string }[]>`
        insert into files (sha256, content_type, size_bytes, original_name, owner_account_id, created_at)
        values (${sha256Hex(photoBytes)}, 'image/jpeg', ${photoBytes.length}, 'photo.jpg',
                ${account!.id}, ${at})
        returning id`
    : [];
  const [person] = await sql<{ id: string }[]>`
    insert into persons (account_id, id_number, name, phone, email, address, education,
                         photo_file_id, photo_declared_at)
    values (${account!.id}, ${idNumber}, ${name},
            ${complete ? '13912345678' : null}, ${complete ? 'test@example.cn' : null},
            ${complete ? '南京市玄武区北京东路1号' : null}, ${complete ? '本科' : null},
            ${photo?.id ?? null}, ${complete ? at : null})
    returning id`;
  return { personId: person!.id, accountId: account!.id, idNumber, fileId: photo?.id ?? null };
}

export type EnterpriseFixture = { enterpriseId: string; accountId: string; creditCode: string };

export async function createEnterprise(
  sql: Sql,
  at: Date,
  options: { complete?: boolean; districtCode?: string; name?: string; password?: string } = {},
): Promise<EnterpriseFixture> {
  const creditCode = newCreditCode();
  const name = options.name ?? `测试建设有限公司${creditCode.slice(-4)}`;
  const [account] = await sql<{ id: string }[]>`
    insert into accounts (kind, login_id, display_name, password_hash, created_at)
    values ('enterprise', ${creditCode}, ${name},
            ${options.password ? await hashPassword(options.password) : NO_PASSWORD}, ${at})
    returning id`;
  const complete = options.complete ?? true;
  const [enterprise] = await sql<{ id: string }[]>`
    insert into enterprises (account_id, credit_code, name, district_code, legal_representative,
                             address, contact_name, contact_phone, information_completed_at)
    values (${account!.id}, ${creditCode}, ${name}, ${options.districtCode ?? '320102'},
            ${complete ? '王建国' : null}, ${complete ? '南京市玄武区' : null},
            ${complete ? '李红' : null}, ${complete ? '025-84000000' : null},
            ${complete ? at : null})
    returning id`;
  return { enterpriseId: enterprise!.id, accountId: account!.id, creditCode };
}

export async function addRegistryQualification(
  sql: Sql,
  person: PersonFixture,
  profession: Profession,
  specialty: string | null,
) {
  await sql`
    insert into qualification_registry (certificate_number, id_number, name, profession, specialty, pass_year)
    values (${`Q${randomInt(0, 1e9)}`}, ${person.idNumber}, '测试人员', ${profession}, ${specialty}, 2020)`;
}

export async function addRegistration(
  sql: Sql,
  at: Date,
  person: PersonFixture,
  enterprise: EnterpriseFixture,
  profession: Profession,
  specialties: string[],
  validUntil: string,
): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into registrations (registration_number, person_id, enterprise_id, profession, specialties,
                               valid_from, valid_until, status, created_at)
    values (${`苏T${randomInt(0, 1e9)}`}, ${person.personId}, ${enterprise.enterpriseId},
            ${profession}, ${specialties}, '2024-01-01', ${validUntil}, 'active', ${at})
    returning id`;
  return row!.id;
}

/** An application put straight into a state (with its one event), as if it had got there. */
export async function insertApplication(
  sql: Sql,
  at: Date,
  values: {
    kind: ApplicationKind;
    state: State;
    profession: Profession | null;
    personId: string | null;
    enterpriseId: string | null;
    registrationId?: string | null;
    draft?: object;
    startedAt?: Date;
    /** A signed form for the snapshot (version 1), as the enterprise would have uploaded it. */
    signedFormFileId?: string | null;
  },
): Promise<string> {
  const started = values.startedAt ?? at;
  return sql.begin(async (tx) => {
    // As the workflow freezes it, the snapshot names the employer it was handed to.
    const [employer] = values.enterpriseId
      ? await tx<{ name: string; creditCode: string }[]>`
          select name, credit_code as "creditCode" from enterprises where id = ${values.enterpriseId}`
      : [];
    const snapshot =
      values.state === 'draft'
        ? null
        : { ...(employer ? { enterprise: employer } : {}), ...(values.draft ?? {}) };
    const [row] = await tx<{ id: string }[]>`
      insert into applications (application_number, kind, profession, person_id, enterprise_id,
        handed_to_enterprise_id, registration_id, state, version, draft, snapshot,
        snapshot_version, snapshot_hash, started_at, state_changed_at, signed_form_file_id,
        signed_form_snapshot_version)
      values (${`T${randomInt(0, 1e12)}`}, ${values.kind}, ${values.profession}, ${values.personId},
        ${values.enterpriseId}, ${snapshot ? values.enterpriseId : null},
        ${values.registrationId ?? null}, ${values.state}, 0,
        ${tx.json((values.draft ?? {}) as never)}, ${snapshot ? tx.json(snapshot) : null},
        ${snapshot ? 1 : 0}, ${snapshot ? 'fixture' : null}, ${started}, ${started},
        ${values.signedFormFileId ?? null}, ${values.signedFormFileId ? 1 : null})
      returning id`;
    await tx`
      insert into application_events (application_id, version, action, actor_role, to_state, occurred_at)
      values (${row!.id}, 0, 'fixture', 'system', ${values.state}, ${started})`;
    return row!.id;
  });
}

/** The moment the fixture-based tests stand on (a Wednesday morning in Nanjing). */
export const NOW = new Date('2026-11-25T10:00:00+08:00');

/** The password of fixture persons created with `password: PASSWORD`. */
export const PASSWORD = 'Test@2026';

/** The smallest file that file-type recognises as a PDF: a stand-in scan. */
export const TINY_PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

/** The account of the seeded officer (the demo staff member), for acts of the authority. */
export async function officerAccountId(sql: Sql): Promise<string> {
  const [staff] = await sql<{ id: string }[]>`select id from accounts where kind = 'staff' limit 1`;
  if (!staff) throw new Error('no staff account seeded');
  return staff.id;
}
