import type { Sql } from './db.js';
import { containsPattern } from './db.js';
import type { ActiveRegistration, PersonFacts, UsableQualification } from './eligibility.js';
import {
  activeRegistrations,
  loadPerson,
  missingProfileFields,
  usableQualifications,
} from './eligibility.js';
import { NotFoundError } from './errors.js';
import type { Notification } from './notifications.js';
import { notificationsOf } from './notifications.js';
import type { ApplicationEvent, ApplicationRow } from './workflow.js';
import { eventsOf, readApplication } from './workflow.js';
import type { State } from './workflow-table.js';

/** Read models of the person's pages (/me). Every one is scoped to the signed-in person. */

export async function personOfAccount(sql: Sql, accountId: string): Promise<PersonFacts> {
  const [row] = await sql<{ id: string }[]>`select id from persons where account_id = ${accountId}`;
  const person = row && (await loadPerson(sql, row.id));
  if (!person) throw new NotFoundError();
  return person;
}

export type ApplicationSummary = {
  id: string;
  applicationNumber: string;
  kind: ApplicationRow['kind'];
  profession: ApplicationRow['profession'];
  state: State;
  enterpriseName: string | null;
  startedAt: Date;
  stateChangedAt: Date;
};

export type Dashboard = {
  person: PersonFacts;
  missingFields: string[];
  qualifications: UsableQualification[];
  registrations: ActiveRegistration[];
  openApplications: ApplicationSummary[];
  notifications: Notification[];
};

/** The person's applications, newest first; expired ones are gone from the list (rule 4). */
export async function applicationsOf(
  sql: Sql,
  personId: string,
  only: 'open' | 'all',
): Promise<ApplicationSummary[]> {
  return sql<ApplicationSummary[]>`
    select a.id, a.application_number as "applicationNumber", a.kind, a.profession, a.state,
           e.name as "enterpriseName", a.started_at as "startedAt",
           a.state_changed_at as "stateChangedAt"
    from applications a left join enterprises e on e.id = a.enterprise_id
    where a.person_id = ${personId} and a.state <> 'expired'
      and (${only} = 'all' or a.state not in ('completed', 'refused', 'withdrawn'))
    order by a.started_at desc`;
}

export async function dashboardOf(sql: Sql, accountId: string, at: Date): Promise<Dashboard> {
  const person = await personOfAccount(sql, accountId);
  const [qualifications, registrations, openApplications, notifications] = await Promise.all([
    usableQualifications(sql, person),
    activeRegistrations(sql, person.personId),
    applicationsOf(sql, person.personId, 'open'),
    notificationsOf(sql, accountId),
  ]);
  return {
    person,
    missingFields: missingProfileFields(person, at),
    qualifications,
    registrations,
    openApplications,
    notifications,
  };
}

export type ApplicationDetail = {
  application: ApplicationRow;
  enterpriseName: string | null;
  events: ApplicationEvent[];
};

/** One of the person's own applications with its timeline; anyone else's is not found. */
export async function applicationOfPerson(
  sql: Sql,
  accountId: string,
  applicationId: string,
): Promise<ApplicationDetail> {
  const person = await personOfAccount(sql, accountId);
  const application = await readApplication(sql, applicationId);
  if (!application || application.personId !== person.personId || application.state === 'expired') {
    throw new NotFoundError();
  }
  const [enterprise] = application.enterpriseId
    ? await sql<
        { name: string }[]
      >`select name from enterprises where id = ${application.enterpriseId}`
    : [];
  return {
    application,
    enterpriseName: enterprise?.name ?? null,
    events: await eventsOf(sql, application.id),
  };
}

export type EnterpriseChoice = {
  id: string;
  name: string;
  creditCode: string;
  districtCode: string | null;
};

/**
 * Enterprises a person may choose as employer, found by exact credit code or part of the name (one
 * that has not completed its information yet must do so before it confirms, rule 1); the
 * demonstration zone only offers Wujiang District.
 */
export async function searchEnterprises(
  sql: Sql,
  query: string,
  demonstrationZone: boolean,
): Promise<EnterpriseChoice[]> {
  const q = query.trim();
  if (q.length < 2) return [];
  return sql<EnterpriseChoice[]>`
    select id, name, credit_code as "creditCode", district_code as "districtCode"
    from enterprises
    where (credit_code = ${q.toUpperCase()} or name like ${containsPattern(q)})
      and (${!demonstrationZone} or district_code = '320509')
    order by name limit 20`;
}

export async function enterpriseChoice(
  sql: Sql,
  id: string,
): Promise<EnterpriseChoice | undefined> {
  const [row] = await sql<EnterpriseChoice[]>`
    select id, name, credit_code as "creditCode", district_code as "districtCode"
    from enterprises where id = ${id}`;
  return row;
}
