import { beforeAll, describe, expect, it } from 'vitest';
import type { Supplied } from '../../lib/corrections/index.js';
import { openItem, requestCorrections, supplyItem } from '../../lib/corrections/index.js';
import { integrationSuite } from '../support/app.js';
import type { EnterpriseFixture, PersonFixture } from '../support/fixtures.js';
import {
  addRegistration,
  createEnterprise,
  createPerson,
  insertApplication,
  NOW,
  officerAccountId,
} from '../support/fixtures.js';
import { transition } from '../../lib/workflow/index.js';

const suite = integrationSuite({ clock: NOW });
let officer: string;
beforeAll(async () => {
  officer = await officerAccountId(suite.t.db.sql);
});

async function application(state: 'under_review' | 'approved') {
  const person = await createPerson(suite.t.db.sql, NOW);
  const enterprise = await createEnterprise(suite.t.db.sql, NOW);
  const id = await insertApplication(suite.t.db.sql, NOW, {
    kind: 'initial',
    state,
    profession: 'architect',
    personId: person.personId,
    enterpriseId: enterprise.enterpriseId,
  });
  return { id, person, enterprise };
}

const stateOf = async (id: string) =>
  (await suite.t.db.sql`select state from applications where id = ${id}`)[0]!.state as string;

const supply = (
  itemId: string,
  party: 'person' | 'enterprise',
  who: PersonFixture | EnterpriseFixture,
  supplied: Supplied,
) => supplyItem(suite.t.services, { itemId, party, accountId: who.accountId, supplied });

/**
 * An architect's approved renewal whose enterprise stated "no licence for now" at confirmation,
 * with the licence item it owes.
 */
async function approvedRenewalOwingLicence() {
  const { t } = suite;
  const person = await createPerson(t.db.sql, NOW);
  const enterprise = await createEnterprise(t.db.sql, NOW);
  const registrationId = await addRegistration(
    t.db.sql,
    NOW,
    person,
    enterprise,
    'architect',
    [],
    '2027-01-24',
  );
  const id = await insertApplication(t.db.sql, NOW, {
    kind: 'renewal',
    state: 'approved',
    profession: 'architect',
    personId: person.personId,
    enterpriseId: enterprise.enterpriseId,
    registrationId,
  });
  await t.db
    .sql`update applications set enterprise_confirmation = ${t.db.sql.json({ licence: 'none' })} where id = ${id}`;
  const itemId = await t.db.sql.begin((tx) =>
    openItem(
      tx,
      id,
      {
        addressedTo: 'enterprise',
        what: '企业资质',
        why: '暂无',
        blocksReview: false,
        openedBy: null,
        asks: 'licence',
      },
      NOW,
    ),
  );
  return { id, enterprise, registrationId, itemId };
}

describe('correction items', () => {
  it('hold the application until the last blocking one is supplied, then it is back in review', async () => {
    const { id, person, enterprise } = await application('under_review');
    await requestCorrections(suite.t.services, {
      applicationId: id,
      officerAccountId: officer,
      items: [
        { addressedTo: 'person', what: '学历证书扫描件', why: '所填学历与学信网记录不一致' },
        { addressedTo: 'enterprise', what: '社保缴纳证明', why: '需核实聘用关系' },
      ],
    });
    expect(await stateOf(id)).toBe('correction_requested');
    const items = await suite.t.db.sql<{ id: string; addressed_to: string }[]>`
      select id, addressed_to from correction_items where application_id = ${id}`;
    const personItem = items.find((i) => i.addressed_to === 'person')!.id;
    const enterpriseItem = items.find((i) => i.addressed_to === 'enterprise')!.id;

    const stranger = await createPerson(suite.t.db.sql, NOW);
    await expect(supply(personItem, 'person', stranger, { note: 'x' })).rejects.toMatchObject({
      status: 404,
    });
    await expect(supply(personItem, 'enterprise', enterprise, { note: 'x' })).rejects.toMatchObject(
      {
        status: 404,
      },
    );
    await expect(supply(personItem, 'person', person, {})).rejects.toThrow(
      '请上传补正材料或填写补正说明',
    );

    const closed = await supply(personItem, 'person', person, { note: '已补充本科学历证书' });
    expect(closed.closedAt).not.toBeNull();
    expect(closed.supplied).toEqual({ note: '已补充本科学历证书' });
    expect(await stateOf(id)).toBe('correction_requested');
    await expect(supply(personItem, 'person', person, { note: 'again' })).rejects.toThrow(
      '这项补正已经办结',
    );

    await supply(enterpriseItem, 'enterprise', enterprise, { note: '附2026年社保缴纳记录' });
    expect(await stateOf(id)).toBe('under_review');
    const events = await suite.t.db.sql`
      select action, actor_role from application_events where application_id = ${id} order by version`;
    expect(events.slice(-2)).toEqual([
      { action: 'request_correction', actor_role: 'officer' },
      { action: 'corrections_complete', actor_role: 'system' },
    ]);
  });

  it('cannot be supplied once the application was withdrawn', async () => {
    const { id, person } = await application('under_review');
    await requestCorrections(suite.t.services, {
      applicationId: id,
      officerAccountId: officer,
      items: [{ addressedTo: 'person', what: '身份证复印件', why: '不清晰' }],
    });
    await transition(suite.t.services, {
      applicationId: id,
      action: 'withdraw',
      actor: { role: 'person', accountId: person.accountId },
    });
    const [item] = await suite.t.db.sql<
      { id: string }[]
    >`select id from correction_items where application_id = ${id}`;
    await expect(supply(item!.id, 'person', person, { note: '补' })).rejects.toThrow('已终止办理');
  });

  it('can only be requested while the application is under review', async () => {
    const { id } = await application('approved');
    await expect(
      requestCorrections(suite.t.services, {
        applicationId: id,
        officerAccountId: officer,
        items: [{ addressedTo: 'person', what: 'x', why: 'y' }],
      }),
    ).rejects.toMatchObject({ status: 409 });
  });

  it('a licence item (rule 12) never holds review, and closes even after approval', async () => {
    const { id, enterprise } = await application('approved');
    const itemId = await suite.t.db.sql.begin((tx) =>
      openItem(
        tx,
        id,
        {
          addressedTo: 'enterprise',
          what: '企业资质类型及资质证号',
          why: '确认时选择了“暂无”',
          blocksReview: false,
          openedBy: null,
          asks: 'licence',
        },
        NOW,
      ),
    );
    await expect(supply(itemId, 'enterprise', enterprise, { note: '已取得' })).rejects.toThrow(
      '请选择资质类型并填写资质证号',
    );
    await expect(
      supply(itemId, 'enterprise', enterprise, { licence: { type: '甲级', number: 'A1' } }),
    ).rejects.toThrow('请选择资质类型并填写资质证号');
    const licence = { type: '工程设计建筑行业资质', number: 'A132000001' };
    const closed = await supply(itemId, 'enterprise', enterprise, { licence });
    expect(closed.supplied).toEqual({ licence });
    expect(closed.closedAt).not.toBeNull();
    expect(await stateOf(id)).toBe('approved');
    const [kept] = await suite.t.db.sql<{ confirmation: unknown }[]>`
      select enterprise_confirmation as confirmation from applications where id = ${id}`;
    // The statement made at confirmation stays as made (issue 10, item 11); the licence is the
    // item's own, and the registration's once the application completes.
    expect(kept!.confirmation).toBeNull();
    const [audit] = await suite.t.db.sql`
      select 1 from audit_events where action = 'correction_item_supplied' and subject_id = ${itemId}`;
    expect(audit).toBeDefined();
  });

  it('a licence supplied later reaches the registration when the application completes, the statement kept', async () => {
    const { t } = suite;
    const { id, enterprise, itemId } = await approvedRenewalOwingLicence();
    const licence = { type: '工程设计建筑行业资质', number: 'A132000002' };
    await supply(itemId, 'enterprise', enterprise, { licence });
    await transition(t.services, {
      applicationId: id,
      action: 'complete',
      actor: { role: 'system' },
    });
    const [row] = await t.db.sql<{ licence: unknown; confirmation: unknown }[]>`
      select r.enterprise_licence as licence, a.enterprise_confirmation as confirmation
      from registrations r join applications a on a.registration_id = r.id where a.id = ${id}`;
    expect(row).toEqual({ licence, confirmation: { licence: 'none' } });
  });

  it('a licence supplied before the enterprise confirmed again does not override its new statement', async () => {
    const { t } = suite;
    const { id, enterprise, registrationId, itemId } = await approvedRenewalOwingLicence();
    await supply(itemId, 'enterprise', enterprise, {
      licence: { type: '工程设计建筑行业资质', number: 'OLD-1' },
    });
    // Later the enterprise confirmed again (after a return) and stated another licence.
    const stated = { type: '工程设计综合资质', number: 'NEW-2' };
    await t.db.sql.begin(async (tx) => {
      await tx`
        insert into application_events (application_id, version, action, actor_role, from_state, to_state, occurred_at)
        values (${id}, 1, 'enterprise_confirm', 'enterprise', 'approved', 'approved', ${new Date(NOW.getTime() + 3600_000)})`;
      await tx`update applications set version = 1, enterprise_confirmation = ${tx.json({ licence: stated })} where id = ${id}`;
    });
    await transition(t.services, {
      applicationId: id,
      action: 'complete',
      actor: { role: 'system' },
    });
    const [row] = await t.db.sql<{ licence: unknown }[]>`
      select enterprise_licence as licence from registrations where id = ${registrationId}`;
    expect(row!.licence).toEqual(stated);
  });
});
