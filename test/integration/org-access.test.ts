import { describe, expect, it } from 'vitest';
import { readDraft } from '../../lib/workflow/index.js';
import { openItem } from '../../lib/corrections/index.js';
import { fileRename } from '../../lib/enterprise/index.js';
import { paths } from '../../routes/paths.js';
import { storeFile } from '../../lib/files/index.js';
import { integrationSuite, signInNewEnterprise } from '../support/app.js';
import {
  addRegistration,
  createPerson,
  insertApplication,
  NOW,
  TINY_PDF,
} from '../support/fixtures.js';

// Access (issue 4, point 10): enterprise B gets 404 on everything of enterprise A's, over every
// /org route that carries an id; the list of routes is checked against lib/paths.ts, so a new
// route cannot be left out.

const suite = integrationSuite({ clock: NOW });

type Who = Awaited<ReturnType<typeof signInNewEnterprise>>;
type Ids = {
  application: string;
  item: string;
  rename: string;
  file: string;
  notification: string;
};
type Probe = (who: Who, ids: Ids) => Promise<{ status: number }>;

/** One request per /org route with an id, as enterprise `who` would send it. */
type OrgPaths = typeof paths.org;
/** The /org paths that carry an id (declared with route(), so they are functions). */
type OrgIdPath = { [K in keyof OrgPaths]: OrgPaths[K] extends string ? never : K }[keyof OrgPaths];
const orgIdPaths = Object.keys(paths.org).filter(
  (k) => typeof paths.org[k as keyof OrgPaths] === 'function',
);

const probes: Record<OrgIdPath, Probe> = {
  application: (w, ids) => w.agent.get(paths.org.application(ids.application)),
  form: (w, ids) => w.agent.get(paths.org.form(ids.application)),
  formPdf: (w, ids) => w.agent.get(paths.org.formPdf(ids.application)),
  decision: (w, ids) => w.agent.get(paths.org.decision(ids.application)),
  notificationsRead: (w, ids) =>
    w.agent
      .post(paths.org.notificationsRead(ids.notification))
      .type('form')
      .send({ _csrf: w._csrf }),
  confirm: (w, ids) =>
    w.agent
      .post(paths.org.confirm(ids.application))
      .type('form')
      .send({ _csrf: w._csrf, version: '0', commitment: 'yes', costConsulting: 'yes' }),
  return: (w, ids) =>
    w.agent
      .post(paths.org.return(ids.application))
      .type('form')
      .send({ _csrf: w._csrf, version: '0', reason: '不符' }),
  signedForm: (w, ids) =>
    w.agent
      .post(paths.org.signedForm(ids.application))
      .field('_csrf', w._csrf)
      .attach('file', TINY_PDF, 'scan.pdf'),
  submit: (w, ids) =>
    w.agent
      .post(paths.org.submit(ids.application))
      .type('form')
      .send({ _csrf: w._csrf, version: '0' }),
  correction: (w, ids) =>
    w.agent
      .post(paths.org.correction(ids.application, ids.item))
      .field('_csrf', w._csrf)
      .field('note', '已补'),
  renameWithdraw: (w, ids) =>
    w.agent
      .post(paths.org.renameWithdraw(ids.rename))
      .type('form')
      .send({ _csrf: w._csrf, version: '1' }),
};

describe('enterprise B and enterprise A’s things', () => {
  it('covers every /org route that carries an id', () => {
    expect(Object.keys(probes).sort()).toEqual(orgIdPaths.sort());
  });

  it('B gets 404 on every one of them, and on A’s files, and nothing of A’s changes', async () => {
    const a = await signInNewEnterprise(suite.t);
    const b = await signInNewEnterprise(suite.t);
    const person = await createPerson(suite.t.db.sql, NOW, { name: '甲单位员工' });
    // A registered employee of A's, whom B's employees list must not show.
    await addRegistration(
      suite.t.db.sql,
      NOW,
      person,
      a.enterprise,
      'cost_engineer',
      ['安装工程'],
      '2027-01-20',
    );
    const file = await storeFile(suite.t.db.sql, suite.t.services.fileStore, {
      bytes: TINY_PDF,
      contentType: 'application/pdf',
      originalName: 'contract.pdf',
      ownerAccountId: person.accountId,
      at: NOW,
    });
    const application = await insertApplication(suite.t.db.sql, NOW, {
      kind: 'initial',
      state: 'awaiting_enterprise',
      profession: 'cost_engineer',
      personId: person.personId,
      enterpriseId: a.enterprise.enterpriseId,
      draft: { uploads: { contract: file } },
    });
    const item = await suite.t.db.sql.begin((tx) =>
      openItem(
        tx,
        application,
        {
          addressedTo: 'enterprise',
          what: '社保证明',
          why: '核实',
          blocksReview: false,
          openedBy: null,
        },
        NOW,
      ),
    );
    await suite.t.db.sql`insert into legal_person_registry (credit_code, name, updated_at)
                   values (${a.enterprise.creditCode}, 'A的新名称有限公司', ${NOW})`;
    const proofScan = {
      bytes: Buffer.concat([TINY_PDF, Buffer.from('%a\n')]),
      contentType: 'application/pdf' as const,
      originalName: 'licence.pdf',
    };
    const filed = await fileRename(suite.t.services, {
      accountId: a.enterprise.accountId,
      documents: { 'business-licence': proofScan, 'name-change-notice': proofScan },
    });
    const rename = filed.id;
    const proof = readDraft(filed.snapshot).uploads!['business-licence']!;
    const [notice] = await suite.t.db.sql<{ id: string }[]>`
      insert into notifications (account_id, application_id, message, created_at)
      values (${a.enterprise.accountId}, ${application}, '测试消息。', now()) returning id`;
    const ids = { application, item, rename, file, notification: notice!.id };
    const snapshot = async () =>
      suite.t.db.sql`
        select (select json_agg(a order by id) from applications a
                where enterprise_id = ${a.enterprise.enterpriseId}) as applications,
               (select json_agg(c) from correction_items c where id = ${item}) as items,
               (select json_agg(n) from notifications n where id = ${notice!.id}) as notices`;
    const before = await snapshot();

    for (const [route, probe] of Object.entries(probes)) {
      const res = await probe(b, ids);
      expect(res.status, route).toBe(404);
    }
    for (const fileId of [file, proof]) {
      expect((await b.agent.get(paths.file(fileId))).status).toBe(404);
    }
    expect(await snapshot()).toEqual(before);
    // A itself reaches them (the 404s above are about who asks, not broken routes).
    for (const [route, probe] of Object.entries(probes)) {
      const res = await probe(a, ids);
      expect(res.status, route).not.toBe(404);
    }
    expect((await a.agent.get(paths.org.application(application))).status).toBe(200);
    expect((await a.agent.get(paths.file(file))).status).toBe(200);
    expect((await a.agent.get(paths.file(proof))).status).toBe(200);
    // B's own lists hold nothing of A's.
    for (const page of [
      paths.org.home,
      paths.org.applications,
      paths.org.employees,
      paths.org.rename,
    ]) {
      const res = await b.agent.get(page);
      expect(res.status, page).toBe(200);
      expect(res.text, page).not.toContain(application);
      expect(res.text, page).not.toContain('A的新名称有限公司');
      expect(res.text, page).not.toContain('甲单位员工');
    }
    expect((await a.agent.get(paths.org.employees)).text).toContain('甲单位员工');
  });
});
