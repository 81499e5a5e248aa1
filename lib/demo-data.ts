import type { Clock } from './clock.js';
import type { Sql } from './db.js';
import { createAccount } from './accounts.js';
import { recordAudit } from './audit.js';

/** The password of every demo account (README lists the logins). Demo data is never seeded in production. */
export const DEMO_PASSWORD = 'Demo@2026';

export const demoPersons = [
  { idNumber: '320102198503141235', name: '张伟', profession: 'constructor' },
  { idNumber: '320505199007212343', name: '李娜', profession: 'cost_engineer' },
  { idNumber: '320106198809080565', name: '王芳', profession: 'architect' },
  { idNumber: '320583199201023457', name: '刘强', profession: 'structural_engineer' },
] as const;

export const demoEnterprises = [
  { creditCode: '91320102MA1X7H2K3F', name: '江苏华建建设工程有限公司', districtCode: '320102' },
  {
    creditCode: '91320509MA1W5L8T0W',
    name: '苏州吴江长三角示范区建设有限公司',
    districtCode: '320509',
  },
  {
    creditCode: '91320106MA1N3R6P53',
    name: '南京宁远工程造价咨询有限公司',
    districtCode: '320106',
  },
  {
    creditCode: '91320500MA1Y8Q4U2L',
    name: '苏州姑苏建筑设计研究院有限公司',
    districtCode: '320508',
  },
] as const;

export const demoStaff = [{ username: 'shenhe01', name: '周敏' }] as const;

/**
 * Seeds the demo accounts in one transaction. Does nothing when accounts already exist, so every
 * start may call it; only the embedded database outside production gets it.
 */
export async function seedDemoData(sql: Sql, clock: Clock): Promise<boolean> {
  return sql.begin(async (tx) => {
    await tx`lock table accounts in exclusive mode`;
    const [existing] = await tx`select 1 from accounts limit 1`;
    if (existing) return false;
    const at = clock.now();
    const password = DEMO_PASSWORD;
    for (const p of demoPersons) {
      const accountId = await createAccount(tx, {
        kind: 'person',
        loginId: p.idNumber,
        displayName: p.name,
        password,
        realNameLevel: 4,
        at,
      });
      await tx`insert into persons (account_id, id_number, name) values (${accountId}, ${p.idNumber}, ${p.name})`;
    }
    for (const e of demoEnterprises) {
      const accountId = await createAccount(tx, {
        kind: 'enterprise',
        loginId: e.creditCode,
        displayName: e.name,
        password,
        at,
      });
      await tx`
        insert into enterprises (account_id, credit_code, name, district_code)
        values (${accountId}, ${e.creditCode}, ${e.name}, ${e.districtCode})`;
    }
    for (const s of demoStaff) {
      const accountId = await createAccount(tx, {
        kind: 'staff',
        loginId: s.username,
        displayName: s.name,
        password,
        at,
      });
      await tx`insert into staff (account_id, name) values (${accountId}, ${s.name})`;
    }
    await recordAudit(tx, { at, actorAccountId: null, action: 'demo_data_seeded' });
    return true;
  });
}
