import type { AccountKind } from './accounts.js';
import type { Sql } from '../platform/index.js';
import { RateLimiterPostgres } from 'rate-limiter-flexible';

export type LoginThrottleLimits = { perAccount: number; perAddress: number; windowMinutes: number };

export type LoginThrottle = {
  /** Whether a sign-in may be tried now; refused after too many failures in the window. */
  allowed(kind: AccountKind, loginId: string, address: string): Promise<boolean>;
  recordFailure(kind: AccountKind, loginId: string, address: string): Promise<void>;
  recordSuccess(kind: AccountKind, loginId: string): Promise<void>;
};

/**
 * rate-limiter-flexible drives node-postgres style clients ({ text, values } → { rows, rowCount });
 * this adapter lets it use our postgres.js pool. Counting in PostgreSQL makes the limit hold across
 * every app instance.
 */
function pgPoolAdapter(sql: Sql) {
  return {
    query: async ({ text, values }: { text: string; values?: unknown[] }) => {
      const rows = await sql.unsafe(text, (values ?? []) as never[]);
      return { rows: [...rows], rowCount: rows.count };
    },
  };
}

export function createLoginThrottle(sql: Sql, limits: LoginThrottleLimits): LoginThrottle {
  const common = {
    storeClient: pgPoolAdapter(sql),
    storeType: 'pool',
    tableName: 'login_throttle',
    tableCreated: true,
    clearExpiredByTimeout: false,
    duration: limits.windowMinutes * 60,
  };
  const byAccount = new RateLimiterPostgres({
    ...common,
    keyPrefix: 'account',
    points: limits.perAccount,
  });
  const byAddress = new RateLimiterPostgres({
    ...common,
    keyPrefix: 'address',
    points: limits.perAddress,
  });
  const accountKey = (kind: AccountKind, loginId: string) => `${kind}:${loginId}`;

  return {
    async allowed(kind, loginId, address) {
      const [account, ip] = await Promise.all([
        byAccount.get(accountKey(kind, loginId)),
        byAddress.get(address),
      ]);
      return (
        (account?.consumedPoints ?? 0) < limits.perAccount &&
        (ip?.consumedPoints ?? 0) < limits.perAddress
      );
    },
    async recordFailure(kind, loginId, address) {
      // penalty() counts without rejecting when the points run out: allowed() decides.
      await Promise.all([byAccount.penalty(accountKey(kind, loginId)), byAddress.penalty(address)]);
    },
    async recordSuccess(kind, loginId) {
      await byAccount.delete(accountKey(kind, loginId));
    },
  };
}
