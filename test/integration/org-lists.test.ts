import { describe, expect, it } from 'vitest';
import { openItem } from '../../lib/corrections/index.js';
import { PAGE_SIZE } from '../../lib/enterprise/index.js';
import { paths } from '../../routes/paths.js';
import { integrationSuite, signInNewEnterprise } from '../support/app.js';
import { addRegistration, createPerson, insertApplication, NOW } from '../support/fixtures.js';

// A large employer's lists: the applications by the step they wait at, the employees found by
// name or registration number or by validity ending soon, a page at a time.

const suite = integrationSuite({ clock: NOW });

const testIds = (html: string, id: string) =>
  html.match(new RegExp(`data-testid="${id}"`, 'g'))?.length ?? 0;

describe('the employees list', () => {
  it('pages, searches by name or registration number, and narrows to validity ending soon', async () => {
    const { enterprise, agent } = await signInNewEnterprise(suite.t);
    const count = PAGE_SIZE + 5;
    for (let i = 0; i < count; i++) {
      const person = await createPerson(suite.t.db.sql, NOW, {
        name: i === 7 ? '欧阳修远' : `员工${i}`,
      });
      // Three end within 90 days of NOW (2026-11-25); the rest years later.
      const validUntil = i < 3 ? `2027-01-0${i + 1}` : '2029-06-30';
      await addRegistration(
        suite.t.db.sql,
        NOW,
        person,
        enterprise,
        'constructor',
        ['建筑工程'],
        validUntil,
      );
    }
    const first = await agent.get(paths.org.employees);
    expect(first.text).toMatch(/data-testid="employee-count">本单位有效注册共 <strong>55</);
    expect(first.text.match(/<li class="item">/g)).toHaveLength(PAGE_SIZE);
    expect(first.text).toContain('data-testid="pagination"');
    expect(first.text).toContain(`href="${paths.org.employees}?page=2"`);
    const second = await agent.get(`${paths.org.employees}?page=2`);
    expect(second.text.match(/<li class="item">/g)).toHaveLength(5);
    expect(second.text).toContain('rel="prev"');

    const byName = await agent.get(`${paths.org.employees}?q=${encodeURIComponent('欧阳')}`);
    expect(byName.text).toContain('欧阳修远');
    expect(byName.text).toMatch(/符合条件的共 <strong>1</);
    expect(byName.text).toContain('value="欧阳"');

    const [one] = await suite.t.db.sql<{ number: string }[]>`
      select r.registration_number as number from registrations r join persons p on p.id = r.person_id
      where p.name = '员工12' and r.enterprise_id = ${enterprise.enterpriseId}`;
    const byNumber = await agent.get(`${paths.org.employees}?q=${encodeURIComponent(one!.number)}`);
    expect(byNumber.text).toContain('员工12');
    expect(byNumber.text).toMatch(/符合条件的共 <strong>1</);

    const soon = await agent.get(`${paths.org.employees}?soon=1`);
    expect(testIds(soon.text, 'ending-soon')).toBe(3);
    expect(soon.text).toMatch(/符合条件的共 <strong>3</);

    // A wildcard typed is a character, not a pattern; a silly page number is page 1.
    const percent = await agent.get(`${paths.org.employees}?q=${encodeURIComponent('%')}`);
    expect(percent.text).toMatch(/符合条件的共 <strong>0</);
    // Past the last page (the list got shorter meanwhile): back to the first, with the search.
    const past = await agent.get(`${paths.org.employees}?soon=1&page=9`);
    expect(past.status).toBe(303);
    expect(past.headers.location).toBe(`${paths.org.employees}?soon=1`);
    // A NUL or other control character typed is dropped, not a 500.
    const nul = await agent.get(`${paths.org.employees}?q=${encodeURIComponent('欧阳\u0000')}`);
    expect(nul.status).toBe(200);
    expect(nul.text).toContain('欧阳修远');
    const silly = await agent.get(`${paths.org.employees}?page=-3`);
    expect(silly.status).toBe(200);
    expect(silly.text.match(/<li class="item">/g)).toHaveLength(PAGE_SIZE);
  });
});

describe('the applications list', () => {
  it('narrows to those waiting for the enterprise’s confirmation or its signed form', async () => {
    const { enterprise, agent } = await signInNewEnterprise(suite.t);
    const states = [
      'awaiting_enterprise',
      'awaiting_enterprise',
      'awaiting_signed_form',
      'submitted',
    ] as const;
    for (const state of states) {
      const person = await createPerson(suite.t.db.sql, NOW);
      await insertApplication(suite.t.db.sql, NOW, {
        kind: 'initial',
        state,
        profession: 'constructor',
        personId: person.personId,
        enterpriseId: enterprise.enterpriseId,
      });
    }
    const all = await agent.get(paths.org.applications);
    expect(all.text.match(/<li class="item">/g)).toHaveLength(4);
    expect(all.text).toContain('待确认（2）');
    expect(all.text).toMatch(/href="\/org\/applications" aria-current="true"/);
    const toConfirm = await agent.get(`${paths.org.applications}?state=awaiting_enterprise`);
    expect(toConfirm.text.match(/<li class="item">/g)).toHaveLength(2);
    expect(toConfirm.text).toMatch(/state=awaiting_enterprise" aria-current="true"/);
    const toSign = await agent.get(`${paths.org.applications}?state=awaiting_signed_form`);
    expect(toSign.text.match(/<li class="item">/g)).toHaveLength(1);
    const [waiting] = await suite.t.db.sql<{ id: string }[]>`
      select id from applications where enterprise_id = ${enterprise.enterpriseId}
        and state = 'submitted'`;
    await suite.t.db.sql.begin((tx) =>
      openItem(
        tx,
        waiting!.id,
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
    const toSupply = await agent.get(`${paths.org.applications}?state=correction`);
    expect(toSupply.text.match(/<li class="item">/g)).toHaveLength(1);
    expect(toSupply.text).toContain('待补正（1）');
    const unknown = await agent.get(`${paths.org.applications}?state=draft`);
    expect(unknown.text.match(/<li class="item">/g)).toHaveLength(4);
  });
});
