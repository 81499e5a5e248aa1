import argon2 from 'argon2';
import type { Sql, Tx } from '../platform/index.js';
import { recordAudit } from '../platform/index.js';

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
  /** Signed in with a one-time password an admin gave: must choose their own before anything. */
  mustChangePassword: boolean;
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
  mustChangePassword: boolean;
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
           a.real_name_level as "realNameLevel", s.role as "staffRole",
           a.must_change_password as "mustChangePassword"
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
      mustChangePassword: row.mustChangePassword,
    },
  };
}

export async function findSessionUser(sql: Sql, id: string): Promise<SessionUser | null> {
  const [row] = await sql<SessionUser[]>`
    select a.id, a.kind, a.display_name as "displayName", a.real_name_level as "realNameLevel",
           s.role as "staffRole", a.must_change_password as "mustChangePassword"
    from accounts a left join staff s on s.account_id = a.id
    where a.id = ${id} and a.disabled_at is null`;
  return row ?? null;
}

/** A successful sign-in: when it was (the staff list shows it), with its audit event. */
export async function recordSignIn(sql: Sql, accountId: string, at: Date): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`update accounts set last_signed_in_at = ${at} where id = ${accountId}`;
    await recordAudit(tx, {
      at,
      actorAccountId: accountId,
      action: 'login',
      subjectType: 'account',
      subjectId: accountId,
    });
  });
}

/** What a new password must be (the user's own, chosen at the sign-in after a reset). */
export const PASSWORD_RULES = '至少10个字符，须同时包含字母和数字';

/** The problem with a new password, or none. */
export function newPasswordProblem(password: string, loginId: string): string | undefined {
  if (password.length < 10) return `密码太短：${PASSWORD_RULES}。`;
  if (!/[A-Za-z]/.test(password) || !/[0-9]/.test(password)) {
    return `密码须同时包含字母和数字（${PASSWORD_RULES}）。`;
  }
  if (password.toLowerCase().includes(loginId.toLowerCase())) return '密码不能包含用户名。';
  return undefined;
}

/**
 * The user replaces the one-time password with their own: checked by newPasswordProblem and
 * refused if it is the one-time password itself; then the account no longer asks for it. Audited.
 */
export async function chooseOwnPassword(
  sql: Sql,
  accountId: string,
  password: string,
  at: Date,
): Promise<{ ok: true } | { problem: string }> {
  const [row] = await sql<{ hash: string | null; loginId: string }[]>`
    select password_hash as hash, login_id as "loginId" from accounts where id = ${accountId}`;
  if (!row) return { problem: '账号不存在。' };
  const problem = newPasswordProblem(password, row.loginId);
  if (problem) return { problem };
  if (row.hash && (await argon2.verify(row.hash, password).catch(() => false))) {
    return { problem: '新密码不能与管理员给您的一次性密码相同。' };
  }
  const hash = await hashPassword(password);
  await sql.begin(async (tx) => {
    await tx`
      update accounts set password_hash = ${hash}, must_change_password = false
      where id = ${accountId}`;
    await recordAudit(tx, {
      at,
      actorAccountId: accountId,
      action: 'account.password_chosen',
      subjectType: 'account',
      subjectId: accountId,
    });
  });
  return { ok: true };
}
