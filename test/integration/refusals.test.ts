import { describe, expect, it } from 'vitest';
import { saveDraft, startApplication } from '../../lib/filing/index.js';
import { readApplication, readDraft } from '../../lib/workflow/index.js';
import { paths } from '../../routes/paths.js';
import { csrfTokenFrom, integrationSuite, signInNewPerson } from '../support/app.js';
import {
  NOW,
  addRegistryQualification,
  createEnterprise,
  insertApplication,
} from '../support/fixtures.js';

// A refused action comes back on its own page (routes/middleware/refusals.ts), with the route's
// parameters, and the refused transaction leaves nothing of itself behind.

const suite = integrationSuite({ clock: NOW });

describe('a confirmation the rules refuse on the check page', () => {
  it('shows the check page again (422) with why, and keeps neither the commitment nor a move', async () => {
    const { t } = suite;
    const { person, agent } = await signInNewPerson(t);
    await addRegistryQualification(t.db.sql, person, 'cost_engineer', '土木建筑工程');
    const enterprise = await createEnterprise(t.db.sql, NOW);
    const app = await startApplication(t.services, person.accountId, {
      kind: 'initial',
      profession: 'cost_engineer',
    });
    await saveDraft(t.services, person.accountId, app.id, {
      eligibilityChecked: true,
      enterpriseId: enterprise.enterpriseId,
      employment: { position: '造价员', contractStart: '2026-01-01', contractEnd: '2029-12-31' },
      specialties: ['土木建筑工程'],
      uploads: { contract: person.fileId! },
    });
    // A fact the rules read changes after the person filled everything in (rule 2).
    await t.db.sql`update accounts set real_name_level = 2 where id = ${person.accountId}`;

    const check = paths.me.step(app.id, 'check');
    const _csrf = await csrfTokenFrom(agent, check);
    const res = await agent.post(check).type('form').send({ _csrf, commitment: 'yes' });

    expect(res.status).toBe(422);
    expect(res.text).toContain('核对申请表并承诺');
    expect(res.text).toContain('您的实名认证等级为L2');
    expect(res.text).toContain('href="#answers"');
    const after = await readApplication(t.db.sql, app.id);
    expect(after).toMatchObject({ state: 'draft', version: 0 });
    expect(readDraft(after!.draft).commitment).toBe(false);
  });

  it('on an application the enterprise returned, leaves the earlier commitment unchecked', async () => {
    const { t } = suite;
    const { person, agent } = await signInNewPerson(t);
    const enterprise = await createEnterprise(t.db.sql, NOW);
    const id = await insertApplication(t.db.sql, NOW, {
      kind: 'initial',
      state: 'returned',
      profession: 'cost_engineer',
      personId: person.personId,
      enterpriseId: enterprise.enterpriseId,
      draft: { eligibilityChecked: true, commitment: true },
    });
    // No cost-engineer qualification: the rules refuse the confirmation.
    const check = paths.me.step(id, 'check');
    const _csrf = await csrfTokenFrom(agent, check);
    const res = await agent.post(check).type('form').send({ _csrf, commitment: 'yes' });
    expect(res.status).toBe(422);
    const after = await readApplication(t.db.sql, id);
    expect(after!.state).toBe('returned');
    expect(readDraft(after!.draft).commitment).toBe(false);
  });
});
