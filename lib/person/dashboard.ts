import { GoneError, NotFoundError } from '../platform/index.js';
import type { ActiveRegistration } from '../registrations/index.js';
import { activeRegistrations } from '../registrations/index.js';
import type { ApplicationEvent, ApplicationRow, Notification, State } from '../workflow/index.js';
import {
  eventsOf,
  FINAL_STATES,
  notificationsOf,
  readApplication,
  sqlStates,
} from '../workflow/index.js';
import type { PersonFacts } from './person.js';
import { missingProfileFields, personOfAccount } from './person.js';
import type { UsableQualification } from './qualifications.js';
import { usableQualifications } from './qualifications.js';
import type { Db } from '../platform/index.js';

/** Read models of the person's pages (/me). Every one is scoped to the signed-in person. */

export type ApplicationSummary = {
  id: string;
  applicationNumber: string;
  kind: ApplicationRow['kind'];
  profession: ApplicationRow['profession'];
  state: State;
  enterpriseName: string | null;
  startedAt: Date;
  stateChangedAt: Date;
  /** Correction items the person still owes on it, and the earliest reply deadline among them. */
  itemsOwed: number;
  replyBy: string | null;
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
  db: Db,
  personId: string,
  only: 'open' | 'all',
): Promise<ApplicationSummary[]> {
  return db<ApplicationSummary[]>`
    select a.id, a.application_number as "applicationNumber", a.kind, a.profession, a.state,
           e.name as "enterpriseName", a.started_at as "startedAt",
           a.state_changed_at as "stateChangedAt",
           (select count(*)::int from correction_items c
            where c.application_id = a.id and c.addressed_to = 'person' and c.closed_at is null)
             as "itemsOwed",
           (select to_char(min(r.reply_by), 'YYYY-MM-DD') from correction_items c
              join correction_requests r on r.id = c.request_id
            where c.application_id = a.id and c.addressed_to = 'person' and c.closed_at is null)
             as "replyBy"
    from applications a left join enterprises e on e.id = a.enterprise_id
    where a.person_id = ${personId} and a.state <> 'expired'
      and (${only} = 'all' or a.state not in ${db.unsafe(sqlStates(FINAL_STATES))})
    order by a.started_at desc`;
}

export async function dashboardOf(db: Db, accountId: string, at: Date): Promise<Dashboard> {
  const person = await personOfAccount(db, accountId);
  const [qualifications, registrations, openApplications, notifications] = await Promise.all([
    usableQualifications(db, person),
    activeRegistrations(db, person.personId),
    applicationsOf(db, person.personId, 'open'),
    notificationsOf(db, accountId),
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

/** Why a person's link to an application that expired (rule 4) leads nowhere. */
export const EXPIRED_APPLICATION =
  '这项申请未在规定期限内确认，已失效，并已从您的办件中移除。如需办理，请重新发起申请。';

/**
 * One of the person's own applications with its timeline; anyone else's is not found. One that
 * expired (rule 4) is not found either, or, where the person was still working on it
 * (`whenExpired: 'say so'`, the wizard's pages), a 410 that says it expired.
 */
export async function applicationOfPerson(
  db: Db,
  accountId: string,
  applicationId: string,
  options: { whenExpired?: 'not found' | 'say so' } = {},
): Promise<ApplicationDetail> {
  const person = await personOfAccount(db, accountId);
  const application = await readApplication(db, applicationId);
  if (!application || application.personId !== person.personId) throw new NotFoundError();
  if (application.state === 'expired') {
    if (options.whenExpired === 'say so') throw new GoneError(EXPIRED_APPLICATION);
    throw new NotFoundError();
  }
  const [enterprise] = application.enterpriseId
    ? await db<
        { name: string }[]
      >`select name from enterprises where id = ${application.enterpriseId}`
    : [];
  return {
    application,
    enterpriseName: enterprise?.name ?? null,
    events: await eventsOf(db, application.id),
  };
}
