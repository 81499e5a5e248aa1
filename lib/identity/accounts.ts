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
};

type AccountRow = {
  id: string;
  kind: AccountKind;
  displayName: string;
  passwordHash: string | null;
  realNameLevel: number | null;
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
    select id, kind, display_name as "displayName", password_hash as "passwordHash",
           real_name_level as "realNameLevel"
    from accounts
    where kind = ${kind} and login_id = ${loginId} and disabled_at is null`;
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
    },
  };
}

export async function findSessionUser(sql: Sql, id: string): Promise<SessionUser | null> {
  const [row] = await sql<SessionUser[]>`
    select id, kind, display_name as "displayName", real_name_level as "realNameLevel"
    from accounts where id = ${id} and disabled_at is null`;
  return row ?? null;
}
