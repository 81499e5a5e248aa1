import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import sharp from 'sharp';
import request from 'supertest';
import type { Agent } from 'supertest';
import { describe, expect, it } from 'vitest';
import { claimApplication } from '../../lib/authority/index.js';
import { itemsOf, requestCorrections } from '../../lib/corrections/index.js';
import { DEMO_PASSWORD } from '../../lib/demo/index.js';
import { readFormQr } from '../../lib/documents/index.js';
import { SIGNED_FORM_QR_OF } from '../../lib/enterprise/index.js';
import { saveDraft, startApplication } from '../../lib/filing/index.js';
import { readApplication } from '../../lib/workflow/index.js';
import { paths } from '../../routes/paths.js';
import { pdfPagePng, pdfText } from '../support/pdf.js';
import type { TestApp } from '../support/app.js';
import {
  createTestApp,
  csrfTokenFrom,
  integrationSuite,
  logInAs,
  signInNewEnterprise,
  withBytes,
} from '../support/app.js';
import {
  addRegistration,
  addRegistryQualification,
  createPerson,
  insertApplication,
  NOW,
  PASSWORD,
  standInFiles,
} from '../support/fixtures.js';

// The application form as a PDF and the signed scan matched to it by its QR (issue 15, parts 2
// and 3): the real routes, a real Chromium rendering the form, poppler reading it back, and a
// scan made as an office would make it (150 dpi, a little askew, JPEG quality 70).

const suite = integrationSuite({ clock: NOW });
const run = promisify(execFile);

/** The printed form as an office scans it back: 150 dpi, turned about 2°, JPEG quality 70. */
async function officeScan(pdf: Buffer): Promise<Buffer> {
  return sharp(await pdfPagePng(pdf, 150))
    .rotate(2, { background: '#ffffff' })
    .jpeg({ quality: 70 })
    .toBuffer();
}

/** A PDF holding one scanned page (as a scanner that writes PDFs makes it). */
async function pdfWrapping(jpeg: Buffer): Promise<Buffer> {
  const url = 'https://assets.documents.invalid/scan.jpg';
  return suite.t.services.documents.renderPdf(
    `<!doctype html><html><head><meta charset="utf-8"><style>@page{size:A4;margin:0}body{margin:0}img{display:block;width:210mm}</style></head><body><img src="${url}" alt=""></body></html>`,
    new Map([[url, { body: jpeg, contentType: 'image/jpeg' }]]),
  );
}

type Enterprise = Awaited<ReturnType<typeof signInNewEnterprise>>;

const versionOf = async (id: string) => (await readApplication(suite.t.db.sql, id))!.version;

/** The person confirms on the check page (the snapshot is frozen: a new version). */
async function personConfirms(agent: Agent, id: string) {
  const _csrf = await csrfTokenFrom(agent, paths.me.home);
  const res = await agent
    .post(paths.me.step(id, 'check'))
    .type('form')
    .send({ _csrf, commitment: 'yes' });
  expect(res.status).toBe(303);
}

async function enterpriseConfirms({ agent, _csrf }: Enterprise, id: string) {
  const res = await agent
    .post(paths.org.confirm(id))
    .type('form')
    .send({ _csrf, version: String(await versionOf(id)), commitment: 'yes' });
  expect(res.status).toBe(303);
}

const uploadScan = ({ agent, _csrf }: Enterprise, id: string, bytes: Buffer, name: string) =>
  agent.post(paths.org.signedForm(id)).field('_csrf', _csrf).attach('file', bytes, name);

/**
 * A constructor's initial application, filled in and confirmed by the person (who can sign in)
 * and confirmed by the enterprise: waiting for its signed form, snapshot version 1.
 */
async function awaitingSignedForm(name = '张伟') {
  const { t } = suite;
  const person = await createPerson(t.db.sql, NOW, { password: PASSWORD, name });
  await addRegistryQualification(t.db.sql, person, 'constructor', '建筑工程');
  const enterprise = await signInNewEnterprise(t);
  const app = await startApplication(t.services, person.accountId, {
    kind: 'initial',
    profession: 'constructor',
  });
  await saveDraft(t.services, person.accountId, app.id, {
    eligibilityChecked: true,
    enterpriseId: enterprise.enterprise.enterpriseId,
    employment: { position: '项目经理', contractStart: '2026-01-01', contractEnd: '2029-12-31' },
    specialties: ['建筑工程'],
    uploads: { contract: person.fileId! },
  });
  const personAgent = request.agent(t.app);
  await logInAs(personAgent, paths.login.person, person.idNumber, PASSWORD);
  await personConfirms(personAgent, app.id);
  await enterpriseConfirms(enterprise, app.id);
  const row = (await readApplication(t.db.sql, app.id))!;
  expect(row.state).toBe('awaiting_signed_form');
  return { person, personAgent, enterprise, id: app.id, row };
}

const download = (enterprise: Enterprise, id: string) =>
  withBytes(enterprise.agent.get(paths.org.formPdf(id)));

const signedFormOf = async (id: string) =>
  (
    await suite.t.db.sql<{ version: number | null; qr: string | null }[]>`
      select signed_form_snapshot_version as version,
             ${suite.t.db.sql.unsafe(SIGNED_FORM_QR_OF)} as qr
      from applications a where a.id = ${id}`
  )[0]!;

describe('the application form as a PDF', () => {
  it('is A4 text with the name, the application number, the enterprise and the qualification number, sent as a download that is not cached', async () => {
    const { enterprise, id, row } = await awaitingSignedForm('张伟');
    const { res, body } = await download(enterprise, id);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="[^"]+"; filename\*=UTF-8''/,
    );
    expect(decodeURIComponent(res.headers['content-disposition']!.split("''")[1]!)).toBe(
      `二级注册建造师初始注册申请表-${row.applicationNumber}-第1版.pdf`,
    );
    const text = await pdfText(body);
    const [qualification] = await suite.t.db.sql<{ n: string }[]>`
      select certificate_number as n from qualification_registry q
      join persons p on p.id_number = q.id_number join applications a on a.person_id = p.id
      where a.id = ${id}`;
    const [employer] = await suite.t.db.sql<{ name: string }[]>`
      select name from enterprises where id = ${enterprise.enterprise.enterpriseId}`;
    expect(text).toContain('二级注册建造师初始注册申请表');
    expect(text).toContain('张伟');
    expect(text).toContain(row.applicationNumber);
    expect(text).toContain(employer!.name);
    expect(text).toContain(qualification!.n);
    expect(text).toContain('第1版');
    expect(text).toContain('法定代表人（签字）');
    expect(text).toContain('聘用企业（盖章）');
    expect(text).not.toContain('预览');
    // Its QR carries the application number, the version and the snapshot's short hash.
    const { qr } = await readFormQr(await pdfPagePng(body, 150), 'image/png');
    expect(qr).toEqual({
      applicationNumber: row.applicationNumber,
      snapshotVersion: 1,
      shortHash: row.snapshotHash!.slice(0, 10),
    });
  });

  it('prints a name holding markup as that text', async () => {
    const name = '李<img src=x onerror=alert(1)>';
    const { enterprise, id } = await awaitingSignedForm(name);
    // In writing order, so the cell's two lines (a long name wraps) follow each other.
    const text = await pdfText((await download(enterprise, id)).body, 'raw');
    expect(text.replace(/\s+/g, '')).toContain(name.replace(/\s+/g, ''));
  });

  it('is the enterprise’s own: another enterprise gets 404', async () => {
    const { id } = await awaitingSignedForm();
    const other = await signInNewEnterprise(suite.t);
    expect((await other.agent.get(paths.org.formPdf(id))).status).toBe(404);
  });
});

describe('one form per kind', () => {
  /** An application of `kind` waiting for the signed enterprise's scan, as if it had got there. */
  async function waiting(
    signed: Enterprise,
    kind: 'initial' | 'additional' | 'renewal' | 'personal_change',
    profession: 'constructor' | 'architect' | 'cost_engineer',
    draft: object,
  ) {
    const sql = suite.t.db.sql;
    const person = await createPerson(sql, NOW, { name: '陈静' });
    const registrationId =
      kind === 'initial'
        ? null
        : await addRegistration(
            sql,
            NOW,
            person,
            signed.enterprise,
            profession,
            profession === 'architect' ? [] : [SPECIALTY[profession]],
            '2027-01-20',
          );
    return insertApplication(sql, NOW, {
      kind,
      state: 'awaiting_signed_form',
      profession,
      personId: person.personId,
      enterpriseId: signed.enterprise.enterpriseId,
      registrationId,
      draft: {
        person: { name: '陈静', idNumber: person.idNumber, photoFileId: person.fileId },
        employment: {
          position: '技术负责人',
          contractStart: '2026-01-01',
          contractEnd: '2029-12-31',
        },
        ...draft,
      },
    });
  }
  const SPECIALTY = { constructor: '建筑工程', cost_engineer: '土木建筑工程', architect: '' };

  it('titles each by profession and kind and shows what that kind is about', async () => {
    const signed = await signInNewEnterprise(suite.t);
    const sql = suite.t.db.sql;
    const renewal = await waiting(signed, 'renewal', 'constructor', {});
    const additional = await waiting(signed, 'additional', 'constructor', {
      specialties: ['市政公用工程'],
    });
    const change = await waiting(signed, 'personal_change', 'constructor', {
      change: { education: '硕士研究生', note: '取得硕士学位' },
    });
    const architect = await waiting(signed, 'initial', 'architect', {});
    await sql`update applications set enterprise_confirmation = ${sql.json({ licence: { type: '建筑行业（建筑工程）设计甲级', number: 'A132000001' } })} where id = ${architect}`;
    const cost = await waiting(signed, 'initial', 'cost_engineer', {
      specialties: ['土木建筑工程'],
    });
    await sql`update applications set enterprise_confirmation = ${sql.json({ costConsulting: true })} where id = ${cost}`;

    const text = async (id: string) => {
      const pdf = (await download(signed, id)).body;
      return pdfText(pdf);
    };
    const [registration] = await sql<{ n: string }[]>`
      select r.registration_number as n from registrations r
      join applications a on a.registration_id = r.id where a.id = ${renewal}`;
    const renewed = await text(renewal);
    expect(renewed).toContain('二级注册建造师延续注册申请表');
    expect(renewed).toContain(registration!.n);
    expect(renewed).toContain('2024-01-01 至 2027-01-20');
    expect(renewed).toContain('延续后有效期');
    const added = await text(additional);
    expect(added).toContain('二级注册建造师增项注册申请表');
    expect(added).toMatch(/申请增项专业\s+市政公用工程/);
    const changed = await text(change);
    expect(changed).toContain('二级注册建造师个人自然情况变更申请表');
    expect(changed).toContain('硕士研究生');
    expect(changed).not.toContain('劳动合同期限');
    const architectForm = await text(architect);
    expect(architectForm).toContain('二级注册建筑师初始注册申请表');
    expect(architectForm).toContain('建筑行业（建筑工程）设计甲级，资质证号 A132000001');
    expect(architectForm).not.toContain('申请注册专业');
    const costForm = await text(cost);
    expect(costForm).toContain('二级注册造价工程师初始注册申请表');
    expect(costForm).toMatch(/是否造价咨询企业\s+是/);
  });

  it('has none for a kind without a signed form (a cancellation)', async () => {
    const signed = await signInNewEnterprise(suite.t);
    const person = await createPerson(suite.t.db.sql, NOW);
    const id = await insertApplication(suite.t.db.sql, NOW, {
      kind: 'cancellation',
      state: 'awaiting_enterprise',
      profession: 'constructor',
      personId: person.personId,
      enterpriseId: signed.enterprise.enterpriseId,
    });
    expect((await signed.agent.get(paths.org.formPdf(id))).status).toBe(404);
  });
});

describe('the signed scan, matched by its QR', () => {
  it('accepts an office scan of its version, and after a new version refuses the old scan naming both versions', async () => {
    const { t } = suite;
    const { enterprise, personAgent, person, id } = await awaitingSignedForm();
    const scan = await officeScan((await download(enterprise, id)).body);

    const uploaded = await uploadScan(enterprise, id, scan, '申请表扫描件.jpg');
    expect(uploaded.status).toBe(303);
    expect(uploaded.headers.location).toBe(`${paths.org.application(id)}?done=uploaded`);
    expect(await signedFormOf(id)).toEqual({ version: 1, qr: 'matched' });
    const read = t.logs.filter((l) => l.msg === 'signed form scan read').at(-1)!;
    expect(read.qr).toBe('matched');
    // Fast enough for a request: the figure is in the log.
    expect(read.decodeMs).toBeLessThan(3000);

    // The enterprise sends it back; the person edits it and confirms again: version 2.
    const _csrf = enterprise._csrf;
    const returned = await enterprise.agent
      .post(paths.org.return(id))
      .type('form')
      .send({ _csrf, version: String(await versionOf(id)), reason: '聘用岗位填写有误' });
    expect(returned.status).toBe(303);
    await saveDraft(t.services, person.accountId, id, {
      employment: {
        position: '技术负责人',
        contractStart: '2026-01-01',
        contractEnd: '2029-12-31',
      },
    });
    await personConfirms(personAgent, id);
    await enterpriseConfirms(enterprise, id);
    expect((await readApplication(t.db.sql, id))!.snapshotVersion).toBe(2);

    const refused = await uploadScan(enterprise, id, scan, '申请表扫描件.jpg');
    expect(refused.status).toBe(303);
    expect(refused.headers.location).toBe(paths.org.application(id));
    const page = await enterprise.agent.get(paths.org.application(id));
    const message = '扫描件是第1版申请表，当前为第2版：请下载最新申请表，签字盖章后重新上传';
    // In the summary at the top (leading to the field) and beside the field, with the download.
    expect(page.text).toContain(`<a href="#signedForm">${message}</a>`);
    expect(page.text).toMatch(new RegExp(`id="signedForm-error">.*${message}`));
    expect(page.text).toContain(
      `<a href="${paths.org.formPdf(id)}">下载当前第2版申请表（PDF）</a>`,
    );
    expect((await signedFormOf(id)).version).toBe(1);

    // A PDF scan goes through the same check: the old one refused, the new one accepted.
    const oldPdf = await pdfWrapping(scan);
    await uploadScan(enterprise, id, oldPdf, '扫描件.pdf');
    expect((await enterprise.agent.get(paths.org.application(id))).text).toContain(message);
    const newPdf = await pdfWrapping(await officeScan((await download(enterprise, id)).body));
    const accepted = await uploadScan(enterprise, id, newPdf, '扫描件.pdf');
    expect(accepted.headers.location).toBe(`${paths.org.application(id)}?done=uploaded`);
    expect(await signedFormOf(id)).toEqual({ version: 2, qr: 'matched' });
  });

  it('accepts a scan whose QR cannot be read, with a note the officer sees on the review page', async () => {
    const { t } = suite;
    const { enterprise, id } = await awaitingSignedForm('王芳');
    const { scan } = await standInFiles(); // a page with no QR on it
    const uploaded = await uploadScan(enterprise, id, scan, '扫描件.jpg');
    expect(uploaded.headers.location).toBe(`${paths.org.application(id)}?done=uploaded`);
    expect(await signedFormOf(id)).toEqual({ version: 1, qr: 'unreadable' });
    const page = await enterprise.agent.get(paths.org.application(id));
    expect(page.text).toContain('扫描件未能识别二维码，主管部门将人工核对');

    const submitted = await enterprise.agent
      .post(paths.org.submit(id))
      .type('form')
      .send({ _csrf: enterprise._csrf, version: String(await versionOf(id)) });
    expect(submitted.headers.location).toBe(`${paths.org.application(id)}?done=submitted`);
    const officer = request.agent(t.app);
    await logInAs(officer, paths.login.staff, 'shenhe01', DEMO_PASSWORD);
    const review = await officer.get(paths.authority.application(id));
    expect(review.status).toBe(200);
    expect(review.text).toContain('扫描件未能识别二维码，请人工核对');
  });
});

describe('the person’s preview', () => {
  it('reads the QR of a signed form sent again for a correction: another application’s refused beside the item, its own matched, an unreadable one noted for the officer', async () => {
    const { t } = suite;
    const { enterprise, id, row } = await awaitingSignedForm('陈静');
    await uploadScan(
      enterprise,
      id,
      await officeScan((await download(enterprise, id)).body),
      'a.jpg',
    );
    await enterprise.agent
      .post(paths.org.submit(id))
      .type('form')
      .send({ _csrf: enterprise._csrf, version: String(await versionOf(id)) });
    const [officer] = await t.db.sql<{ id: string }[]>`
      select id from accounts where login_id = 'shenhe01'`;
    await claimApplication(t.db.sql, {
      applicationId: id,
      officerAccountId: officer!.id,
      at: t.clock.now(),
    });
    const askAgain = async () => {
      await requestCorrections(t.services, {
        applicationId: id,
        officerAccountId: officer!.id,
        items: [
          {
            addressedTo: 'enterprise',
            what: '签字盖章的申请表',
            why: '申请表扫描件上法定代表人签字或单位公章不清晰，请重新打印、签字盖章后上传。',
            reasonCode: 'signed_form_unclear',
          },
        ],
      });
      return (await itemsOf(t.db.sql, id)).find((i) => !i.closedAt)!;
    };
    const supply = (itemId: string, bytes: Buffer) =>
      enterprise.agent
        .post(paths.org.correction(id, itemId))
        .field('_csrf', enterprise._csrf)
        .attach('file', bytes, '申请表扫描件.jpg');

    const item = await askAgain();
    // The item offers the form to print again.
    const page = await enterprise.agent.get(paths.org.application(id));
    expect(page.text).toContain(
      `<a href="${paths.org.formPdf(id)}">下载申请表（PDF，第1版）</a>，由法定代表人签字并加盖公章后扫描上传`,
    );
    // Another application's form: refused beside the item's file, the item still open.
    const other = await awaitingSignedForm('沈浩');
    const otherScan = await officeScan((await download(other.enterprise, other.id)).body);
    const refused = await supply(item.id, otherScan);
    expect(refused.headers.location).toBe(paths.org.application(id));
    const message = `扫描件是另一项申请（申请编号${other.row.applicationNumber}）的申请表，不是本申请（${row.applicationNumber}）的`;
    const again = await enterprise.agent.get(paths.org.application(id));
    expect(again.text).toContain(`<a href="#correction-${item.id}">${message}`);
    expect(again.text).toMatch(new RegExp(`id="correction-${item.id}-error">.*${message}`));
    expect((await itemsOf(t.db.sql, id)).find((i) => i.id === item.id)!.closedAt).toBeNull();

    // Its own form: accepted, the match kept with what was supplied.
    const scan = await officeScan((await download(enterprise, id)).body);
    const supplied = await supply(item.id, scan);
    expect(supplied.headers.location).toBe(`${paths.org.application(id)}?done=supplied`);
    const closed = (await itemsOf(t.db.sql, id)).find((i) => i.id === item.id)!;
    expect(closed.supplied?.formQr).toBe('matched');

    // Asked again, a scan without a readable QR: accepted, and the officer is told to check it.
    const second = await askAgain();
    const { scan: plain } = await standInFiles();
    expect((await supply(second.id, plain)).headers.location).toBe(
      `${paths.org.application(id)}?done=supplied`,
    );
    expect((await itemsOf(t.db.sql, id)).find((i) => i.id === second.id)!.supplied?.formQr).toBe(
      'unreadable',
    );
    const reviewer = request.agent(t.app);
    await logInAs(reviewer, paths.login.staff, 'shenhe01', DEMO_PASSWORD);
    const review = await reviewer.get(paths.authority.application(id));
    expect(review.text).toMatch(
      /data-testid="supplied-form-unreadable">扫描件未能识别二维码，请人工核对/,
    );
    expect(review.text).toContain('（申请表二维码核对一致）');
  });

  it('reads PDF scans as many at once as the machine has cores, the rest waiting their turn', async () => {
    const { enterprise, id } = await awaitingSignedForm('周杰');
    const pdf = await pdfWrapping(await officeScan((await download(enterprise, id)).body));
    const cores = os.availableParallelism();
    // This worker's own pdftoppm processes, counted every 10 ms while the readings run.
    let most = 0;
    let reading = true;
    const watching = (async () => {
      while (reading) {
        const { stdout } = await run('ps', ['-o', 'comm=', '--ppid', String(process.pid)]).catch(
          () => ({ stdout: '' }),
        );
        most = Math.max(most, stdout.split('\n').filter((c) => c.trim() === 'pdftoppm').length);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const readings = await Promise.all(
      Array.from({ length: cores * 3 }, () => readFormQr(pdf, 'application/pdf')),
    );
    reading = false;
    await watching;
    expect(readings.every((r) => r.qr?.snapshotVersion === 1)).toBe(true);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(cores);
  });

  it('is marked 预览 and carries no QR; only the person’s own', async () => {
    const { t } = suite;
    const person = await createPerson(t.db.sql, NOW, { password: PASSWORD, name: '赵敏' });
    await addRegistryQualification(t.db.sql, person, 'constructor', '建筑工程');
    const app = await startApplication(t.services, person.accountId, {
      kind: 'initial',
      profession: 'constructor',
    });
    await saveDraft(t.services, person.accountId, app.id, {
      specialties: ['建筑工程'],
      employment: { position: '项目经理', contractStart: '2026-01-01', contractEnd: '2029-12-31' },
    });
    const agent = request.agent(t.app);
    await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
    const check = await agent.get(paths.me.step(app.id, 'check'));
    expect(check.text).toContain(`href="${paths.me.formPreview(app.id)}"`);

    const { res, body: pdf } = await withBytes(agent.get(paths.me.formPreview(app.id)));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(pdf);
    expect(text).toContain('预览');
    expect(text).toContain('赵敏');
    expect(text).toContain('无二维码');
    expect(text).not.toContain('校验码');
    expect((await readFormQr(await pdfPagePng(pdf, 150), 'image/png')).qr).toBeUndefined();

    const stranger = await createPerson(t.db.sql, NOW, { password: PASSWORD });
    const other = request.agent(t.app);
    await logInAs(other, paths.login.person, stranger.idNumber, PASSWORD);
    expect((await other.get(paths.me.formPreview(app.id))).status).toBe(404);
  });
});

describe('a busy renderer', () => {
  it('answers 503 系统繁忙，请稍后再试, not a 500', async () => {
    let busy: TestApp | undefined;
    try {
      busy = await createTestApp({ DOCUMENT_PAGES: '1', DOCUMENT_QUEUE: '0' });
      busy.clock.set(NOW);
      const b = busy;
      const person = await createPerson(b.db.sql, NOW, { password: PASSWORD });
      const app = await startApplication(b.services, person.accountId, {
        kind: 'initial',
        profession: 'constructor',
      });
      const agent = request.agent(b.app);
      await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
      const results = await Promise.all(
        [1, 2, 3].map(() => agent.get(paths.me.formPreview(app.id))),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses[0]).toBe(200);
      expect(statuses).toContain(503);
      const refused = results.find((r) => r.status === 503)!;
      expect(refused.text).toContain('系统繁忙，请稍后再试');
      expect(refused.headers['retry-after']).toBe('10');
    } finally {
      await busy?.close();
    }
  });
});
