import type { Profession } from '../reference/index.js';
import { professions } from '../reference/index.js';
import type { ApplicationRow } from './applications.js';
import type { ApplicationKind } from './table.js';
import { ENTERPRISE_SEES_APPLICATION, kindNames, stateNameOf } from './table.js';
import type { Db, Tx } from '../platform/index.js';
import { asSentence, isUuid, NotFoundError } from '../platform/index.js';

/** What the workflow told an account (notifyParties), shown on its home page. */
export type Notification = {
  id: string;
  message: string;
  createdAt: Date;
  read: boolean;
  /** The application it is about, when it is about one. */
  applicationId: string | null;
};

/** The account's latest notifications, newest first, without the to-dos that are done. */
export async function notificationsOf(
  db: Db,
  accountId: string,
  limit = 10,
): Promise<Notification[]> {
  return db<Notification[]>`
    select id, message, created_at as "createdAt", read_at is not null as read,
           application_id as "applicationId"
    from notifications where account_id = ${accountId} and not (is_to_do and done_at is not null)
    order by created_at desc, id limit ${limit}`;
}

/**
 * The account marks a notification read (or, with 'all', every one it has); another account's
 * is not found. Returns how many it marked.
 */
export async function markNotificationsRead(
  db: Db,
  accountId: string,
  which: string,
  at: Date,
): Promise<number> {
  if (which !== 'all') {
    // Another account's notification, as far as this one can tell, does not exist.
    const [own] = isUuid(which)
      ? await db`select 1 from notifications where id = ${which} and account_id = ${accountId}`
      : [];
    if (!own) throw new NotFoundError();
  }
  const marked = await db`
    update notifications set read_at = ${at}
    where account_id = ${accountId} and read_at is null
      ${which === 'all' ? db`` : db`and id = ${which}`}`;
  return marked.count;
}

/** What an application is called in messages, e.g. 二级注册建造师初始注册申请（SQ…）. */
function applicationTitle(
  kind: ApplicationKind,
  profession: Profession | null,
  applicationNumber: string,
): string {
  return `${profession ? professions[profession].name : ''}${kindNames[kind]}申请（${applicationNumber}）`;
}

/** The enterprise's notification of an application waiting for its confirmation. */
export function toConfirmMessage(
  personName: string | null,
  kind: ApplicationKind,
  profession: Profession | null,
  applicationNumber: string,
): string {
  return `${personName ? `${personName}的` : ''}${applicationTitle(kind, profession, applicationNumber)}待您确认。`;
}

/**
 * Tells the parties who did not act what happened (their pages show it): `actedBy` is the party
 * whose act this was (for a system step, the party whose act set it off).
 */
export async function notifyParties(
  tx: Tx,
  app: ApplicationRow,
  actedBy: string,
  reason: string | null,
  at: Date,
): Promise<void> {
  // What waited for the enterprise is done once the application has moved on, whoever moved it.
  if (app.state !== 'awaiting_enterprise') {
    await tx`
      update notifications set done_at = ${at}
      where application_id = ${app.id} and is_to_do and done_at is null`;
  }
  const title = applicationTitle(app.kind, app.profession, app.applicationNumber);
  const what = asSentence(
    `${title}现为“${stateNameOf(app.kind, app.state)}”${reason ? `，原因：${reason}` : ''}`,
  );
  if (actedBy !== 'person' && app.personId) {
    await tx`
      insert into notifications (account_id, application_id, message, created_at)
      select account_id, ${app.id}, ${`您的${what}`}, ${at} from persons where id = ${app.personId}`;
  }
  // The enterprise hears of every step it did not take on an application it sees: what waits
  // for its confirmation, and what the person or the authority did with the rest.
  if (actedBy !== 'enterprise' && app.enterpriseId) {
    const [person] = app.personId
      ? await tx<{ name: string }[]>`select name from persons where id = ${app.personId}`
      : [];
    const toDo = app.state === 'awaiting_enterprise';
    const message = toDo
      ? toConfirmMessage(person?.name ?? null, app.kind, app.profession, app.applicationNumber)
      : `${person ? `${person.name}的` : '本单位的'}${what}`;
    await tx`
      insert into notifications (account_id, application_id, message, is_to_do, created_at)
      select e.account_id, a.id, ${message}, ${toDo}, ${at}
      from applications a join enterprises e on e.id = a.enterprise_id
      where a.id = ${app.id} and ${tx.unsafe(ENTERPRISE_SEES_APPLICATION)}`;
  }
}
