import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoEnterprises } from '../../lib/demo/index.js';
import { employeesOf, fileRename, RENAME_REFUSED } from '../../lib/enterprise/index.js';
import { paths } from '../../routes/paths.js';
import { transition } from '../../lib/workflow/index.js';
import { csrfTokenFrom, integrationSuite, logInAs, signInNewEnterprise } from '../support/app.js';
import { NOW, officerAccountId, TINY_PDF } from '../support/fixtures.js';
import { activeRegistrations } from '../../lib/registrations/index.js';

// Rule 9: an enterprise renames itself to what the legal-person registry holds, never a typed name.

const suite = integrationSuite({ clock: NOW });
let officer: string;
beforeAll(async () => {
  officer = await officerAccountId(suite.t.db.sql);
});

const xijian = demoEnterprises.find((e) => e.creditCode === '91320211136012847C')!;
const NEW_NAME = '无锡锡建建设集团有限公司';

async function signedIn(creditCode: string) {
  const agent = request.agent(suite.t.app);
  await logInAs(agent, paths.login.enterprise, creditCode, DEMO_PASSWORD);
  return { agent, _csrf: await csrfTokenFrom(agent, paths.org.information) };
}

/** The rename form sent with both proofs and the commitment. */
const fileOnPage = (agent: ReturnType<typeof request.agent>, _csrf: string) =>
  agent
    .post(paths.org.rename)
    .field('_csrf', _csrf)
    .field('commitment', 'yes')
    .attach('business-licence', TINY_PDF, '营业执照.pdf')
    .attach('name-change-notice', TINY_PDF, '通知书.pdf');

const counts = async () => {
  const [row] = await suite.t.db.sql<{ files: number; renames: number }[]>`
    select (select count(*)::int from files) as files,
           (select count(*)::int from applications where kind = 'enterprise_rename') as renames`;
  return row!;
};

describe('enterprise rename', () => {
  it('is refused while the registry holds the current name, with nothing stored', async () => {
    const { enterprise, agent, _csrf } = await signInNewEnterprise(suite.t);
    await suite.t.db.sql`insert into legal_person_registry (credit_code, name, updated_at)
      select credit_code, name, ${NOW} from enterprises where id = ${enterprise.enterpriseId}`;
    expect((await agent.get(paths.org.home)).text).not.toContain('data-testid="rename-due"');
    const page = await agent.get(paths.org.rename);
    expect(page.status).toBe(200);
    expect(page.text).toContain(RENAME_REFUSED);
    expect(page.text).not.toContain('data-testid="rename-form"');
    const before = await counts();
    const res = await fileOnPage(agent, _csrf);
    expect(res.status).toBe(422);
    expect(res.text).toContain(RENAME_REFUSED);
    expect(res.text).toContain('data-testid="error-summary"');
    expect(await counts()).toEqual(before);
    // And in lib, whoever calls it.
    await expect(
      fileRename(suite.t.services, { accountId: enterprise.accountId, documents: {} }),
    ).rejects.toMatchObject({ status: 422, problems: [{ message: RENAME_REFUSED }] });
  });

  it('is refused, with nothing stored, when the registry holds no entry or a name too long to hold', async () => {
    const { enterprise, agent, _csrf } = await signInNewEnterprise(suite.t);
    const missing = await agent.get(paths.org.rename);
    expect(missing.text).toContain('法人库中暂未查询到本单位的统一社会信用代码');
    await suite.t.db.sql`insert into legal_person_registry (credit_code, name, updated_at)
      values (${enterprise.creditCode}, ${'苏'.repeat(97) + '有限公司'}, ${NOW})`;
    const before = await counts();
    const res = await fileOnPage(agent, _csrf);
    expect(res.status).toBe(422);
    expect(res.text).toContain('法人库中的企业名称超过100个字');
    expect(await counts()).toEqual(before);
  });

  it('shows the registry’s new name, asks for both proofs and the commitment, files it, and can withdraw it', async () => {
    const { agent, _csrf } = await signedIn(xijian.creditCode);
    const home = await agent.get(paths.org.home);
    expect(home.text).toContain('data-testid="rename-due"');
    expect(home.text).toContain(NEW_NAME);
    const page = await agent.get(paths.org.rename);
    expect(page.text).toContain(NEW_NAME);
    expect(page.text).toContain('data-testid="rename-form"');

    const before = await counts();
    const missing = await agent
      .post(paths.org.rename)
      .field('_csrf', _csrf)
      .attach('business-licence', TINY_PDF, '营业执照.pdf');
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('请上传企业名称变更通知书扫描件');
    expect(missing.text).toContain('请阅读并勾选承诺后再提交');
    expect(missing.text).toContain('href="#name-change-notice"');
    // The licence was chosen, but a browser does not keep it on the refused form (issue 10, item 15).
    expect(missing.text).toContain('请重新选择更名后的营业执照扫描件');
    expect(missing.text).toContain('href="#business-licence"');
    expect(await counts()).toEqual(before);

    const filed = await agent
      .post(paths.org.rename)
      .field('_csrf', _csrf)
      .field('commitment', 'yes')
      .attach('business-licence', TINY_PDF, '营业执照.pdf')
      .attach('name-change-notice', Buffer.concat([TINY_PDF, Buffer.from('%n\n')]), '通知书.pdf');
    expect(filed.headers.location).toBe(`${paths.org.rename}?done=filed`);
    const [app] = await suite.t.db.sql<
      { id: string; state: string; version: number; snapshot: Record<string, unknown> }[]
    >`
      select a.id, a.state, a.version, a.snapshot from applications a
      join enterprises e on e.id = a.enterprise_id
      where e.credit_code = ${xijian.creditCode} and a.kind = 'enterprise_rename'`;
    expect(app!.state).toBe('submitted');
    expect(app!.snapshot.rename).toEqual({ from: xijian.name, to: NEW_NAME });
    expect(Object.keys(app!.snapshot.uploads as object).sort()).toEqual([
      'business-licence',
      'name-change-notice',
    ]);
    expect((await agent.get(paths.org.home)).text).not.toContain('data-testid="rename-due"');
    const after = await agent.get(paths.org.rename);
    expect(after.text).toContain('data-testid="rename-state"');
    expect(after.text).not.toContain('data-testid="rename-form"');
    // One open rename per enterprise.
    const twice = await fileOnPage(agent, _csrf);
    expect(twice.status).toBe(409);
    expect(twice.text).toContain('已有一项企业更名申请正在办理');
    expect(twice.text).toContain('data-testid="rename-application"'); // the page, with the summary

    // Another enterprise cannot touch it; nor can this one withdraw an employee's application here.
    const other = await signInNewEnterprise(suite.t);
    const foreign = await other.agent
      .post(paths.org.renameWithdraw(app!.id))
      .type('form')
      .send({ _csrf: other._csrf, version: app!.version });
    expect(foreign.status).toBe(404);
    const [employeeApp] = await suite.t.db.sql<{ id: string }[]>`
      select a.id from applications a join enterprises e on e.id = a.enterprise_id
      where e.credit_code = ${xijian.creditCode} and a.kind = 'initial'`;
    const wrongKind = await agent
      .post(paths.org.renameWithdraw(employeeApp!.id))
      .type('form')
      .send({ _csrf, version: 1 });
    expect(wrongKind.status).toBe(404);

    const withdrawn = await agent
      .post(paths.org.renameWithdraw(app!.id))
      .type('form')
      .send({ _csrf, version: app!.version });
    expect(withdrawn.headers.location).toBe(`${paths.org.rename}?done=withdrawn`);
    const [row] = await suite.t.db.sql`select state from applications where id = ${app!.id}`;
    expect(row?.state).toBe('withdrawn');
    expect((await agent.get(paths.org.rename)).text).toContain('data-testid="rename-form"');
  });

  it('approved, gives the enterprise the new name, and every registration there shows it', async () => {
    const [enterprise] = await suite.t.db.sql<{ id: string; account_id: string }[]>`
      select id, account_id from enterprises where credit_code = ${xijian.creditCode}`;
    const scan = {
      bytes: TINY_PDF,
      contentType: 'application/pdf' as const,
      originalName: 'x.pdf',
    };
    const filed = await fileRename(suite.t.services, {
      accountId: enterprise!.account_id,
      documents: { 'business-licence': scan, 'name-change-notice': scan },
    });
    const [xuMing] = await suite.t.db.sql<{ id: string }[]>`
      select id from persons where name = '徐明'`;
    const before = await activeRegistrations(suite.t.db.sql, xuMing!.id);
    expect(before.map((r) => r.enterpriseName)).toEqual([xijian.name]);

    await transition(suite.t.services, {
      applicationId: filed.id,
      action: 'approve',
      actor: { role: 'officer', accountId: officer },
    });
    const after = await activeRegistrations(suite.t.db.sql, xuMing!.id);
    expect(after.map((r) => r.enterpriseName)).toEqual([NEW_NAME]);
    expect(after.map((r) => r.registrationNumber)).toEqual(before.map((r) => r.registrationNumber));
    expect(
      (await employeesOf(suite.t.db.sql, enterprise!.id, NOW)).rows.map((e) => e.personName),
    ).toEqual(['徐明']);
    const [account] = await suite.t.db.sql`
      select display_name from accounts where id = ${enterprise!.account_id}`;
    expect(account?.display_name).toBe(NEW_NAME);
    const [audit] = await suite.t.db.sql`
      select detail from audit_events where action = 'enterprise_renamed'
        and subject_id = ${enterprise!.id}`;
    expect(audit?.detail).toMatchObject({ from: xijian.name, to: NEW_NAME });
    // The registry and the enterprise now agree: nothing more to file.
    const { agent } = await signedIn(xijian.creditCode);
    const page = await agent.get(paths.org.rename);
    expect(page.text).toContain(RENAME_REFUSED);
    expect(page.text).toContain('已办结');
    // 徐明's application, confirmed under the old name, now names the enterprise as it is (its
    // seal), and still shows the name he confirmed.
    const [waiting] = await suite.t.db.sql<{ id: string }[]>`
      select id from applications where person_id = ${xuMing!.id} and state = 'awaiting_enterprise'`;
    const application = await agent.get(paths.org.application(waiting!.id));
    expect(application.text).toContain(`${NEW_NAME}（确认时名称：${xijian.name}）`);
  });
});
