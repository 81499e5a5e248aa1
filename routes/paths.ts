import type { AccountKind } from '../lib/identity/index.js';

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
  me: {
    home: '/me',
    profile: '/me/profile',
    photo: '/me/profile/photo',
    qualifications: '/me/qualifications',
    outOfProvince: '/me/qualifications/out-of-province',
    apply: '/me/apply',
    applyProfession: '/me/apply/profession',
    applications: '/me/applications',
    application: (id: string) => `/me/applications/${id}`,
    step: (id: string, step: string) => `/me/applications/${id}/steps/${step}`,
    withdraw: (id: string) => `/me/applications/${id}/withdraw`,
    upload: (id: string, purpose: string) => `/me/applications/${id}/uploads/${purpose}`,
    correction: (id: string, itemId: string) => `/me/applications/${id}/corrections/${itemId}`,
  },
  org: {
    home: '/org',
    information: '/org/information',
    applications: '/org/applications',
    employees: '/org/employees',
    application: (id: string) => `/org/applications/${id}`,
    confirm: (id: string) => `/org/applications/${id}/confirm`,
    return: (id: string) => `/org/applications/${id}/return`,
    form: (id: string) => `/org/applications/${id}/form`,
    signedForm: (id: string) => `/org/applications/${id}/signed-form`,
    submit: (id: string) => `/org/applications/${id}/submit`,
    correction: (id: string, itemId: string) => `/org/applications/${id}/corrections/${itemId}`,
    rename: '/org/rename',
    renameWithdraw: (id: string) => `/org/rename/${id}/withdraw`,
  },
  authority: { home: '/authority' },
  assets: '/public',
  file: (id: string) => `/files/${id}`,
} as const;

/** Express route patterns of the paths that carry ids. */
export const routes = {
  file: '/files/:id',
  org: {
    application: '/org/applications/:id',
    confirm: '/org/applications/:id/confirm',
    return: '/org/applications/:id/return',
    form: '/org/applications/:id/form',
    signedForm: '/org/applications/:id/signed-form',
    submit: '/org/applications/:id/submit',
    correction: '/org/applications/:id/corrections/:itemId',
    renameWithdraw: '/org/rename/:id/withdraw',
  },
  me: {
    application: '/me/applications/:id',
    step: '/me/applications/:id/steps/:step',
    withdraw: '/me/applications/:id/withdraw',
    upload: '/me/applications/:id/uploads/:purpose',
    correction: '/me/applications/:id/corrections/:itemId',
  },
} as const;

/** Where each kind of account works. */
export const homeOf: Record<AccountKind, string> = {
  person: paths.me.home,
  enterprise: paths.org.home,
  staff: paths.authority.home,
};

/** A path with the query parameters that have a value (and no "?" when none has). */
export function withQuery(path: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])),
  ).toString();
  return query ? `${path}?${query}` : path;
}
