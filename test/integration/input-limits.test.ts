import request from 'supertest';
import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { correctionNoteForm, openItem } from '../../lib/corrections/index.js';
import { employeeSearch, informationForm, returnForm } from '../../lib/enterprise/index.js';
import {
  changeForm,
  employerSearch,
  employmentForm,
  outOfProvinceForm,
  startApplication,
} from '../../lib/filing/index.js';
import { inputLimits } from '../../lib/platform/index.js';
import { calendarYearForm } from '../../lib/calendar/index.js';
import { queueSearch, reasonEditForm } from '../../lib/authority/index.js';
import { CORRECTION_LIMITS } from '../../routes/authority/corrections.js';
import { decisionForm } from '../../routes/authority/decision.js';
import { DEMO_PASSWORD } from '../../lib/demo/index.js';
import { licenceFields } from '../../lib/reference/index.js';
import { loginSchema } from '../../routes/auth/login.js';
import { profileForm } from '../../routes/me/profile.js';
import { paths } from '../../routes/paths.js';
import { integrationSuite, logInAs, signInNewEnterprise } from '../support/app.js';
import {
  NOW,
  PASSWORD,
  addRegistryQualification,
  createPerson,
  insertApplication,
} from '../support/fixtures.js';

// Issue 10, item 13: every text field a page renders says how long it may be, and says the limit
// its schema enforces (a field that accepted more in the browser would be refused on the server;
// one that accepted less would refuse what the server takes).

const suite = integrationSuite({ clock: NOW });

type Field = { name: string; maxlength: number | undefined; tag: string };

/** The text fields of a page: inputs a person types into, and textareas. */
function textFieldsOf(html: string): Field[] {
  const fields: Field[] = [];
  for (const [tag] of html.matchAll(/<(input|textarea)\b[^>]*>/g)) {
    const attr = (name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
    const type = attr('type') ?? 'text';
    if (
      tag.startsWith('<input') &&
      ['hidden', 'checkbox', 'radio', 'file', 'submit'].includes(type)
    )
      continue;
    const maxlength = attr('maxlength');
    fields.push({
      name: attr('name') ?? '',
      maxlength: maxlength === undefined ? undefined : Number(maxlength),
      tag,
    });
  }
  return fields;
}

/** Every text field of the page has the maxlength of its schema; the page has all of them. */
function expectLimits(html: string, ...schemas: (z.ZodType | Record<string, number>)[]) {
  const limits = Object.assign(
    {},
    ...schemas.map((s) => ('safeParse' in s ? inputLimits(s as z.ZodType) : s)),
  ) as Record<string, number>;
  const fields = textFieldsOf(html);
  expect(fields.length).toBeGreaterThan(0);
  for (const field of fields) {
    expect(limits[field.name], `${field.tag} has a schema limit`).toBeDefined();
    expect(field.maxlength, field.tag).toBe(limits[field.name]);
  }
  return fields.map((f) => f.name);
}

describe('maxlength comes from the schema (issue 10, item 13)', () => {
  it('on the three login pages', async () => {
    const kinds = ['person', 'enterprise', 'staff'] as const;
    for (const kind of kinds) {
      const page = await request(suite.t.app).get(paths.login[kind]);
      const names = expectLimits(page.text, loginSchema(kind, NOW));
      expect(names).toEqual(['loginId', 'password']);
    }
  });

  it('on the person’s profile and their application’s wizard and correction pages', async () => {
    const { t } = suite;
    const person = await createPerson(t.db.sql, NOW, { password: PASSWORD });
    await addRegistryQualification(t.db.sql, person, 'constructor', '建筑工程');
    const agent = request.agent(t.app);
    await logInAs(agent, paths.login.person, person.idNumber, PASSWORD);
    expectLimits((await agent.get(paths.me.profile)).text, profileForm);

    const initial = await startApplication(t.services, person.accountId, {
      kind: 'initial',
      profession: 'constructor',
    });
    const step = (id: string, name: string) => paths.me.step(id, name);
    expectLimits((await agent.get(step(initial.id, 'employer'))).text, employerSearch.limits);
    expect(
      expectLimits((await agent.get(step(initial.id, 'employment'))).text, employmentForm),
    ).toEqual(['position', 'contractStart', 'contractEnd']);

    const change = await insertApplication(t.db.sql, NOW, {
      kind: 'personal_change',
      state: 'draft',
      profession: 'constructor',
      personId: person.personId,
      enterpriseId: null,
    });
    expectLimits((await agent.get(step(change, 'change'))).text, changeForm);

    const entry = await insertApplication(t.db.sql, NOW, {
      kind: 'out_of_province_qualification',
      state: 'draft',
      profession: 'architect',
      personId: person.personId,
      enterpriseId: null,
    });
    expect(
      expectLimits((await agent.get(step(entry, 'out-of-province'))).text, outOfProvinceForm(2026)),
    ).toEqual(['certificateNumber', 'passYear', 'previousRegistration']);

    const asked = await insertApplication(t.db.sql, NOW, {
      kind: 'initial',
      state: 'correction_requested',
      profession: 'cost_engineer',
      personId: person.personId,
      enterpriseId: null,
    });
    await t.db.sql.begin((tx) =>
      openItem(
        tx,
        asked,
        {
          addressedTo: 'person',
          what: '劳动合同',
          why: '不清晰',
          blocksReview: true,
          openedBy: null,
        },
        NOW,
      ),
    );
    expect(
      expectLimits((await agent.get(paths.me.application(asked))).text, correctionNoteForm),
    ).toEqual(['note']);
  });

  it('on the enterprise’s information, employees and application pages', async () => {
    const { t } = suite;
    const { enterprise, agent } = await signInNewEnterprise(t);
    expectLimits((await agent.get(paths.org.information)).text, informationForm);
    expectLimits((await agent.get(paths.org.employees)).text, employeeSearch.limits);

    const person = await createPerson(t.db.sql, NOW);
    const id = await insertApplication(t.db.sql, NOW, {
      kind: 'initial',
      state: 'awaiting_enterprise',
      profession: 'architect',
      personId: person.personId,
      enterpriseId: enterprise.enterpriseId,
    });
    await t.db.sql.begin((tx) =>
      openItem(
        tx,
        id,
        {
          addressedTo: 'enterprise',
          what: '营业执照',
          why: '过期',
          blocksReview: false,
          openedBy: null,
        },
        NOW,
      ),
    );
    const names = expectLimits(
      (await agent.get(paths.org.application(id))).text,
      licenceFields,
      correctionNoteForm,
      returnForm,
    );
    expect(new Set(names)).toEqual(new Set(['licenceNumber', 'note', 'reason']));
  });

  it('on the authority’s queue, corrections, decision and reason pages', async () => {
    const sql = suite.t.db.sql;
    const person = await createPerson(sql, NOW);
    const id = await insertApplication(sql, NOW, {
      kind: 'renewal',
      state: 'submitted',
      profession: 'constructor',
      personId: person.personId,
      enterpriseId: null,
    });
    await sql`update applications set submitted_at = ${NOW} where id = ${id}`;
    const agent = request.agent(suite.t.app);
    await logInAs(agent, paths.login.staff, 'guanli01', DEMO_PASSWORD);
    expect(expectLimits((await agent.get(paths.authority.home)).text, queueSearch.limits)).toEqual([
      'q',
    ]);
    const corrections = expectLimits(
      (await agent.get(paths.authority.corrections(id))).text,
      CORRECTION_LIMITS,
    );
    expect(corrections).toEqual(['note-1', 'note-2', 'note-3', 'note-4', 'note-5']);
    expect(
      expectLimits((await agent.get(paths.authority.decision(id))).text, decisionForm),
    ).toEqual(['note']);
    expect(
      expectLimits((await agent.get(paths.authority.reason('photo_unfit'))).text, reasonEditForm),
    ).toEqual(['title', 'wording', 'position']);
    expect(expectLimits((await agent.get(paths.authority.reasons)).text, reasonEditForm)).toEqual([
      'title',
      'wording',
      'position',
    ]);
  });

  it('on the admin’s calendar page', async () => {
    const agent = request.agent(suite.t.app);
    await logInAs(agent, paths.login.staff, 'guanli01', DEMO_PASSWORD);
    const names = expectLimits((await agent.get(paths.authority.calendar)).text, calendarYearForm);
    expect(names).toEqual(['year', 'source', 'noticeDate', 'holidays', 'workdays']);
  });
});
