import type { AccountKind } from './accounts.js';

/** Every URL of the site, in one place. */
export const paths = {
  home: '/',
  health: '/healthz',
  search: '/search',
  verify: '/verify',
  announcements: '/announcements',
  login: {
    person: '/login/person',
    enterprise: '/login/enterprise',
    staff: '/login/staff',
  } satisfies Record<AccountKind, string>,
  logout: '/logout',
  me: { home: '/me' },
  org: { home: '/org' },
  authority: { home: '/authority' },
  assets: '/public',
} as const;

/** Where each kind of account works. */
export const homeOf: Record<AccountKind, string> = {
  person: paths.me.home,
  enterprise: paths.org.home,
  staff: paths.authority.home,
};
