import type { AccountKind } from '../lib/identity/index.js';

/** The parameters of a URL pattern, in order: '/a/:id/b/:step' → [string, string]. */
type ParamsOf<P extends string> = P extends `${string}:${string}/${infer Rest}`
  ? [string, ...ParamsOf<Rest>]
  : P extends `${string}:${string}`
    ? [string]
    : [];

/** A URL with parameters: call it to fill them in; Express registers its `pattern`. */
export type Route<P extends string> = ((...params: ParamsOf<P>) => string) & { pattern: P };

/** Declares a URL with parameters once: the pattern, and the function that fills it. */
function route<P extends string>(pattern: P): Route<P> {
  const fill = (...params: string[]) => {
    let i = 0;
    return pattern.replace(/:[A-Za-z]+/g, () => encodeURIComponent(params[i++] ?? ''));
  };
  return Object.assign(fill as (...params: ParamsOf<P>) => string, { pattern });
}

/** Every URL of the site, in one place (test/unit/paths.test.ts holds the routes to it). */
export const paths = {
  home: '/',
  health: '/healthz',
  search: '/search',
  verify: '/verify',
  announcements: '/announcements',
  announcement: route('/announcements/:key'),
  help: '/help',
  login: {
    person: '/login/person',
    enterprise: '/login/enterprise',
    staff: '/login/staff',
  } satisfies Record<AccountKind, string>,
  logout: '/logout',
  /** A staff member given a one-time password sets their own here before anything else. */
  newPassword: '/account/new-password',
  me: {
    home: '/me',
    profile: '/me/profile',
    photo: '/me/profile/photo',
    qualifications: '/me/qualifications',
    outOfProvince: '/me/qualifications/out-of-province',
    apply: '/me/apply',
    applyProfession: '/me/apply/profession',
    applications: '/me/applications',
    application: route('/me/applications/:id'),
    step: route('/me/applications/:id/steps/:step'),
    /** The application form as a PDF, marked 预览, without a QR. */
    formPreview: route('/me/applications/:id/form-preview.pdf'),
    withdraw: route('/me/applications/:id/withdraw'),
    upload: route('/me/applications/:id/uploads/:purpose'),
    changePhoto: route('/me/applications/:id/change-photo'),
    correction: route('/me/applications/:id/corrections/:itemId'),
    decision: route('/me/applications/:id/decision'),
    notificationsRead: route('/me/notifications/:id/read'),
  },
  org: {
    home: '/org',
    information: '/org/information',
    applications: '/org/applications',
    employees: '/org/employees',
    application: route('/org/applications/:id'),
    confirm: route('/org/applications/:id/confirm'),
    return: route('/org/applications/:id/return'),
    form: route('/org/applications/:id/form'),
    /** The application form as a PDF, with its QR (lib/documents). */
    formPdf: route('/org/applications/:id/form.pdf'),
    signedForm: route('/org/applications/:id/signed-form'),
    submit: route('/org/applications/:id/submit'),
    correction: route('/org/applications/:id/corrections/:itemId'),
    decision: route('/org/applications/:id/decision'),
    notificationsRead: route('/org/notifications/:id/read'),
    rename: '/org/rename',
    renameWithdraw: route('/org/rename/:id/withdraw'),
  },
  authority: {
    home: '/authority',
    calendar: '/authority/calendar',
    application: route('/authority/applications/:id'),
    claim: route('/authority/applications/:id/claim'),
    assign: route('/authority/applications/:id/assign'),
    accept: route('/authority/applications/:id/accept'),
    corrections: route('/authority/applications/:id/corrections'),
    decision: route('/authority/applications/:id/decision'),
    decisionDocument: route('/authority/applications/:id/decision-document'),
    itemReview: route('/authority/applications/:id/items/:itemId/review'),
    reasons: '/authority/reasons',
    reason: route('/authority/reasons/:code'),
    dashboard: '/authority/dashboard',
    audit: '/authority/audit',
    queueExport: '/authority/export.csv',
    staff: '/authority/staff',
    staffNew: '/authority/staff/new',
    staffMember: route('/authority/staff/:id'),
    jobs: '/authority/jobs',
    job: route('/authority/jobs/:name'),
    jobRun: route('/authority/jobs/:name/run'),
  },
  assets: '/public',
  /** htmx, served from its npm package. */
  vendorScripts: '/public/js/vendor',
  /** Noto Sans SC's WOFF2 subsets, served from its npm package. */
  fonts: '/public/fonts',
  /** Their @font-face rules, built at start-up (routes/middleware/fonts.ts). */
  fontStylesheet: '/public/fonts/noto-sans-sc.css',
  file: route('/files/:id'),
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
