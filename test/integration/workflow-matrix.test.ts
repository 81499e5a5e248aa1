import { beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../lib/platform/index.js';
import type { Action, Actor, ApplicationKind, Role, State } from '../../lib/workflow/index.js';
import {
  ACTIONS,
  APPLICATION_KINDS,
  findTransition,
  ROLES,
  STATES,
  transition,
} from '../../lib/workflow/index.js';
import { integrationSuite } from '../support/app.js';
import {
  addRegistration,
  addRegistryQualification,
  createEnterprise,
  createPerson,
  insertApplication,
  NOW,
  officerAccountId,
} from '../support/fixtures.js';

// Generated from the whole matrix kind × state × action × role against lib/: every transition in
// the table works on an application that meets its guard, and everything else is refused.

const employment = {
  position: '项目负责人',
  contractStart: '2025-01-01',
  contractEnd: '2028-12-31',
};

const suite = integrationSuite({ clock: NOW });
let officer: string;
beforeAll(async () => {
  officer = await officerAccountId(suite.t.db.sql);
});

/** Every material any kind needs, all pointing at a file the person owns. */
const scans = (person: { fileId: string | null }) =>
  Object.fromEntries(
    ['contract', 'change-proof', 'qualification-certificate'].map((p) => [p, person.fileId!]),
  );

type Case = { applicationId: string; actors: Record<Role, Actor> };

/** A fresh application of the kind in the state, whose person and enterprise meet every guard. */
async function eligibleApplication(kind: ApplicationKind, state: State): Promise<Case> {
  const { sql } = suite.t.db;
  const person = await createPerson(sql, NOW);
  const enterprise = await createEnterprise(sql, NOW);
  let applicationId: string;
  if (kind === 'enterprise_rename') {
    // Rule 9: the legal-person registry holds a new name, and the proof is uploaded.
    const [{ name }] = await sql<[{ name: string }]>`
      select name from enterprises where id = ${enterprise.enterpriseId}`;
    await sql`insert into legal_person_registry (credit_code, name, updated_at)
              values (${enterprise.creditCode}, ${`${name}（更名后）`}, ${NOW})`;
    applicationId = await insertApplication(sql, NOW, {
      kind,
      state,
      profession: null,
      personId: null,
      enterpriseId: enterprise.enterpriseId,
      draft: {
        rename: { from: name, to: `${name}（更名后）` },
        uploads: { 'business-licence': person.fileId!, 'name-change-notice': person.fileId! },
      },
    });
  } else if (kind === 'initial') {
    await addRegistryQualification(sql, person, 'cost_engineer', '土木建筑工程');
    applicationId = await insertApplication(sql, NOW, {
      kind,
      state,
      profession: 'cost_engineer',
      personId: person.personId,
      signedFormFileId: state === 'draft' ? null : person.fileId,
      enterpriseId: enterprise.enterpriseId,
      draft: {
        employment,
        specialties: ['土木建筑工程'],
        uploads: scans(person),
        commitment: true,
      },
    });
  } else if (kind === 'out_of_province_qualification') {
    applicationId = await insertApplication(sql, NOW, {
      kind,
      state,
      profession: 'architect',
      personId: person.personId,
      signedFormFileId: state === 'draft' ? null : person.fileId,
      enterpriseId: null,
      draft: {
        outOfProvince: {
          examProvince: '浙江',
          certificateNumber: 'ZJ2019001',
          passYear: 2019,
          registeredElsewhere: false,
        },
        uploads: scans(person),
        commitment: true,
      },
    });
  } else {
    await addRegistryQualification(sql, person, 'constructor', '建筑工程');
    await addRegistryQualification(sql, person, 'constructor', '市政公用工程');
    const registrationId = await addRegistration(
      sql,
      NOW,
      person,
      enterprise,
      'constructor',
      ['建筑工程'],
      '2027-01-24', // 60 days on: inside the renewal window
    );
    applicationId = await insertApplication(sql, NOW, {
      kind,
      state,
      profession: 'constructor',
      personId: person.personId,
      signedFormFileId: state === 'draft' ? null : person.fileId,
      enterpriseId: enterprise.enterpriseId,
      registrationId,
      draft: {
        employment,
        specialties: ['市政公用工程'],
        change: { education: '硕士研究生' },
        uploads: scans(person),
        commitment: true,
      },
    });
  }
  return {
    applicationId,
    actors: {
      person: { role: 'person', accountId: person.accountId },
      enterprise: { role: 'enterprise', accountId: enterprise.accountId },
      officer: { role: 'officer', accountId: officer },
      system: { role: 'system' },
    },
  };
}

async function stateOf(id: string) {
  const [row] = await suite.t.db.sql<{ state: State; version: number }[]>`
    select state, version from applications where id = ${id}`;
  return row!;
}

const deps = () => ({
  sql: suite.t.db.sql,
  clock: suite.t.clock,
  rules: suite.t.services.rules,
  hooks: suite.t.services.hooks,
});

for (const kind of APPLICATION_KINDS) {
  describe(`${kind}`, () => {
    for (const state of STATES) {
      const allowed = ACTIONS.flatMap((action) =>
        ROLES.filter((role) => findTransition(kind, state, action, role)).map(
          (role) => [action, role] as [Action, Role],
        ),
      );

      for (const [action, role] of allowed) {
        const to = findTransition(kind, state, action, role)!.to;
        it(`${state} --${action} by ${role}--> ${to}`, async () => {
          const c = await eligibleApplication(kind, state);
          const moved = await transition(deps(), {
            applicationId: c.applicationId,
            action,
            actor: c.actors[role],
            reason: '测试原因',
          });
          expect(moved.state).toBe(to);
          expect(await stateOf(c.applicationId)).toEqual({ state: to, version: 1 });
          const [event] = await suite.t.db.sql`
            select from_state, to_state, action, actor_role, reason from application_events
            where application_id = ${c.applicationId} and version = 1`;
          expect(event).toEqual({
            from_state: state,
            to_state: to,
            action,
            actor_role: role,
            reason: '测试原因',
          });
        });
      }

      it(`${state}: every other action and role is refused and changes nothing`, async () => {
        const c = await eligibleApplication(kind, state);
        let refused = 0;
        for (const action of ACTIONS) {
          for (const role of ROLES) {
            if (findTransition(kind, state, action, role)) continue;
            const attempt = transition(deps(), {
              applicationId: c.applicationId,
              action,
              actor: c.actors[role],
              reason: '测试原因',
            });
            await expect(attempt).rejects.toSatisfy(
              (e) => e instanceof DomainError && (e.status === 409 || e.status === 404),
            );
            refused++;
          }
        }
        expect(refused).toBe(ACTIONS.length * ROLES.length - allowed.length);
        expect(await stateOf(c.applicationId)).toEqual({ state, version: 0 });
      });
    }
  });
}
