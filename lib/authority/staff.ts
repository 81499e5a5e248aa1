import { randomInt } from 'node:crypto';
import { z } from 'zod';
import type { StaffRole } from '../identity/index.js';
import { hashPassword, STAFF_ROLES } from '../identity/index.js';
import type { Db, Sql, Tx } from '../platform/index.js';
import { isUuid, NotFoundError, recordAudit, RuleError } from '../platform/index.js';

/**
 * The authority's staff accounts, kept by its admins (DESIGN.md §5a): an officer or an admin is
 * created with a one-time password the admin hands over, which the user replaces at the first
 * sign-in (as after a reset); an account is disabled and enabled again, never deleted (its acts
 * stay in the audit trail under its name); the last active admin cannot be disabled. Every change
 * is audited.
 */

export const staffRoleNames: Record<StaffRole, string> = { officer: '审核员', admin: '管理员' };

export type StaffMember = {
  accountId: string;
  name: string;
  loginId: string;
  role: StaffRole;
  disabled: boolean;
  mustChangePassword: boolean;
  lastSignedInAt: Date | null;
  createdAt: Date;
};

const MEMBER_COLUMNS = `a.id as "accountId", s.name, a.login_id as "loginId", s.role,
  a.disabled_at is not null as disabled, a.must_change_password as "mustChangePassword",
  a.last_signed_in_at as "lastSignedInAt", a.created_at as "createdAt"`;

/** Every staff account: the active first, then by name. */
export async function staffMembers(db: Db): Promise<StaffMember[]> {
  return db<StaffMember[]>`
    select ${db.unsafe(MEMBER_COLUMNS)}
    from staff s join accounts a on a.id = s.account_id
    order by a.disabled_at is not null, s.role desc, s.name, a.login_id`;
}

export async function staffMember(db: Db, accountId: string): Promise<StaffMember> {
  if (!isUuid(accountId)) throw new NotFoundError();
  const [row] = await db<StaffMember[]>`
    select ${db.unsafe(MEMBER_COLUMNS)}
    from staff s join accounts a on a.id = s.account_id where a.id = ${accountId}`;
  if (!row) throw new NotFoundError();
  return row;
}

/** The new-account form: a name, a user name (the login id) and a role. */
export const newStaffForm = z.object({
  name: z.string({ error: '请输入姓名' }).trim().min(1, '请输入姓名').max(50, '姓名最多50个字符'),
  loginId: z
    .string({ error: '请输入用户名' })
    .trim()
    .min(1, '请输入用户名')
    .max(32, '用户名最多32个字符')
    .transform((v) => v.toLowerCase())
    .pipe(
      z
        .string()
        .regex(
          /^[a-z][a-z0-9_]{2,31}$/,
          '用户名须以字母开头，由3至32个小写字母、数字或下划线组成，例如 shenhe03',
        ),
    ),
  role: z.enum(STAFF_ROLES, { error: '请选择角色' }),
});
export type NewStaff = z.infer<typeof newStaffForm>;

/** Characters of a one-time password: no 0/O, 1/l/I to misread when it is handed over. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A one-time password, e.g. 7hKm-3pQa-Xw9r: 12 random characters in groups of four. */
export function oneTimePassword(): string {
  for (;;) {
    const chars = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)]!);
    const text = [0, 4, 8].map((i) => chars.slice(i, i + 4).join('')).join('-');
    // Letters and digits both, as the password rules ask of the user's own.
    if (/[A-Za-z]/.test(text) && /[0-9]/.test(text)) return text;
  }
}

/**
 * Creates an officer or an admin; returns its account and the one-time password to hand over, or
 * what is wrong with the form (a user name already taken) by field.
 */
export async function createStaffMember(
  sql: Sql,
  member: NewStaff,
  adminAccountId: string,
  at: Date,
): Promise<{ accountId: string; password: string } | { problems: Record<string, string> }> {
  const password = oneTimePassword();
  const hash = await hashPassword(password);
  return sql.begin(async (tx) => {
    const [taken] = await tx`
      select 1 from accounts where kind = 'staff' and login_id = ${member.loginId}`;
    if (taken) return { problems: { loginId: `用户名“${member.loginId}”已被使用，请换一个。` } };
    const [account] = await tx<{ id: string }[]>`
      insert into accounts (kind, login_id, display_name, password_hash, must_change_password,
                            created_at)
      values ('staff', ${member.loginId}, ${member.name}, ${hash}, true, ${at})
      returning id`;
    await tx`
      insert into staff (account_id, name, role) values (${account!.id}, ${member.name}, ${member.role})`;
    await recordAudit(tx, {
      at,
      actorAccountId: adminAccountId,
      action: 'staff.created',
      subjectType: 'account',
      subjectId: account!.id,
      detail: { name: member.name, loginId: member.loginId, role: member.role },
    });
    return { accountId: account!.id, password };
  });
}

/** The member, locked; with every admin locked too when the last-admin guard needs counting. */
async function lockMember(tx: Tx, accountId: string): Promise<StaffMember> {
  if (!isUuid(accountId)) throw new NotFoundError();
  // Admins are locked in one order, so two admins disabling each other at once cannot both pass.
  await tx`
    select a.id from staff s join accounts a on a.id = s.account_id
    where s.role = 'admin' order by a.id for update of a`;
  const [row] = await tx<StaffMember[]>`
    select ${tx.unsafe(MEMBER_COLUMNS)}
    from staff s join accounts a on a.id = s.account_id where a.id = ${accountId}
    for update of a`;
  if (!row) throw new NotFoundError();
  return row;
}

/**
 * Disables or enables a staff account. Disabled, it cannot sign in and its sessions end at their
 * next request (findSessionUser reads only enabled accounts). The last active admin cannot be
 * disabled, nor can an admin disable their own account.
 */
export async function setStaffDisabled(
  sql: Sql,
  request: { accountId: string; disabled: boolean; adminAccountId: string; at: Date },
): Promise<void> {
  await sql.begin(async (tx) => {
    const member = await lockMember(tx, request.accountId);
    if (member.disabled === request.disabled) return;
    if (request.disabled) {
      if (member.accountId === request.adminAccountId) {
        throw new RuleError([
          { code: 'own_account', message: '不能停用自己的账号；如需停用，请由其他管理员操作。' },
        ]);
      }
      if (member.role === 'admin') {
        const [others] = await tx<{ count: number }[]>`
          select count(*)::int as count from staff s join accounts a on a.id = s.account_id
          where s.role = 'admin' and a.disabled_at is null and a.id <> ${member.accountId}`;
        if (others!.count === 0) {
          throw new RuleError([
            {
              code: 'last_admin',
              message: `${member.name}是最后一名在用的管理员，不能停用：请先新建或启用另一名管理员。`,
            },
          ]);
        }
      }
    }
    await tx`
      update accounts set disabled_at = ${request.disabled ? request.at : null}
      where id = ${member.accountId}`;
    if (request.disabled) await endSessionsOf(tx, member.accountId);
    await recordAudit(tx, {
      at: request.at,
      actorAccountId: request.adminAccountId,
      action: request.disabled ? 'staff.disabled' : 'staff.enabled',
      subjectType: 'account',
      subjectId: member.accountId,
      detail: { name: member.name, loginId: member.loginId },
    });
  });
}

/**
 * Resets a staff member's password: a new one-time password (returned, to hand over) that the
 * user replaces at the next sign-in; the account's sessions end. Audited.
 */
export async function resetStaffPassword(
  sql: Sql,
  request: { accountId: string; adminAccountId: string; at: Date },
): Promise<string> {
  const password = oneTimePassword();
  const hash = await hashPassword(password);
  await sql.begin(async (tx) => {
    const member = await lockMember(tx, request.accountId);
    if (member.disabled) {
      throw new RuleError([
        { code: 'account_disabled', message: '该账号已停用，请先启用再重置密码。' },
      ]);
    }
    await tx`
      update accounts set password_hash = ${hash}, must_change_password = true
      where id = ${member.accountId}`;
    await endSessionsOf(tx, member.accountId);
    await recordAudit(tx, {
      at: request.at,
      actorAccountId: request.adminAccountId,
      action: 'staff.password_reset',
      subjectType: 'account',
      subjectId: member.accountId,
      detail: { name: member.name, loginId: member.loginId },
    });
  });
  return password;
}

/** Ends every session of an account (Passport keeps the account id in the session). */
async function endSessionsOf(tx: Tx, accountId: string): Promise<void> {
  await tx`delete from sessions where sess -> 'passport' ->> 'user' = ${accountId}`;
}
