import type { AccountKind } from '../../lib/identity/index.js';
import { creditCodeField, idNumberField, requiredText } from '../../lib/identity/index.js';
import { z } from 'zod';

export type LoginForm = { loginId: string; password: string };

const password = z.string({ error: '请输入密码' }).min(1, '请输入密码').max(200);

/** The login form of each kind of account; the login id is normalised and checked. */
export function loginSchema(kind: AccountKind, today: Date) {
  const loginId = {
    person: idNumberField(today),
    enterprise: creditCodeField(),
    staff: requiredText('请输入用户名', 50),
  }[kind];
  return z.object({ loginId, password });
}

/** What each login page says, by kind. */
export const loginPages: Record<
  AccountKind,
  { title: string; loginIdLabel: string; loginIdHint: string; wrongCredentials: string }
> = {
  person: {
    title: '个人登录',
    loginIdLabel: '居民身份证号码',
    loginIdHint: '18位，最后一位可能是字母X',
    wrongCredentials: '居民身份证号码或密码不正确',
  },
  enterprise: {
    title: '企业法人登录',
    loginIdLabel: '统一社会信用代码',
    loginIdHint: '18位，见营业执照',
    wrongCredentials: '统一社会信用代码或密码不正确',
  },
  staff: {
    title: '主管部门工作人员登录',
    loginIdLabel: '用户名',
    loginIdHint: '',
    wrongCredentials: '用户名或密码不正确',
  },
};

export const TOO_MANY_FAILURES = (minutes: number) =>
  `登录失败次数过多，为保护账户安全，请${minutes}分钟后再试。`;
