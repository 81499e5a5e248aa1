import { describe, expect, it } from 'vitest';
import { saveDraft } from '../../lib/filing/index.js';
import { requestCorrections, supplyItem } from '../../lib/corrections/index.js';
import { paths } from '../../routes/paths.js';
import type { Profession } from '../../lib/reference/index.js';
import { transition } from '../../lib/workflow/index.js';
import { integrationSuite, signInNewEnterprise } from '../support/app.js';
import {
  addRegistration,
  createPerson,
  insertApplication,
  NOW,
  officerAccountId,
  TINY_PDF,
} from '../support/fixtures.js';

// From the enterprise's confirmation to its submission, for the kinds and rules that reach it:
// a personal change (no contract), rule 3 at submission, rule 13 at both steps, and what the
// enterprise's statement and the audit trail keep.

const suite = integrationSuite({ clock: NOW });

type Signed = Awaited<ReturnType<typeof signInNewEnterprise>>;

const stateOf = async (id: string) =>
  (await suite.t.db.sql<{ state: string }[]>`select state from applications where id = ${id}`)[0]!
    .state;

const versionOf = async (id: string) =>
  (
    await suite.t.db.sql<{ version: number }[]>`select version from applications where id = ${id}`
  )[0]!.version;

const confirmOnPage = async ({ agent, _csrf }: Signed, id: string, fields: object = {}) =>
  agent
    .post(paths.org.confirm(id))
    .type('form')
    .send({ _csrf, version: String(await versionOf(id)), commitment: 'yes', ...fields });

const uploadScan = ({ agent, _csrf }: Signed, id: string) =>
  agent.post(paths.org.signedForm(id)).field('_csrf', _csrf).attach('file', TINY_PDF, '申请表.pdf');

const submitOnPage = async ({ agent, _csrf }: Signed, id: string) =>
  agent
    .post(paths.org.submit(id))
    .type('form')
    .send({ _csrf, version: String(await versionOf(id)) });

/** A person registered at the signed-in enterprise. */
async function registered(
  signed: Signed,
  profession: Profession,
  specialties: string[],
  validUntil: string,
) {
  const person = await createPerson(suite.t.db.sql, NOW);
  const registrationId = await addRegistration(
    suite.t.db.sql,
    NOW,
    person,
    signed.enterprise,
    profession,
    specialties,
    validUntil,
  );
  return { person, registrationId };
}

/** A constructor's renewal at the signed-in enterprise, waiting for its signed form. */
async function renewalAwaitingScan(signed: Signed, contractEnd: string) {
  const { person, registrationId } = await registered(
    signed,
    'constructor',
    ['建筑工程'],
    '2027-01-20',
  );
  const id = await insertApplication(suite.t.db.sql, NOW, {
    kind: 'renewal',
    state: 'awaiting_signed_form',
    profession: 'constructor',
    personId: person.personId,
    enterpriseId: signed.enterprise.enterpriseId,
    registrationId,
    draft: { employment: { position: '项目经理', contractStart: '2024-01-01', contractEnd } },
  });
  return { person, id };
}

/**
 * A new person's initial application waiting for `enterpriseId` to confirm it, its snapshot as
 * the person confirmed it (their name and photo, a contract, and `draft`).
 */
async function initialWaitingFor(
  enterpriseId: string,
  profession: Profession,
  options: { name?: string; draft?: object } = {},
) {
  const name = options.name ?? '测试人员';
  const person = await createPerson(suite.t.db.sql, NOW, { name });
  const id = await insertApplication(suite.t.db.sql, NOW, {
    kind: 'initial',
    state: 'awaiting_enterprise',
    profession,
    personId: person.personId,
    enterpriseId,
    draft: {
      person: { name, photoFileId: person.fileId },
      employment: {
        position: '技术负责人',
        contractStart: '2026-01-01',
        contractEnd: '2029-12-31',
      },
      ...options.draft,
    },
  });
  return { person, id };
}

const moveTo = async ({ agent, _csrf }: Signed, districtCode: string) => {
  const res = await agent.post(paths.org.information).type('form').send({
    _csrf,
    legalRepresentative: '王建国',
    address: '苏州市吴江区中山南路1号',
    districtCode,
    contactName: '李红',
    contactPhone: '0512-63000000',
  });
  expect(res.status).toBe(303);
};

describe('a personal change', () => {
  it('is confirmed, printed, uploaded and submitted: it states no contract to check', async () => {
    const signed = await signInNewEnterprise(suite.t);
    const { person, registrationId } = await registered(
      signed,
      'constructor',
      ['建筑工程'],
      '2028-06-30',
    );
    const id = await insertApplication(suite.t.db.sql, NOW, {
      kind: 'personal_change',
      state: 'awaiting_enterprise',
      profession: 'constructor',
      personId: person.personId,
      enterpriseId: signed.enterprise.enterpriseId,
      registrationId,
      draft: { change: { education: '硕士研究生', note: '取得硕士学位' } },
    });
    expect((await confirmOnPage(signed, id)).status).toBe(303);
    const form = await signed.agent.get(paths.org.form(id));
    expect(form.text).toContain('学历变更为硕士研究生');
    expect((await uploadScan(signed, id)).status).toBe(303);
    const submitted = await submitOnPage(signed, id);
    expect(submitted.headers.location).toBe(`${paths.org.application(id)}?done=submitted`);
    expect(await stateOf(id)).toBe('submitted');
  });
});

describe('rule 3 at submission', () => {
  it('a contract that no longer runs three months is refused, with what to do, by the return form', async () => {
    const signed = await signInNewEnterprise(suite.t);
    const { id } = await renewalAwaitingScan(signed, '2027-02-22');
    expect((await uploadScan(signed, id)).status).toBe(303);
    // Confirmed by the person days ago; submitted today (NOW, 2026-11-25) it needs 2027-02-25.
    const refused = await submitOnPage(signed, id);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('劳动合同须自提交之日起3个月以上有效（至少到2027-02-25）');
    expect(refused.text).toContain('2027-02-22到期');
    expect(refused.text).toContain('请退回申请人');
    // The summary leads to the return form, which is on the page.
    expect(refused.text).toMatch(/<a href="#reason"[^>]*>劳动合同须自提交之日起/);
    expect(refused.text).toContain('id="reason"');
    expect(await stateOf(id)).toBe('awaiting_signed_form');
  });
});

describe('rule 13 for the enterprise', () => {
  it('a demonstration-zone application is marked, and confirmed and submitted only from Wujiang District', async () => {
    const signed = await signInNewEnterprise(suite.t, { districtCode: '320509' });
    const { id } = await initialWaitingFor(signed.enterprise.enterpriseId, 'constructor', {
      draft: { specialties: ['建筑工程'] },
    });
    await suite.t.db.sql`update applications set demonstration_zone = true where id = ${id}`;

    const list = await signed.agent.get(paths.org.applications);
    expect(list.text).toContain('初始注册（长三角示范区）');
    const page = await signed.agent.get(paths.org.application(id));
    expect(page.text).toContain('初始注册（长三角示范区注册）');

    await moveTo(signed, '320506'); // 吴中区: no longer the demonstration zone
    const refused = await confirmOnPage(signed, id);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('本单位的注册地区划代码现为320506');
    expect(refused.text).toContain('<a href="#reason"');
    expect(await stateOf(id)).toBe('awaiting_enterprise');

    await moveTo(signed, '320509');
    expect((await confirmOnPage(signed, id)).status).toBe(303);
    const form = await signed.agent.get(paths.org.form(id));
    expect(form.text).toContain('二级注册建造师初始注册申请表（长三角示范区）');
    expect((await uploadScan(signed, id)).status).toBe(303);

    await moveTo(signed, '320506');
    const late = await submitOnPage(signed, id);
    expect(late.status).toBe(422);
    expect(late.text).toContain('本单位的注册地区划代码现为320506');
    expect(await stateOf(id)).toBe('awaiting_signed_form');

    await moveTo(signed, '320509');
    expect((await submitOnPage(signed, id)).status).toBe(303);
    expect(await stateOf(id)).toBe('submitted');
  });
});

describe('what the enterprise states', () => {
  it('is printed on the form, and kept in the audit trail after a return clears it', async () => {
    const signed = await signInNewEnterprise(suite.t);
    const { person, id } = await initialWaitingFor(signed.enterprise.enterpriseId, 'architect', {
      name: '周文',
    });
    const confirmed = await confirmOnPage(signed, id, {
      licence: 'held',
      licenceType: '工程设计建筑行业资质',
      licenceNumber: 'A132000001',
    });
    expect(confirmed.status).toBe(303);
    const form = await signed.agent.get(paths.org.form(id));
    expect(form.text).toMatch(
      /data-testid="form-licence">工程设计建筑行业资质，资质证号 A132000001</,
    );
    expect(form.text).toContain('法定代表人 王建国（签字）');
    // The person's photo is on the form, from the snapshot, and the enterprise may open it.
    expect(form.text).toContain(`src="${paths.file(person.fileId!)}"`);

    const returned = await signed.agent
      .post(paths.org.return(id))
      .type('form')
      .send({ _csrf: signed._csrf, version: String(await versionOf(id)), reason: '岗位填写有误' });
    expect(returned.status).toBe(303);
    const [app] = await suite.t.db
      .sql`select enterprise_confirmation from applications where id = ${id}`;
    expect(app?.enterprise_confirmation).toBeNull();
    const audit = await suite.t.db.sql<{ detail: { confirmation: unknown } }[]>`
      select detail from audit_events
      where action = 'enterprise_confirmation_stated' and subject_id = ${id}`;
    expect(audit.map((a) => a.detail.confirmation)).toEqual([
      { licence: { type: '工程设计建筑行业资质', number: 'A132000001' } },
    ]);
  });

  it('the information it changes is audited with what it was', async () => {
    const signed = await signInNewEnterprise(suite.t);
    await moveTo(signed, '320509');
    const [event] = await suite.t.db.sql<{ detail: { changed: Record<string, unknown> } }[]>`
      select detail from audit_events
      where action = 'enterprise_information_saved' and subject_id = ${signed.enterprise.enterpriseId}`;
    expect(event?.detail.changed).toMatchObject({
      districtCode: { from: '320102', to: '320509' },
      address: { from: '南京市玄武区', to: '苏州市吴江区中山南路1号' },
    });
    expect(event?.detail.changed).not.toHaveProperty('legalRepresentative');
  });

  it('full-width digits typed on a Chinese keyboard are taken as digits', async () => {
    const signed = await signInNewEnterprise(suite.t);
    const res = await signed.agent.post(paths.org.information).type('form').send({
      _csrf: signed._csrf,
      legalRepresentative: '王建国',
      address: '南京市玄武区',
      districtCode: '３２０１０２',
      contactName: '李红',
      contactPhone: '０２５－８４０００１２３',
    });
    expect(res.status).toBe(303);
    const [row] = await suite.t.db.sql`
      select district_code, contact_phone from enterprises
      where id = ${signed.enterprise.enterpriseId}`;
    expect(row).toEqual({ district_code: '320102', contact_phone: '025-84000123' });
  });
});

describe('a licence still owed', () => {
  it('is voided when the registration it was for is cancelled', async () => {
    const signed = await signInNewEnterprise(suite.t);
    const { person, registrationId } = await registered(signed, 'architect', [], '2027-01-24');
    const renewal = await insertApplication(suite.t.db.sql, NOW, {
      kind: 'renewal',
      state: 'completed',
      profession: 'architect',
      personId: person.personId,
      enterpriseId: signed.enterprise.enterpriseId,
      registrationId,
    });
    await suite.t.db.sql`
      insert into correction_items (application_id, addressed_to, asks, what, why, blocks_review, opened_at)
      values (${renewal}, 'enterprise', 'licence', '企业资质类型及资质证号', '暂无资质', false, ${NOW})`;
    const cancellation = await insertApplication(suite.t.db.sql, NOW, {
      kind: 'cancellation',
      state: 'awaiting_enterprise',
      profession: 'architect',
      personId: person.personId,
      enterpriseId: signed.enterprise.enterpriseId,
      registrationId,
    });
    const home = async () => (await signed.agent.get(paths.org.home)).text;
    expect(await home()).toMatch(/data-testid="open-items">1</);
    await transition(suite.t.services, {
      applicationId: cancellation,
      action: 'enterprise_confirm',
      actor: { role: 'enterprise', accountId: signed.enterprise.accountId },
    });
    expect(await home()).toMatch(/data-testid="open-items">0</);
    const [item] = await suite.t.db.sql<
      { closed_at: Date | null; supplied: { voided?: string } }[]
    >`
      select closed_at, supplied from correction_items where application_id = ${renewal}`;
    expect(item?.closed_at).not.toBeNull();
    expect(item?.supplied.voided).toContain('注销');
  });
});

describe('the enterprise’s notifications', () => {
  it('tell it what the person and the authority did, never what it did itself', async () => {
    const signed = await signInNewEnterprise(suite.t);
    const officer = await officerAccountId(suite.t.db.sql);
    const { id: renewal } = await renewalAwaitingScan(signed, '2029-12-31');
    expect((await uploadScan(signed, renewal)).status).toBe(303);
    expect((await submitOnPage(signed, renewal)).status).toBe(303);
    const byOfficer = (action: 'accept' | 'refuse', reason?: string) =>
      transition(suite.t.services, {
        applicationId: renewal,
        action,
        actor: { role: 'officer', accountId: officer },
        reason,
      });
    await byOfficer('accept');
    await byOfficer('refuse', '劳动合同与社保缴纳单位不一致');

    const { person: other, id: initial } = await initialWaitingFor(
      signed.enterprise.enterpriseId,
      'cost_engineer',
      { name: '吴倩' },
    );
    await transition(suite.t.services, {
      applicationId: initial,
      action: 'withdraw',
      actor: { role: 'person', accountId: other.accountId },
    });

    const messages = await suite.t.db.sql<{ message: string }[]>`
      select message from notifications where account_id = ${signed.enterprise.accountId}
      order by created_at, message`;
    expect(messages.map((m) => m.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^测试人员的二级注册建造师延续注册申请（.+）现为“审核中”。$/),
        expect.stringMatching(
          /^测试人员的二级注册建造师延续注册申请（.+）现为“不予注册”，原因：劳动合同与社保缴纳单位不一致。$/,
        ),
        expect.stringMatching(/^吴倩的二级注册造价工程师初始注册申请（.+）现为“已撤回”。$/),
      ]),
    );
    // Its own submission is not among them.
    expect(messages.some((m) => m.message.includes('待受理'))).toBe(false);
    expect(messages).toHaveLength(3);
    const home = await signed.agent.get(paths.org.home);
    expect(home.text).toContain('原因：劳动合同与社保缴纳单位不一致');
    expect(home.text).toContain('吴倩的二级注册造价工程师初始注册申请');
  });
});

describe('a returned initial application taken to another employer', () => {
  it('is nothing of the new employer’s until the person confirms it to them', async () => {
    const a = await signInNewEnterprise(suite.t);
    const b = await signInNewEnterprise(suite.t);
    const { person, id } = await initialWaitingFor(a.enterprise.enterpriseId, 'cost_engineer', {
      name: '郑远',
    });
    const returned = await a.agent
      .post(paths.org.return(id))
      .type('form')
      .send({ _csrf: a._csrf, version: '0', reason: '本单位未与其签订劳动合同' });
    expect(returned.status).toBe(303);
    // The person chooses B on the returned application, and then withdraws it.
    await saveDraft(suite.t.services, person.accountId, id, {
      enterpriseId: b.enterprise.enterpriseId,
    });
    const looks = async () => ({
      page: (await b.agent.get(paths.org.application(id))).status,
      list: (await b.agent.get(paths.org.applications)).text.includes('郑远'),
      photo: (await b.agent.get(paths.file(person.fileId!))).status,
    });
    expect(await looks()).toEqual({ page: 404, list: false, photo: 404 });
    await transition(suite.t.services, {
      applicationId: id,
      action: 'withdraw',
      actor: { role: 'person', accountId: person.accountId },
    });
    expect(await looks()).toEqual({ page: 404, list: false, photo: 404 });
    const told = await suite.t.db.sql`
      select account_id from notifications
      where application_id = ${id} and account_id in (${a.enterprise.accountId}, ${b.enterprise.accountId})`;
    // A heard of it while it was A's (the person's confirmation is a fixture here): nothing since.
    expect(told).toEqual([]);
  });
});

describe('an item the enterprise supplies', () => {
  it('sends the application back to review without telling the enterprise what it just did', async () => {
    const signed = await signInNewEnterprise(suite.t);
    const person = await createPerson(suite.t.db.sql, NOW);
    const id = await insertApplication(suite.t.db.sql, NOW, {
      kind: 'initial',
      state: 'under_review',
      profession: 'constructor',
      personId: person.personId,
      enterpriseId: signed.enterprise.enterpriseId,
    });
    await requestCorrections(suite.t.services, {
      applicationId: id,
      officerAccountId: await officerAccountId(suite.t.db.sql),
      items: [{ addressedTo: 'enterprise', what: '社保缴纳证明', why: '需核实聘用关系' }],
    });
    const [item] = await suite.t.db.sql<{ id: string }[]>`
      select id from correction_items where application_id = ${id}`;
    await supplyItem(suite.t.services, {
      itemId: item!.id,
      party: 'enterprise',
      accountId: signed.enterprise.accountId,
      supplied: { note: '已补充2026年1月至10月社保缴纳证明' },
    });
    expect(await stateOf(id)).toBe('under_review');
    const messages = await suite.t.db.sql<{ account_id: string; message: string }[]>`
      select account_id, message from notifications where application_id = ${id}
      order by created_at, message`;
    const toEnterprise = messages.filter((m) => m.account_id === signed.enterprise.accountId);
    expect(toEnterprise.map((m) => m.message)).toEqual([
      expect.stringContaining('现为“待材料补正”'),
    ]);
    // The person hears of both steps.
    const toPerson = messages.filter((m) => m.account_id === person.accountId);
    expect(toPerson.map((m) => m.message).sort()).toEqual([
      expect.stringContaining('现为“审核中”'),
      expect.stringContaining('现为“待材料补正”'),
    ]);
  });
});
