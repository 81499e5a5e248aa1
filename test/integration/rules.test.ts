import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runJob } from '../../lib/jobs/index.js';
import { expireUnconfirmed, saveDraft, startApplication } from '../../lib/filing/index.js';
import { attachSignedForm } from '../../lib/enterprise/index.js';
import { ConflictError, RuleError } from '../../lib/platform/index.js';
import { transition } from '../../lib/workflow/index.js';
import { integrationSuite } from '../support/app.js';
import type { EnterpriseFixture, PersonFixture } from '../support/fixtures.js';
import {
  addRegistration,
  addRegistryQualification,
  createEnterprise,
  createPerson,
  NOW,
  TINY_PDF,
} from '../support/fixtures.js';

// Each rule of DESIGN.md §3 that lib/ enforces for persons, refusing what it must with its message.

const DAY = 24 * 3600_000;
const employment = {
  position: '技术负责人',
  contractStart: '2025-03-01',
  contractEnd: '2029-02-28',
};
// The guard asks that each required material is there; which file it is does not matter here.
const uploads = { contract: 'f', 'change-proof': 'f', 'qualification-certificate': 'f' };

const suite = integrationSuite();
let enterprise: EnterpriseFixture;
beforeAll(async () => {
  enterprise = await createEnterprise(suite.t.db.sql, NOW);
});
beforeEach(() => suite.t.clock.set(NOW));

const deps = () => suite.t.services;
const personActor = (p: PersonFixture) => ({ role: 'person' as const, accountId: p.accountId });
const enterpriseActor = (e: EnterpriseFixture) => ({
  role: 'enterprise' as const,
  accountId: e.accountId,
});

/** A person with a cost-engineer qualification and a filled initial application at `enterprise`. */
async function initialDraft(
  person?: PersonFixture,
  draft: Record<string, unknown> = {},
  at: EnterpriseFixture = enterprise,
) {
  const p = person ?? (await createPerson(suite.t.db.sql, NOW));
  if (!person) await addRegistryQualification(suite.t.db.sql, p, 'cost_engineer', '土木建筑工程');
  const app = await startApplication(deps(), p.accountId, {
    kind: 'initial',
    profession: 'cost_engineer',
  });
  await saveDraft(deps(), p.accountId, app.id, {
    enterpriseId: at.enterpriseId,
    employment,
    specialties: ['土木建筑工程'],
    uploads,
    commitment: true,
    ...draft,
  });
  return { person: p, app };
}

async function refusal(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RuleError);
  return (error as RuleError).problems.map((p) => p.message);
}

const confirm = (p: PersonFixture, id: string) =>
  transition(deps(), { applicationId: id, action: 'confirm', actor: personActor(p) });

describe('rule 2: real-name level L4 and a complete profile', () => {
  it('refuses a person below L4, saying how to reach it', async () => {
    const p = await createPerson(suite.t.db.sql, NOW, { realNameLevel: 3 });
    await addRegistryQualification(suite.t.db.sql, p, 'cost_engineer', '土木建筑工程');
    const { app } = await initialDraft(p);
    const problems = await refusal(confirm(p, app.id));
    expect(problems).toEqual([expect.stringContaining('实名认证等级为L3，办理注册需达到L4级')]);
  });

  it('names every missing profile field', async () => {
    const p = await createPerson(suite.t.db.sql, NOW, { completeProfile: false });
    await addRegistryQualification(suite.t.db.sql, p, 'cost_engineer', '土木建筑工程');
    const { app } = await initialDraft(p);
    expect(await refusal(confirm(p, app.id))).toEqual([
      '请先完善个人信息：手机号码、电子邮箱、通讯地址、学历、近期免冠证件照。',
    ]);
  });

  it('asks for a photo taken within the last 6 months', async () => {
    // The photo was declared at NOW; the application is started (and confirmed) 200 days later.
    suite.t.clock.set(new Date(NOW.getTime() + 200 * DAY));
    const { person, app } = await initialDraft();
    await saveDraft(deps(), person.accountId, app.id, {
      employment: { ...employment, contractEnd: '2030-01-01' },
    });
    const problems = await refusal(confirm(person, app.id));
    expect(problems).toContain('请先完善个人信息：近6个月内拍摄的免冠证件照。');
  });
});

describe('rule 3: the labour contract runs three months or more from confirmation', () => {
  it('refuses a contract ending the day before three months are up, accepts one ending on it', async () => {
    const short = await initialDraft(undefined, {
      employment: { ...employment, contractEnd: '2027-02-24' },
    });
    expect(await refusal(confirm(short.person, short.app.id))).toEqual([
      '劳动合同须自申请确认之日起3个月以上有效（至少到2027-02-25），请核对劳动合同终止日期。',
    ]);
    await saveDraft(deps(), short.person.accountId, short.app.id, {
      employment: { ...employment, contractEnd: '2027-02-25' },
    });
    expect((await confirm(short.person, short.app.id)).state).toBe('awaiting_enterprise');
  });

  it('is checked again when the enterprise submits', async () => {
    const { person, app } = await initialDraft(undefined, {
      employment: { ...employment, contractEnd: '2027-03-31' },
    });
    await confirm(person, app.id);
    await transition(deps(), {
      applicationId: app.id,
      action: 'enterprise_confirm',
      actor: enterpriseActor(enterprise),
    });
    await attachSignedForm(deps(), {
      accountId: enterprise.accountId,
      applicationId: app.id,
      document: { bytes: TINY_PDF, contentType: 'application/pdf', originalName: '申请表.pdf' },
      snapshotVersion: 1,
    });
    suite.t.clock.set(new Date('2027-01-10T09:00:00+08:00')); // now needs 2027-04-10, has 03-31
    const problems = await refusal(
      transition(deps(), {
        applicationId: app.id,
        action: 'submit',
        actor: enterpriseActor(enterprise),
      }),
    );
    expect(problems).toEqual([expect.stringContaining('至少到2027-04-10')]);
  });

  it('asks for the position and the contract dates', async () => {
    const { person, app } = await initialDraft(undefined, { employment: {} });
    expect(await refusal(confirm(person, app.id))).toEqual([
      '请填写聘用岗位。',
      '请填写劳动合同起止日期。',
    ]);
  });
});

describe('the required materials', () => {
  it('are asked for by name before confirmation', async () => {
    const { person, app } = await initialDraft(undefined, { uploads: {} });
    expect(await refusal(confirm(person, app.id))).toEqual(['请上传：劳动合同扫描件。']);
  });
});

describe('rule 4: not confirmed within 5 days, the application expires', () => {
  it('expires a draft 5 days after it was started, keeps it with its event, and is idempotent', async () => {
    const { person, app } = await initialDraft();
    suite.t.clock.set('2026-11-30T23:59:00+08:00'); // started 11-25: the 5th day after is the last
    expect(await expireUnconfirmed(deps())).toBe(0);
    suite.t.clock.set('2026-12-01T00:00:00+08:00');
    expect((await runJob(suite.t.services, 'application-expiry')).outcome).toBe('ok');
    const [row] = await suite.t.db.sql`select state from applications where id = ${app.id}`;
    expect(row?.state).toBe('expired');
    const [event] = await suite.t.db.sql`
      select actor_role, from_state from application_events
      where application_id = ${app.id} and to_state = 'expired'`;
    expect(event).toEqual({ actor_role: 'system', from_state: 'draft' });
    expect(await expireUnconfirmed(deps())).toBe(0);
    const [run] = await suite.t.db.sql`
      select outcome from job_runs where job = 'application-expiry' order by id desc limit 1`;
    expect(run?.outcome).toBe('ok');
    // The person can start again.
    const again = await startApplication(deps(), person.accountId, {
      kind: 'initial',
      profession: 'cost_engineer',
    });
    expect(again.state).toBe('draft');
  });

  it('counts the 5 days of a returned application from its return', async () => {
    const { person, app } = await initialDraft();
    await confirm(person, app.id);
    suite.t.clock.set(new Date(NOW.getTime() + 4 * DAY));
    await transition(deps(), {
      applicationId: app.id,
      action: 'return',
      actor: enterpriseActor(enterprise),
      reason: '合同日期有误',
    });
    suite.t.clock.set(new Date(NOW.getTime() + 8 * DAY));
    await expireUnconfirmed(deps());
    const [row] = await suite.t.db.sql`select state from applications where id = ${app.id}`;
    expect(row?.state).toBe('returned');
    suite.t.clock.set(new Date(NOW.getTime() + 10 * DAY));
    await expireUnconfirmed(deps());
    const [after] = await suite.t.db.sql`select state from applications where id = ${app.id}`;
    expect(after?.state).toBe('expired');
  });
});

describe('rule 14: out-of-province architects and structural engineers', () => {
  it('cannot apply before their entry is approved, and can after', async () => {
    const p = await createPerson(suite.t.db.sql, NOW);
    const app = await startApplication(deps(), p.accountId, {
      kind: 'initial',
      profession: 'architect',
    });
    await saveDraft(deps(), p.accountId, app.id, {
      enterpriseId: enterprise.enterpriseId,
      employment,
      uploads,
      commitment: true,
    });
    expect(await refusal(confirm(p, app.id))).toEqual([
      '没有查到您的二级注册建筑师资格。省外取得的资格，须先办理省外资格信息录入并审核通过后才能申请注册。',
    ]);
    await transition(deps(), { applicationId: app.id, action: 'withdraw', actor: personActor(p) });

    const entry = await startApplication(deps(), p.accountId, {
      kind: 'out_of_province_qualification',
      profession: 'architect',
    });
    await saveDraft(deps(), p.accountId, entry.id, {
      outOfProvince: { examProvince: '浙江', certificateNumber: 'ZJ001', passYear: 2018 },
      uploads,
      commitment: true,
    });
    await confirm(p, entry.id);
    const [staff] = await suite.t.db.sql<
      { id: string }[]
    >`select id from accounts where kind = 'staff'`;
    await transition(deps(), {
      applicationId: entry.id,
      action: 'approve',
      actor: { role: 'officer', accountId: staff!.id },
    });
    const second = await startApplication(deps(), p.accountId, {
      kind: 'initial',
      profession: 'architect',
    });
    await saveDraft(deps(), p.accountId, second.id, {
      enterpriseId: enterprise.enterpriseId,
      employment,
      uploads,
      commitment: true,
    });
    expect((await confirm(p, second.id)).state).toBe('awaiting_enterprise');
  });

  it('is only for architects and structural engineers', async () => {
    const p = await createPerson(suite.t.db.sql, NOW);
    const entry = await startApplication(deps(), p.accountId, {
      kind: 'out_of_province_qualification',
      profession: 'constructor',
    });
    await saveDraft(deps(), p.accountId, entry.id, { uploads, commitment: true });
    expect(await refusal(confirm(p, entry.id))).toEqual([
      '省外资格信息录入仅适用于二级注册建筑师和二级注册结构工程师。',
    ]);
  });
});

describe('rule 15 and the registration rules', () => {
  async function registeredConstructor(validUntil = '2028-06-30') {
    const p = await createPerson(suite.t.db.sql, NOW);
    await addRegistryQualification(suite.t.db.sql, p, 'constructor', '建筑工程');
    await addRegistryQualification(suite.t.db.sql, p, 'constructor', '机电工程');
    await addRegistryQualification(suite.t.db.sql, p, 'cost_engineer', '安装工程');
    const registrationId = await addRegistration(
      suite.t.db.sql,
      NOW,
      p,
      enterprise,
      'constructor',
      ['建筑工程'],
      validUntil,
    );
    return { p, registrationId };
  }

  it('no initial registration while one in the profession is active', async () => {
    const { p } = await registeredConstructor();
    const app = await startApplication(deps(), p.accountId, {
      kind: 'initial',
      profession: 'constructor',
    });
    await saveDraft(deps(), p.accountId, app.id, {
      enterpriseId: enterprise.enterpriseId,
      employment,
      specialties: ['机电工程'],
      uploads,
      commitment: true,
    });
    const problems = await refusal(confirm(p, app.id));
    expect(problems).toEqual([expect.stringContaining('您已有二级注册建造师有效注册')]);
  });

  it('all active registrations with one enterprise: another profession elsewhere is refused', async () => {
    const { p } = await registeredConstructor();
    const other = await createEnterprise(suite.t.db.sql, NOW, { name: '另一家造价咨询有限公司' });
    const app = await startApplication(deps(), p.accountId, {
      kind: 'initial',
      profession: 'cost_engineer',
    });
    await saveDraft(deps(), p.accountId, app.id, {
      enterpriseId: other.enterpriseId,
      employment,
      specialties: ['安装工程'],
      uploads,
      commitment: true,
    });
    const problems = await refusal(confirm(p, app.id));
    expect(problems).toEqual([expect.stringContaining('一人的所有注册须在同一聘用企业')]);
    await saveDraft(deps(), p.accountId, app.id, { enterpriseId: enterprise.enterpriseId });
    expect((await confirm(p, app.id)).state).toBe('awaiting_enterprise');
  });

  it('additional needs an active registration and a qualification in the new specialty', async () => {
    const none = await createPerson(suite.t.db.sql, NOW);
    const lone = await startApplication(deps(), none.accountId, {
      kind: 'additional',
      profession: 'constructor',
    });
    await saveDraft(deps(), none.accountId, lone.id, {
      specialties: ['机电工程'],
      employment,
      uploads,
      commitment: true,
    });
    expect(await refusal(confirm(none, lone.id))).toContain(
      '您没有二级注册建造师有效注册，不能申请增项注册。',
    );

    const { p } = await registeredConstructor();
    const app = await startApplication(deps(), p.accountId, {
      kind: 'additional',
      profession: 'constructor',
    });
    await saveDraft(deps(), p.accountId, app.id, {
      specialties: ['公路工程', '建筑工程'],
      employment,
      uploads,
      commitment: true,
    });
    expect(await refusal(confirm(p, app.id))).toEqual([
      '您没有公路工程专业的二级注册建造师资格。',
      '您已注册建筑工程专业，增项注册请选择新的专业。',
    ]);
    await saveDraft(deps(), p.accountId, app.id, { specialties: ['机电工程'] });
    expect((await confirm(p, app.id)).state).toBe('awaiting_enterprise');
  });

  it('renewal only from 90 to 30 days before the end of validity', async () => {
    const cases: [string, boolean][] = [
      ['2027-02-24', false], // 91 days on
      ['2027-02-23', true], // 90 days on: the window opens
      ['2026-12-25', true], // 30 days on: the last day
      ['2026-12-24', false], // 29 days on
    ];
    for (const [validUntil, ok] of cases) {
      const { p } = await registeredConstructor(validUntil);
      const app = await startApplication(deps(), p.accountId, {
        kind: 'renewal',
        profession: 'constructor',
      });
      await saveDraft(deps(), p.accountId, app.id, { employment, uploads, commitment: true });
      if (ok) expect((await confirm(p, app.id)).state).toBe('awaiting_enterprise');
      else
        expect((await refusal(confirm(p, app.id)))[0]).toContain(
          '延续注册须在注册有效期满前90日至30日之间申请',
        );
    }
  });

  it('cancellation completes when the enterprise confirms; the person may then apply elsewhere', async () => {
    const { p, registrationId } = await registeredConstructor();
    const app = await startApplication(deps(), p.accountId, {
      kind: 'cancellation',
      profession: 'constructor',
    });
    await saveDraft(deps(), p.accountId, app.id, { commitment: true });
    await confirm(p, app.id);
    const done = await transition(deps(), {
      applicationId: app.id,
      action: 'enterprise_confirm',
      actor: enterpriseActor(enterprise),
    });
    expect(done.state).toBe('completed');
    const [reg] = await suite.t.db
      .sql`select status from registrations where id = ${registrationId}`;
    expect(reg?.status).toBe('cancelled');
    const other = await createEnterprise(suite.t.db.sql, NOW);
    const initial = await startApplication(deps(), p.accountId, {
      kind: 'initial',
      profession: 'constructor',
    });
    await saveDraft(deps(), p.accountId, initial.id, {
      enterpriseId: other.enterpriseId,
      employment,
      specialties: ['建筑工程'],
      uploads,
      commitment: true,
    });
    expect((await confirm(p, initial.id)).state).toBe('awaiting_enterprise');
  });

  it('the demonstration zone: constructors at a Wujiang District enterprise only', async () => {
    const p = await createPerson(suite.t.db.sql, NOW);
    await addRegistryQualification(suite.t.db.sql, p, 'constructor', '建筑工程');
    const app = await startApplication(deps(), p.accountId, {
      kind: 'initial',
      profession: 'constructor',
      demonstrationZone: true,
    });
    await saveDraft(deps(), p.accountId, app.id, {
      enterpriseId: enterprise.enterpriseId,
      employment,
      specialties: ['建筑工程'],
      uploads,
      commitment: true,
    });
    expect(await refusal(confirm(p, app.id))).toEqual([
      '长三角示范区注册的聘用企业须为工商注册地在苏州市吴江区的企业。',
    ]);
    const wujiang = await createEnterprise(suite.t.db.sql, NOW, { districtCode: '320509' });
    await saveDraft(deps(), p.accountId, app.id, { enterpriseId: wujiang.enterpriseId });
    expect((await confirm(p, app.id)).state).toBe('awaiting_enterprise');
  });
});

describe('the open-application rule', () => {
  it('allows one open application per person and profession, whatever its kind', async () => {
    const { person } = await initialDraft();
    await expect(
      startApplication(deps(), person.accountId, {
        kind: 'cancellation',
        profession: 'cost_engineer',
      }),
    ).rejects.toThrow('您已有一项二级注册造价工程师的申请正在办理中');
    const other = await startApplication(deps(), person.accountId, {
      kind: 'initial',
      profession: 'constructor',
    });
    expect(other.state).toBe('draft');
  });

  it('allows one open personal change per person', async () => {
    const p = await createPerson(suite.t.db.sql, NOW);
    await startApplication(deps(), p.accountId, {
      kind: 'personal_change',
      profession: 'constructor',
    });
    await expect(
      startApplication(deps(), p.accountId, { kind: 'personal_change', profession: 'architect' }),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('the workflow engine', () => {
  it('makes one transition of 10 identical confirmations sent at once', async () => {
    const { person, app } = await initialDraft();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => confirm(person, app.id)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected.every((r) => r.reason instanceof ConflictError)).toBe(true);
    const events = await suite.t.db.sql`
      select 1 from application_events where application_id = ${app.id} and action = 'confirm'`;
    expect(events).toHaveLength(1);
  });

  it('freezes a snapshot with a hash at confirmation, and a new version after a return', async () => {
    const { person, app } = await initialDraft();
    const first = await confirm(person, app.id);
    expect(first.snapshotVersion).toBe(1);
    expect(first.snapshotHash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.snapshot).toMatchObject({
      kind: 'initial',
      specialties: ['土木建筑工程'],
      employment,
    });
    await transition(deps(), {
      applicationId: app.id,
      action: 'return',
      actor: enterpriseActor(enterprise),
      reason: '岗位填写有误',
    });
    await saveDraft(deps(), person.accountId, app.id, {
      employment: { ...employment, position: '造价员' },
    });
    const second = await confirm(person, app.id);
    expect(second.snapshotVersion).toBe(2);
    expect(second.snapshotHash).not.toBe(first.snapshotHash);
    const [note] = await suite.t.db.sql<{ message: string }[]>`
      select message from notifications where account_id = ${person.accountId}`;
    expect(note?.message).toContain('原因：岗位填写有误');
  });

  it('needs a reason to return, and tells a stale page apart', async () => {
    const { person, app } = await initialDraft();
    const confirmed = await confirm(person, app.id);
    await expect(
      transition(deps(), {
        applicationId: app.id,
        action: 'return',
        actor: enterpriseActor(enterprise),
        reason: '  ',
      }),
    ).rejects.toThrow('退回须填写原因。');
    await expect(
      transition(deps(), {
        applicationId: app.id,
        action: 'withdraw',
        actor: personActor(person),
        expectedVersion: confirmed.version - 1,
      }),
    ).rejects.toThrow('这项申请已有新的办理进展');
  });

  it('treats another person’s or enterprise’s application as not found', async () => {
    const { app } = await initialDraft();
    const stranger = await createPerson(suite.t.db.sql, NOW);
    await expect(confirm(stranger, app.id)).rejects.toMatchObject({ status: 404 });
    await expect(
      saveDraft(deps(), stranger.accountId, app.id, { commitment: false }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('the database refuses a state change without its event', async () => {
    const { app } = await initialDraft();
    await expect(
      suite.t.db.sql`update applications set state = 'submitted', version = 1 where id = ${app.id}`,
    ).rejects.toThrow(/without its event/);
    await expect(
      suite.t.db.sql`update applications set state = 'submitted' where id = ${app.id}`,
    ).rejects.toThrow(/without its event/);
  });
});
