import argon2 from 'argon2';
import type { Sql, Tx } from '../platform/index.js';

export const ACCOUNT_KINDS = ['person', 'enterprise', 'staff'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/** What a session knows about who is signed in. */
export type SessionUser = {
  id: string;
  kind: AccountKind;
  displayName: string;
  realNameLevel: number | null;
  /** A staff member's role (DESIGN.md §5a): every one reviews; an admin also keeps the calendar. */
  staffRole: StaffRole | null;
};

export const STAFF_ROLES = ['officer', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

type AccountRow = {
  id: string;
  kind: AccountKind;
  displayName: string;
  passwordHash: string | null;
  realNameLevel: number | null;
  staffRole: StaffRole | null;
};

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export type NewAccount = {
  kind: AccountKind;
  loginId: string;
  displayName: string;
  password: string;
  realNameLevel?: number;
  at: Date;
};

export async function createAccount(tx: Tx | Sql, account: NewAccount): Promise<string> {
  const passwordHash = await hashPassword(account.password);
  const [row] = await tx<{ id: string }[]>`
    insert into accounts (kind, login_id, display_name, password_hash, real_name_level, created_at)
    values (${account.kind}, ${account.loginId}, ${account.displayName}, ${passwordHash},
            ${account.kind === 'person' ? (account.realNameLevel ?? 4) : null}, ${account.at})
    returning id`;
  return row!.id;
}

// Verifying against this when the account does not exist keeps the answer time the same, so the
// timing does not tell which ID numbers have accounts.
const dummyHash = hashPassword('not-a-real-password');

export type PasswordCheck =
  { ok: true; user: SessionUser } | { ok: false; accountId: string | null };

/** Local password sign-in (the identity seam's local half). */
export async function checkPassword(
  sql: Sql,
  kind: AccountKind,
  loginId: string,
  password: string,
): Promise<PasswordCheck> {
  const [row] = await sql<AccountRow[]>`
    select a.id, a.kind, a.display_name as "displayName", a.password_hash as "passwordHash",
           a.real_name_level as "realNameLevel", s.role as "staffRole"
    from accounts a left join staff s on s.account_id = a.id
    where a.kind = ${kind} and a.login_id = ${loginId} and a.disabled_at is null`;
  const hash = row?.passwordHash ?? (await dummyHash);
  const matches = await argon2.verify(hash, password).catch(() => false);
  if (!row || !row.passwordHash || !matches) return { ok: false, accountId: row?.id ?? null };
  return {
    ok: true,
    user: {
      id: row.id,
      kind: row.kind,
      displayName: row.displayName,
      realNameLevel: row.realNameLevel,
      staffRole: row.staffRole,
    },
  };
}

export async function findSessionUser(sql: Sql, id: string): Promise<SessionUser | null> {
  const [row] = await sql<SessionUser[]>`
    select a.id, a.kind, a.display_name as "displayName", a.real_name_level as "realNameLevel",
           s.role as "staffRole"
    from accounts a left join staff s on s.account_id = a.id
    where a.id = ${id} and a.disabled_at is null`;
  return row ?? null;
}
