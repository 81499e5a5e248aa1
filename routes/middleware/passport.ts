import passport from 'passport';
import type { AccountKind } from '../../lib/identity/index.js';
import { ACCOUNT_KINDS, checkPassword, findSessionUser } from '../../lib/identity/index.js';
import type { Sql } from '../../lib/platform/index.js';
import { Strategy as LocalStrategy } from 'passport-local';

export type Authenticator = passport.Authenticator;

/** Failure info a strategy passes back: the account tried, when it exists (for the audit). */
export type LoginFailure = { accountId: string | null };

/**
 * The identity seam: one Passport strategy per kind of login, named after the kind. Local
 * passwords today; an OpenID Connect strategy for the province's identity platform can stand
 * beside these later, ending in the same SessionUser.
 */
export function createAuthenticator(sql: Sql): Authenticator {
  const authenticator = new passport.Passport();
  for (const kind of ACCOUNT_KINDS) {
    authenticator.use(kind, localStrategy(sql, kind));
  }
  authenticator.serializeUser((user, done) => done(null, user.id));
  authenticator.deserializeUser((id: string, done) => {
    findSessionUser(sql, id).then((user) => done(null, user ?? false), done);
  });
  return authenticator;
}

function localStrategy(sql: Sql, kind: AccountKind) {
  return new LocalStrategy(
    { usernameField: 'loginId', passwordField: 'password' },
    (loginId, password, done) => {
      checkPassword(sql, kind, loginId, password).then((result) => {
        if (result.ok) return done(null, result.user);
        const failure: LoginFailure = { accountId: result.accountId };
        return done(null, false, failure as never);
      }, done);
    },
  );
}
