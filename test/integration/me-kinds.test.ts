import type { Agent } from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../routes/paths.js';
import { csrfTokenFrom, integrationSuite, signInNewPerson } from '../support/app.js';
import type { EnterpriseFixture } from '../support/fixtures.js';
import {
  addRegistration,
  addRegistryQualification,
  createEnterprise,
  NOW,
  TINY_PDF,
} from '../support/fixtures.js';

// Every kind of application a person files through the pages, to where it waits for the next party.

const employment = { position: '项目经理', contractStart: '2024-06-01', contractEnd: '2029-05-31' };

const suite = integrationSuite({ clock: NOW });
let enterprise: EnterpriseFixture;
beforeAll(async () => {
  enterprise = await createEnterprise(suite.t.db.sql, NOW);
});

/** A constructor registered at `enterprise` (建筑工程, valid for 60 more days), signed in. */
async function registeredConstructor() {
  const { person, agent } = await signInNewPerson(suite.t);
  await addRegistryQualification(suite.t.db.sql, person, 'constructor', '建筑工程');
  await addRegistryQualification(suite.t.db.sql, person, 'constructor', '机电工程');
  await addRegistration(
    suite.t.db.sql,
    NOW,
    person,
    enterprise,
    'constructor',
    ['建筑工程'],
    '2027-01-24',
  );
  return { person, agent };
}

async function post(agent: Agent, url: string, form: Record<string, string | string[]>) {
  const _csrf = await csrfTokenFrom(agent, paths.me.profile);
  const res = await agent
    .post(url)
    .type('form')
    .send({ _csrf, ...form });
  expect(res.status, `${url}: ${res.text.slice(0, 2000)}`).toBe(303);
  return res.headers.location as string;
}

/** Uploads a PDF for every material the uploads page asks for. */
async function uploadMaterials(agent: Agent, uploadsPage: string) {
  const page = await agent.get(uploadsPage);
  const actions = [...page.text.matchAll(/action="([^"]+\/uploads\/[a-z-]+)"/g)].map((m) => m[1]!);
  expect(actions.length).toBeGreaterThan(0);
  const _csrf = await csrfTokenFrom(agent, paths.me.profile);
  for (const action of actions) {
    const res = await agent.post(action).field('_csrf', _csrf).attach('file', TINY_PDF, 'scan.pdf');
    expect(res.status).toBe(303);
  }
}

/** Starts an application through the kind and profession pages: its id and first step. */
async function start(agent: Agent, kind: string, profession: string) {
  await post(agent, paths.me.apply, { kind });
  const first = await post(agent, paths.me.applyProfession, { kind, profession });
  return { id: /applications\/([0-9a-f-]{36})\//.exec(first)![1]!, first };
}

/** Posts each step's form in turn from `next`, following the redirects, and confirms. */
async function finish(agent: Agent, id: string, next: string, steps: Record<string, object>) {
  while (!next.endsWith('/steps/check')) {
    const step = next.split('/steps/')[1]!;
    if (step === 'uploads') await uploadMaterials(agent, next);
    next = await post(agent, next, (steps[step] ?? {}) as Record<string, string>);
  }
  await post(agent, next, { commitment: 'yes' });
  const [row] = await suite.t.db.sql`select state from applications where id = ${id}`;
  return row?.state as string;
}

async function file(agent: Agent, kind: string, profession: string, steps: Record<string, object>) {
  const { id, first } = await start(agent, kind, profession);
  return finish(agent, id, first, steps);
}

describe('a person files every kind of application', () => {
  it('additional', async () => {
    const { agent } = await registeredConstructor();
    expect(
      await file(agent, 'additional', 'constructor', {
        employment,
        specialties: { specialties: ['机电工程'] },
      }),
    ).toBe('awaiting_enterprise');
  });

  it('renewal', async () => {
    const { agent } = await registeredConstructor();
    expect(await file(agent, 'renewal', 'constructor', { employment })).toBe('awaiting_enterprise');
  });

  it('cancellation', async () => {
    const { agent } = await registeredConstructor();
    expect(await file(agent, 'cancellation', 'constructor', {})).toBe('awaiting_enterprise');
  });

  it('personal change', async () => {
    const { agent } = await registeredConstructor();
    expect(
      await file(agent, 'personal_change', 'constructor', {
        change: { education: '硕士研究生', note: '取得硕士学位' },
      }),
    ).toBe('awaiting_enterprise');
  });

  it('demonstration zone initial, at a Wujiang District enterprise', async () => {
    const wujiang = await createEnterprise(suite.t.db.sql, NOW, {
      districtCode: '320509',
      name: '吴江示范区测试建设有限公司',
    });
    const { person, agent } = await signInNewPerson(suite.t);
    await addRegistryQualification(suite.t.db.sql, person, 'constructor', '市政公用工程');
    const { id, first } = await start(agent, 'demonstration_zone', 'constructor');
    // The search offers only Wujiang District enterprises.
    const search = await agent.get(`${paths.me.step(id, 'employer')}?q=有限公司`);
    expect(search.text).toContain('吴江示范区测试建设有限公司');
    expect(search.text).not.toContain(`value="${enterprise.enterpriseId}"`);
    await finish(agent, id, first, {
      employer: { enterpriseId: wujiang.enterpriseId },
      employment,
      specialties: { specialties: ['市政公用工程'] },
    });
    const [row] = await suite.t.db
      .sql`select state, demonstration_zone from applications where id = ${id}`;
    expect(row).toEqual({ state: 'awaiting_enterprise', demonstration_zone: true });
  });

  it('out-of-province qualification entry, which goes straight to the authority', async () => {
    const { agent } = await signInNewPerson(suite.t);
    let next = await post(agent, paths.me.outOfProvince, { profession: 'structural_engineer' });
    const id = /applications\/([0-9a-f-]{36})\//.exec(next)![1]!;
    const _csrf = await csrfTokenFrom(agent, paths.me.profile);
    const missing = await agent.post(next).type('form').send({
      _csrf,
      examProvince: '浙江',
      certificateNumber: 'ZJ-2019-88',
      passYear: '2019',
      registeredElsewhere: 'yes',
      previousRegistration: '',
    });
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('在省外做过初始注册的，请填写原注册单位');
    next = await post(agent, next, {
      examProvince: '浙江',
      certificateNumber: 'ZJ-2019-88',
      passYear: '2019',
      registeredElsewhere: 'no',
      previousRegistration: '',
    });
    expect(next).toBe(paths.me.step(id, 'uploads'));
    await uploadMaterials(agent, next);
    next = await post(agent, next, {});
    expect(next).toBe(paths.me.step(id, 'check'));
    await post(agent, next, { commitment: 'yes' });
    const [row] = await suite.t.db.sql`select state from applications where id = ${id}`;
    expect(row?.state).toBe('submitted');
  });
});
