import { beforeAll, describe, expect, it } from 'vitest';
import type { QueueFilter } from '../../lib/authority/index.js';
import { acceptApplication, decide, queuePage } from '../../lib/authority/index.js';
import { loadCalendar } from '../../lib/calendar/index.js';
import { acceptSuppliedItem, requestCorrections, supplyItem } from '../../lib/corrections/index.js';
import { applicationsOf } from '../../lib/person/index.js';
import { readApplication } from '../../lib/workflow/index.js';
import { integrationSuite } from '../support/app.js';
import {
  addRegistration,
  createEnterprise,
  createPerson,
  insertApplication,
  officerAccountId,
} from '../support/fixtures.js';

// Rules of the authority's review found in review: what the table allows before acceptance, a
// further correction request as a step of its own, item reviews only while the authority has the
// application, the person's open list, one notice for a renewal's approval, a queue cursor that
// names no real moment, and events that cannot be truncated.

const suite = integrationSuite({ clock: '2026-03-02T10:00:00+08:00' });
const at = (date: string) => new Date(`${date}T10:00:00+08:00`);
let officer: string;
beforeAll(async () => {
  officer = await officerAccountId(suite.t.db.sql);
});

async function submitted() {
  const sql = suite.t.db.sql;
  const person = await createPerson(sql, suite.t.clock.now());
  const enterprise = await createEnterprise(sql, suite.t.clock.now());
  const id = await insertApplication(sql, suite.t.clock.now(), {
    kind: 'initial',
    state: 'submitted',
    profession: 'constructor',
    personId: person.personId,
    enterpriseId: enterprise.enterpriseId,
    draft: { specialties: ['建筑工程'] },
  });
  await sql`update applications set submitted_at = ${suite.t.clock.now()} where id = ${id}`;
  return { id, person, enterprise };
}

const item = { addressedTo: 'person' as const, what: '劳动合同', why: '不清晰' };
const ask = (applicationId: string) =>
  requestCorrections(suite.t.services, { applicationId, officerAccountId: officer, items: [item] });
const stateOf = async (id: string) => (await readApplication(suite.t.db.sql, id))!.state;

describe('before acceptance', () => {
  it('corrections not supplied end as 不予受理, never as a refusal of what was never accepted', async () => {
    const { id } = await submitted();
    await ask(id);
    const refuse = decide(suite.t.services, {
      applicationId: id,
      officerAccountId: officer,
      choice: 'refuse',
      reasonCodes: ['correction_overdue'],
      note: '',
    });
    await expect(refuse).rejects.toMatchObject({ status: 409 });
    const decision = await decide(suite.t.services, {
      applicationId: id,
      officerAccountId: officer,
      choice: 'not_accept',
      reasonCodes: ['materials_incomplete'],
      note: '逾期未补正',
    });
    expect(decision.kind).toBe('not_accepted');
    expect(await stateOf(id)).toBe('not_accepted');
    // Its open item is no one's to supply any more.
    const [open] = await suite.t.db.sql`
      select 1 from correction_items where application_id = ${id} and closed_at is null`;
    expect(open).toBeUndefined();
  });
});

describe('a further correction request while items are still open', () => {
  it('is a step of its own on the timeline, stales older pages, and stops the clock once', async () => {
    const { id } = await submitted();
    await acceptApplication(suite.t.services, { applicationId: id, officerAccountId: officer });
    suite.t.clock.set(at('2026-03-04'));
    await ask(id);
    const page = (await readApplication(suite.t.db.sql, id))!.version;
    suite.t.clock.set(at('2026-03-05'));
    await ask(id);
    const events = await suite.t.db.sql<{ action: string }[]>`
      select action from application_events where application_id = ${id} order by version`;
    expect(events.map((e) => e.action).filter((a) => a === 'request_correction')).toHaveLength(2);
    // An officer deciding on the page from before the second request is told it moved on.
    await expect(
      decide(suite.t.services, {
        applicationId: id,
        officerAccountId: officer,
        choice: 'refuse',
        reasonCodes: ['correction_overdue'],
        note: '',
        expectedVersion: page,
      }),
    ).rejects.toMatchObject({ status: 409 });
    // Both items supplied on 03-06: the clock stood still from 03-04 to 03-06 only, once.
    const sql = suite.t.db.sql;
    const [person] = await sql<{ accountId: string }[]>`
      select p.account_id as "accountId" from applications a join persons p on p.id = a.person_id
      where a.id = ${id}`;
    suite.t.clock.set(at('2026-03-06'));
    for (const { id: itemId } of await sql<{ id: string }[]>`
      select id from correction_items where application_id = ${id} order by seq`) {
      await supplyItem(suite.t.services, {
        itemId,
        party: 'person',
        accountId: person!.accountId,
        supplied: { note: '已补充' },
      });
    }
    expect(await stateOf(id)).toBe('under_review');
    // Accepted 03-02 (Mon): 20 working days from 03-03 is 03-30; three days stopped: 04-02.
    expect((await readApplication(sql, id))!.deadline).toBe('2026-04-02');
  });
});

describe('item reviews', () => {
  it('are refused once the application has left the authority', async () => {
    const { id, person } = await submitted();
    await acceptApplication(suite.t.services, { applicationId: id, officerAccountId: officer });
    await ask(id);
    const [open] = await suite.t.db.sql<{ id: string }[]>`
      select id from correction_items where application_id = ${id}`;
    await supplyItem(suite.t.services, {
      itemId: open!.id,
      party: 'person',
      accountId: person.accountId,
      supplied: { note: '已补充' },
    });
    await decide(suite.t.services, {
      applicationId: id,
      officerAccountId: officer,
      choice: 'refuse',
      reasonCodes: ['not_qualified'],
      note: '',
    });
    await expect(
      acceptSuppliedItem(suite.t.services, { itemId: open!.id, officerAccountId: officer }),
    ).rejects.toMatchObject({ status: 409 });
  });
});

describe('the person’s open applications', () => {
  it('leave out one not accepted (不予受理), which is final', async () => {
    const { id, person } = await submitted();
    await decide(suite.t.services, {
      applicationId: id,
      officerAccountId: officer,
      choice: 'not_accept',
      reasonCodes: ['duplicate'],
      note: '',
    });
    const open = await applicationsOf(suite.t.db.sql, person.personId, 'open');
    expect(open.map((a) => a.id)).not.toContain(id);
    const all = await applicationsOf(suite.t.db.sql, person.personId, 'all');
    expect(all.map((a) => a.id)).toContain(id);
  });
});

describe('an approved renewal', () => {
  it('tells each party once, by the name a renewal has (已准予), and is completed', async () => {
    const sql = suite.t.db.sql;
    const person = await createPerson(sql, suite.t.clock.now());
    const enterprise = await createEnterprise(sql, suite.t.clock.now());
    const registrationId = await addRegistration(
      sql,
      suite.t.clock.now(),
      person,
      enterprise,
      'constructor',
      ['建筑工程'],
      '2026-05-31',
    );
    const id = await insertApplication(sql, suite.t.clock.now(), {
      kind: 'renewal',
      state: 'under_review',
      profession: 'constructor',
      personId: person.personId,
      enterpriseId: enterprise.enterpriseId,
      registrationId,
    });
    await sql`update applications set submitted_at = ${suite.t.clock.now()} where id = ${id}`;
    await decide(suite.t.services, {
      applicationId: id,
      officerAccountId: officer,
      choice: 'approve',
      reasonCodes: [],
      note: '',
    });
    expect(await stateOf(id)).toBe('completed');
    const notices = await sql<{ message: string }[]>`
      select message from notifications where application_id = ${id} and account_id = ${person.accountId}`;
    expect(notices).toHaveLength(1);
    expect(notices[0]!.message).toContain('已准予');
    expect(notices[0]!.message).not.toContain('待公告');
  });
});

describe('the queue’s cursor', () => {
  it('starts from the first page when it names a rolled-over date or a year PostgreSQL refuses', async () => {
    const calendar = await loadCalendar(suite.t.db.sql);
    const first = await queuePage(
      suite.t.db.sql,
      calendar,
      { tab: 'all' },
      { accountId: officer },
      suite.t.clock.now(),
    );
    for (const cursor of [
      {
        due: '2026-03-01',
        at: '2026-02-30T00:00:00.000000Z',
        id: '00000000-0000-4000-8000-000000000000',
      },
      {
        due: '0000-01-01',
        at: '2026-03-01T00:00:00.000000Z',
        id: '00000000-0000-4000-8000-000000000000',
      },
    ]) {
      const filter: QueueFilter = {
        tab: 'all',
        after: Buffer.from(JSON.stringify(cursor)).toString('base64url'),
      };
      const page = await queuePage(
        suite.t.db.sql,
        calendar,
        filter,
        { accountId: officer },
        suite.t.clock.now(),
      );
      expect(page.rows.map((r) => r.id)).toEqual(first.rows.map((r) => r.id));
    }
  });
});

describe('events', () => {
  it('cannot be truncated either', async () => {
    await expect(suite.t.db.sql`truncate application_events cascade`).rejects.toThrow(
      /append-only/,
    );
    await expect(suite.t.db.sql`truncate audit_events`).rejects.toThrow(/append-only/);
  });
});
