import { describe, expect, it } from 'vitest';
import { attachSignedForm, confirmAsEnterprise } from '../../lib/enterprise/index.js';
import { paths } from '../../routes/paths.js';
import { storeFile } from '../../lib/files/index.js';
import { readApplication, transition } from '../../lib/workflow/index.js';
import type { EnterpriseFixture } from '../support/fixtures.js';
import { integrationSuite, signInNewEnterprise } from '../support/app.js';
import {
  addRegistration,
  createPerson,
  insertApplication,
  NOW,
  TINY_PDF,
  officerAccountId,
} from '../support/fixtures.js';

// Rule 12 at confirmation and after it, and what the enterprise's forms do with bad input.

const suite = integrationSuite({ clock: NOW });

const employment = { position: '建筑师', contractStart: '2026-01-01', contractEnd: '2029-12-31' };

async function architectApplication(
  enterprise: EnterpriseFixture,
  kind: 'initial' | 'renewal' | 'cancellation',
  state: 'awaiting_enterprise' | 'awaiting_signed_form' = 'awaiting_enterprise',
) {
  const person = await createPerson(suite.t.db.sql, NOW);
  const registrationId =
    kind === 'initial'
      ? null
      : await addRegistration(
          suite.t.db.sql,
          NOW,
          person,
          enterprise,
          'architect',
          [],
          '2027-01-24',
        );
  const id = await insertApplication(suite.t.db.sql, NOW, {
    kind,
    state,
    profession: 'architect',
    personId: person.personId,
    enterpriseId: enterprise.enterpriseId,
    registrationId,
    draft: { employment },
  });
  return { id, person, registrationId };
}

/** The rest of the workflow, each step by its actor: signed form, submission, decision, completion. */
async function approveAndComplete(id: string, enterprise: EnterpriseFixture) {
  const { services } = suite.t;
  const officer = { role: 'officer' as const, accountId: await officerAccountId(suite.t.db.sql) };
  const application = await readApplication(suite.t.db.sql, id);
  await attachSignedForm(services, {
    accountId: enterprise.accountId,
    applicationId: id,
    document: { bytes: TINY_PDF, contentType: 'application/pdf', originalName: 'form.pdf' },
    snapshotVersion: application!.snapshotVersion,
  });
  const steps = [
    { action: 'submit', actor: { role: 'enterprise', accountId: enterprise.accountId } },
    { action: 'accept', actor: officer },
    { action: 'approve', actor: officer },
    { action: 'complete', actor: { role: 'system' } },
  ] as const;
  for (const step of steps) await transition(services, { applicationId: id, ...step });
}

const openItemsOf = async (id: string) =>
  suite.t.db.sql<{ asks: string; closed_at: Date | null; supplied: unknown }[]>`
    select asks, closed_at, supplied from correction_items where application_id = ${id}`;

describe('rule 12 at confirmation', () => {
  it('an architect’s cancellation asks nothing about the licence and opens no item', async () => {
    const { enterprise, agent, _csrf } = await signInNewEnterprise(suite.t);
    const { id, registrationId } = await architectApplication(enterprise, 'cancellation');
    const page = await agent.get(paths.org.application(id));
    expect(page.text).not.toContain('企业资质');
    const res = await agent
      .post(paths.org.confirm(id))
      .type('form')
      .send({ _csrf, version: '0', commitment: 'yes', licence: 'none' });
    expect(res.status).toBe(303);
    expect(await openItemsOf(id)).toEqual([]);
    const [row] = await suite.t.db
      .sql`select status from registrations where id = ${registrationId}`;
    expect(row?.status).toBe('cancelled');
    // lib refuses a statement the kind does not ask for, whoever calls it.
    const other = await architectApplication(enterprise, 'cancellation');
    await expect(
      confirmAsEnterprise(suite.t.services, {
        accountId: enterprise.accountId,
        applicationId: other.id,
        expectedVersion: 0,
        confirmation: { licence: 'none' },
      }),
    ).rejects.toMatchObject({ status: 422 });
    const [still] = await suite.t.db.sql`select state from applications where id = ${other.id}`;
    expect(still?.state).toBe('awaiting_enterprise');
  });

  it('a licence form sent without its fields gets the Chinese messages, not zod’s', async () => {
    const { enterprise, agent, _csrf } = await signInNewEnterprise(suite.t);
    const { id } = await architectApplication(enterprise, 'initial');
    const res = await agent
      .post(paths.org.confirm(id))
      .type('form')
      .send({ _csrf, version: '0', commitment: 'yes', licence: 'held' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('请选择资质类型');
    expect(res.text).toContain('请填写资质证号');
    expect(res.text).not.toContain('Invalid input');
  });

  it('a return voids the “none for now” item: confirming again asks anew', async () => {
    const { enterprise, agent, _csrf } = await signInNewEnterprise(suite.t);
    const { id } = await architectApplication(enterprise, 'initial');
    await confirmAsEnterprise(suite.t.services, {
      accountId: enterprise.accountId,
      applicationId: id,
      expectedVersion: 0,
      confirmation: { licence: 'none' },
    });
    expect(await openItemsOf(id)).toMatchObject([{ asks: 'licence', closed_at: null }]);
    const returned = await agent
      .post(paths.org.return(id))
      .type('form')
      .send({ _csrf, version: '1', reason: '资质信息需核实' });
    expect(returned.status).toBe(303);
    expect(await openItemsOf(id)).toMatchObject([
      { asks: 'licence', supplied: { voided: expect.stringContaining('退回') as unknown } },
    ]);
    expect((await openItemsOf(id))[0]!.closed_at).not.toBeNull();
    const [row] = await suite.t.db
      .sql`select enterprise_confirmation from applications where id = ${id}`;
    expect(row?.enterprise_confirmation).toBeNull();
    const home = await agent.get(paths.org.home);
    expect(home.text).toMatch(/data-testid="open-items">0</);
    expect((await agent.get(paths.org.application(id))).text).toContain('撤销');
  });

  it('a licence stated at confirmation is kept on the registration when the renewal completes', async () => {
    const { enterprise } = await signInNewEnterprise(suite.t);
    const { id, registrationId } = await architectApplication(enterprise, 'renewal');
    const licence = { type: '工程设计建筑行业资质', number: 'A132000009' };
    await confirmAsEnterprise(suite.t.services, {
      accountId: enterprise.accountId,
      applicationId: id,
      expectedVersion: 0,
      confirmation: { licence },
    });
    await approveAndComplete(id, enterprise);
    const [row] = await suite.t.db.sql`
      select enterprise_licence from registrations where id = ${registrationId}`;
    expect(row?.enterprise_licence).toEqual(licence);
  });
});

describe('rule 12 on renewal', () => {
  it('“none for now” at a renewal clears the licence the registration had', async () => {
    const { enterprise } = await signInNewEnterprise(suite.t);
    const { id, registrationId } = await architectApplication(enterprise, 'renewal');
    await suite.t.db.sql`update registrations set enterprise_licence = ${suite.t.db.sql.json({
      type: '工程设计建筑行业资质',
      number: 'OLD-1',
    })} where id = ${registrationId}`;
    await confirmAsEnterprise(suite.t.services, {
      accountId: enterprise.accountId,
      applicationId: id,
      expectedVersion: 0,
      confirmation: { licence: 'none' },
    });
    await approveAndComplete(id, enterprise);
    const [row] = await suite.t.db.sql`
      select enterprise_licence from registrations where id = ${registrationId}`;
    expect(row?.enterprise_licence).toBeNull();
  });
});

describe('bad input on the enterprise’s forms', () => {
  it('a control character in a reason is dropped, not a 500', async () => {
    const { enterprise, agent, _csrf } = await signInNewEnterprise(suite.t);
    const { id } = await architectApplication(enterprise, 'initial');
    const res = await agent
      .post(paths.org.return(id))
      .type('form')
      .send({ _csrf, version: '0', reason: '合同\u0000日期不符' });
    expect(res.status).toBe(303);
    const [event] = await suite.t.db.sql`
      select reason from application_events where application_id = ${id} order by version desc limit 1`;
    expect(event?.reason).toBe('合同日期不符');
  });

  it('too long a reason or note is refused with what was typed kept; never cut silently', async () => {
    const { enterprise, agent, _csrf } = await signInNewEnterprise(suite.t);
    const { id } = await architectApplication(enterprise, 'initial');
    const long = '原因'.repeat(260);
    const res = await agent
      .post(paths.org.return(id))
      .type('form')
      .send({ _csrf, version: '0', reason: long });
    expect(res.status).toBe(422);
    expect(res.text).toContain('退回原因最多500个字');
    expect(res.text).toContain(long);
    const [row] = await suite.t.db.sql`select state from applications where id = ${id}`;
    expect(row?.state).toBe('awaiting_enterprise');
  });

  it('a signed form sent when none is awaited is a conflict, before anything is stored', async () => {
    const { enterprise, agent, _csrf } = await signInNewEnterprise(suite.t);
    const { id } = await architectApplication(enterprise, 'initial');
    const [before] = await suite.t.db.sql`select count(*)::int as n from files`;
    const res = await agent
      .post(paths.org.signedForm(id))
      .field('_csrf', _csrf)
      .attach('file', TINY_PDF, 'scan.pdf');
    expect(res.status).toBe(409);
    const [after] = await suite.t.db.sql`select count(*)::int as n from files`;
    expect(after?.n).toBe(before?.n);
  });

  it('ids that only look like uuids are not found', async () => {
    const { agent } = await signInNewEnterprise(suite.t);
    for (const id of [
      '-'.repeat(36),
      'a'.repeat(36),
      `${'0'.repeat(8)}-0000-0000-0000-00000000000g`,
    ]) {
      expect((await agent.get(paths.org.application(id))).status).toBe(404);
      expect((await agent.get(paths.org.form(id))).status).toBe(404);
      expect((await agent.get(paths.file(id))).status).toBe(404);
    }
  });
});

describe('the person’s files after the application', () => {
  it('are closed to the enterprise once a cancellation completes, and the page says so', async () => {
    const { enterprise, agent, _csrf } = await signInNewEnterprise(suite.t);
    const person = await createPerson(suite.t.db.sql, NOW);
    const photo = await storeFile(suite.t.db.sql, suite.t.services.fileStore, {
      bytes: Buffer.concat([TINY_PDF, Buffer.from(`%${person.idNumber}\n`)]),
      contentType: 'application/pdf',
      originalName: 'photo.pdf',
      ownerAccountId: person.accountId,
      at: NOW,
    });
    const registrationId = await addRegistration(
      suite.t.db.sql,
      NOW,
      person,
      enterprise,
      'constructor',
      ['建筑工程'],
      '2028-01-01',
    );
    const id = await insertApplication(suite.t.db.sql, NOW, {
      kind: 'cancellation',
      state: 'awaiting_enterprise',
      profession: 'constructor',
      personId: person.personId,
      enterpriseId: enterprise.enterpriseId,
      registrationId,
      draft: { person: { name: '测试人员', photoFileId: photo } },
    });
    expect((await agent.get(paths.file(photo))).status).toBe(200);
    await agent
      .post(paths.org.confirm(id))
      .type('form')
      .send({ _csrf, version: '0', commitment: 'yes' });
    expect((await agent.get(paths.file(photo))).status).toBe(404);
    const page = await agent.get(paths.org.application(id));
    expect(page.text).toContain('data-testid="materials-closed"');
    expect(page.text).not.toContain(paths.file(photo));
  });
});
