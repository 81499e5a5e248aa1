import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { openItem, requestCorrections } from '../../lib/corrections/index.js';
import { paths } from '../../routes/paths.js';
import { storeFile } from '../../lib/files/index.js';
import { transition } from '../../lib/workflow/index.js';
import { integrationSuite, signInNewEnterprise, refusedAt } from '../support/app.js';
import {
  addRegistration,
  createPerson,
  insertApplication,
  NOW,
  officerAccountId,
  TINY_PDF,
} from '../support/fixtures.js';

// Correction items addressed to the enterprise (rule 12 and 材料补正), and what of the person's it
// may read: the files of an application that names it, while it does.

const suite = integrationSuite({ clock: NOW });
let officer: string;
beforeAll(async () => {
  officer = await officerAccountId(suite.t.db.sql);
});

/** A person whose photo and labour contract are real stored files. */
async function personWithFiles() {
  const person = await createPerson(suite.t.db.sql, NOW);
  const store = (name: string) =>
    storeFile(suite.t.db.sql, suite.t.services.fileStore, {
      bytes: Buffer.concat([TINY_PDF, Buffer.from(`% ${name} ${person.idNumber}\n`)]),
      contentType: 'application/pdf',
      originalName: `${name}.pdf`,
      ownerAccountId: person.accountId,
      at: NOW,
    });
  const photo = await store('photo');
  const contract = await store('contract');
  return { person, photo, contract };
}

const snapshotWith = (photo: string, contract: string) => ({
  person: { name: '测试人员', photoFileId: photo },
  uploads: { contract },
  employment: { position: '施工员', contractStart: '2026-01-01', contractEnd: '2028-12-31' },
});

const itemsOfApplication = (id: string) =>
  suite.t.db.sql<{ id: string; closed_at: Date | null; supplied: unknown }[]>`
    select id, closed_at, supplied from correction_items where application_id = ${id}
    order by opened_at, id`;

describe('correction items addressed to the enterprise', () => {
  it('are listed in its to-do list, refused without anything supplied, and close with what was supplied', async () => {
    const { enterprise, agent, _csrf } = await signInNewEnterprise(suite.t);
    const { person, photo, contract } = await personWithFiles();
    const id = await insertApplication(suite.t.db.sql, NOW, {
      kind: 'initial',
      state: 'under_review',
      profession: 'constructor',
      personId: person.personId,
      enterpriseId: enterprise.enterpriseId,
      draft: snapshotWith(photo, contract),
    });
    await requestCorrections(suite.t.services, {
      applicationId: id,
      officerAccountId: officer,
      items: [{ addressedTo: 'enterprise', what: '社保缴纳证明', why: '需核实聘用关系' }],
    });
    const [item] = await itemsOfApplication(id);

    const home = await agent.get(paths.org.home);
    expect(home.text).toMatch(/data-testid="open-items">1</);
    expect(home.text).toContain('社保缴纳证明');
    expect(home.text).toContain(`${paths.org.application(id)}#item-${item!.id}`);
    const page = await agent.get(paths.org.application(id));
    expect(page.text).toContain('需核实聘用关系');
    expect(page.text).toContain(paths.org.correction(id, item!.id));

    const empty = await refusedAt(
      agent,
      agent.post(paths.org.correction(id, item!.id)).field('_csrf', _csrf).field('note', ''),
      paths.org.application(id),
    );
    expect(empty.status).toBe(200);
    expect(empty.text).toContain('请上传补正材料或填写补正说明');
    expect(empty.text).toContain(`href="#correction-${item!.id}"`);
    const wrong = await refusedAt(
      agent,
      agent
        .post(paths.org.correction(id, item!.id))
        .field('_csrf', _csrf)
        .field('note', '见附件')
        .attach('file', Buffer.from('MZ not a scan'), 'proof.pdf'),
      paths.org.application(id),
    );
    expect(wrong.status).toBe(200);
    expect(wrong.text).toContain('见附件'); // what was typed comes back
    expect((await itemsOfApplication(id))[0]!.closed_at).toBeNull();

    const long = '说明'.repeat(251);
    const tooLong = await refusedAt(
      agent,
      agent.post(paths.org.correction(id, item!.id)).field('_csrf', _csrf).field('note', long),
      paths.org.application(id),
    );
    expect(tooLong.status).toBe(200);
    expect(tooLong.text).toContain('补正说明最多500个字');
    expect(tooLong.text).toContain(`href="#correction-${item!.id}-note"`);
    expect(tooLong.text).toContain(long);

    const done = await agent
      .post(paths.org.correction(id, item!.id))
      .field('_csrf', _csrf)
      .field('note', '2026年1月至10月社保缴纳证明')
      .attach('file', TINY_PDF, '社保证明.pdf');
    expect(done.headers.location).toBe(`${paths.org.application(id)}?done=supplied`);
    const [closed] = await itemsOfApplication(id);
    expect(closed!.closed_at).not.toBeNull();
    expect(closed!.supplied).toMatchObject({ note: '2026年1月至10月社保缴纳证明' });
    const [row] = await suite.t.db.sql`select state from applications where id = ${id}`;
    expect(row?.state).toBe('under_review'); // the last blocking item closed: back in review
    const after = await agent.get(paths.org.application(id));
    expect(after.text).toContain('data-testid="corrections-record"');
    expect(after.text).toContain('2026年1月至10月社保缴纳证明');
    expect((await agent.get(paths.org.home)).text).toMatch(/data-testid="open-items">0</);
    const again = await agent
      .post(paths.org.correction(id, item!.id))
      .field('_csrf', _csrf)
      .field('note', '再次');
    expect(again.status).toBe(409);
  });

  it('a licence supplied after approval closes its item and is kept on the registration', async () => {
    const { enterprise, agent, _csrf } = await signInNewEnterprise(suite.t);
    const person = await createPerson(suite.t.db.sql, NOW);
    const registrationId = await addRegistration(
      suite.t.db.sql,
      NOW,
      person,
      enterprise,
      'architect',
      [],
      '2029-11-24',
    );
    // A renewal: the application of a registration that exists while the item is open.
    const id = await insertApplication(suite.t.db.sql, NOW, {
      kind: 'renewal',
      state: 'completed',
      profession: 'architect',
      personId: person.personId,
      enterpriseId: enterprise.enterpriseId,
      registrationId,
    });
    const itemId = await suite.t.db.sql.begin((tx) =>
      openItem(
        tx,
        id,
        {
          addressedTo: 'enterprise',
          what: '企业资质类型及资质证号',
          why: '确认申请时选择了“暂无资质”',
          blocksReview: false,
          openedBy: null,
          asks: 'licence',
        },
        NOW,
      ),
    );
    const page = await agent.get(paths.org.application(id));
    expect(page.text).toContain(`id="correction-${itemId}-licenceType"`);

    const bad = await refusedAt(
      agent,
      agent
        .post(paths.org.correction(id, itemId))
        .field('_csrf', _csrf)
        .field('licenceType', '')
        .field('licenceNumber', 'A132000001'),
      paths.org.application(id),
    );
    expect(bad.status).toBe(200);
    expect(bad.text).toContain('请选择资质类型');
    expect(bad.text).toContain(`href="#correction-${itemId}-licenceType"`);
    expect(bad.text).toContain('value="A132000001"');

    const good = await agent
      .post(paths.org.correction(id, itemId))
      .field('_csrf', _csrf)
      .field('licenceType', '工程设计建筑行业资质')
      .field('licenceNumber', 'A132000001');
    expect(good.status).toBe(303);
    const [item] = await itemsOfApplication(id);
    expect(item!.closed_at).not.toBeNull();
    const licence = { type: '工程设计建筑行业资质', number: 'A132000001' };
    expect(item!.supplied).toEqual({ licence });
    const [registration] = await suite.t.db.sql`
      select enterprise_licence from registrations where id = ${registrationId}`;
    expect(registration?.enterprise_licence).toEqual(licence);
    const [row] = await suite.t.db.sql`select state from applications where id = ${id}`;
    expect(row?.state).toBe('completed');
    expect((await agent.get(paths.org.application(id))).text).toContain('证号 A132000001');
  });

  it('of another enterprise, or addressed to the person, are not found', async () => {
    const a = await signInNewEnterprise(suite.t);
    const b = await signInNewEnterprise(suite.t);
    const person = await createPerson(suite.t.db.sql, NOW);
    const id = await insertApplication(suite.t.db.sql, NOW, {
      kind: 'initial',
      state: 'under_review',
      profession: 'constructor',
      personId: person.personId,
      enterpriseId: a.enterprise.enterpriseId,
    });
    await requestCorrections(suite.t.services, {
      applicationId: id,
      officerAccountId: officer,
      items: [
        { addressedTo: 'enterprise', what: '社保缴纳证明', why: '核实' },
        { addressedTo: 'person', what: '学历证书', why: '核实' },
      ],
    });
    const [forEnterprise, forPerson] = await suite.t.db.sql<{ id: string }[]>`
      select id from correction_items where application_id = ${id} order by addressed_to`;
    const supply = (who: typeof a, itemId: string) =>
      who.agent
        .post(paths.org.correction(id, itemId))
        .field('_csrf', who._csrf)
        .field('note', '已补');
    expect((await supply(b, forEnterprise!.id)).status).toBe(404);
    expect((await supply(a, forPerson!.id)).status).toBe(404);
    expect((await b.agent.get(paths.org.home)).text).not.toContain('社保缴纳证明');
  });
});

describe("the person's files", () => {
  it('the named enterprise reads them while the application names it; nobody else, and not after a withdrawal', async () => {
    const a = await signInNewEnterprise(suite.t);
    const b = await signInNewEnterprise(suite.t);
    const { person, photo, contract } = await personWithFiles();
    const id = await insertApplication(suite.t.db.sql, NOW, {
      kind: 'initial',
      state: 'awaiting_enterprise',
      profession: 'constructor',
      personId: person.personId,
      enterpriseId: a.enterprise.enterpriseId,
      draft: snapshotWith(photo, contract),
    });
    const page = await a.agent.get(paths.org.application(id));
    expect(page.text).toContain(paths.file(contract));
    expect(page.text).toContain('劳动合同扫描件');
    expect(page.text).toContain(paths.file(photo));
    for (const fileId of [photo, contract]) {
      const res = await a.agent.get(paths.file(fileId));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect((await b.agent.get(paths.file(fileId))).status).toBe(404);
    }
    // A file of the person's that the application does not refer to stays the person's.
    const other = await storeFile(suite.t.db.sql, suite.t.services.fileStore, {
      bytes: Buffer.concat([TINY_PDF, Buffer.from('% private\n')]),
      contentType: 'application/pdf',
      originalName: 'private.pdf',
      ownerAccountId: person.accountId,
      at: NOW,
    });
    expect((await a.agent.get(paths.file(other))).status).toBe(404);

    await transition(suite.t.services, {
      applicationId: id,
      action: 'withdraw',
      actor: { role: 'person', accountId: person.accountId },
    });
    expect((await a.agent.get(paths.file(contract))).status).toBe(404);
  });

  it('the enterprise has no way to change them: the person’s pages are not its to use', async () => {
    const a = await signInNewEnterprise(suite.t);
    expect((await a.agent.get(paths.me.profile)).status).toBe(403);
    const post = await a.agent
      .post(paths.me.profile)
      .type('form')
      .send({ _csrf: a._csrf, phone: '13900000000' });
    expect(post.status).toBe(403);
    expect(
      (await request(suite.t.app).get(paths.file('00000000-0000-0000-0000-000000000000'))).status,
    ).toBe(404);
  });
});
