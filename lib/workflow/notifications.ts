import type { Profession } from '../reference/index.js';
import { professions } from '../reference/index.js';
import type { ApplicationRow, BulkApplicationRow } from './applications.js';
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
  /** The registration it is about (a renewal reminder, an expiry), with its profession. */
  registrationId: string | null;
  registrationProfession: Profession | null;
  registrationInForce: boolean | null;
};

/** The account's latest notifications, newest first, without the to-dos that are done. */
export async function notificationsOf(
  db: Db,
  accountId: string,
  limit = 10,
): Promise<Notification[]> {
  return db<Notification[]>`
    select n.id, n.message, n.created_at as "createdAt", n.read_at is not null as read,
           n.application_id as "applicationId", n.registration_id as "registrationId",
           r.profession as "registrationProfession",
           r.status in ('approved', 'active') as "registrationInForce"
    from notifications n left join registrations r on r.id = n.registration_id
    where n.account_id = ${accountId} and not (n.is_to_do and n.done_at is not null)
    order by n.created_at desc, n.id limit ${limit}`;
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

/** One application's step, for notifyMoves: its reason, or a message of its own. */
export type NotifiedMove = {
  app: BulkApplicationRow;
  reason: string | null;
  /** What happened, in place of "…现为“state”": e.g. the announcement it was published in. */
  what?: string;
};

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
  await notifyMoves(tx, [{ app, reason }], actedBy, at);
}

/**
 * The same for many applications at once, as a job moves them: three statements however many
 * there are.
 */
export async function notifyMoves(
  tx: Tx,
  moves: readonly NotifiedMove[],
  actedBy: string,
  at: Date,
): Promise<void> {
  if (moves.length === 0) return;
  // What waited for the enterprise is done once the application has moved on, whoever moved it.
  const movedOn = moves.filter((m) => m.app.state !== 'awaiting_enterprise').map((m) => m.app.id);
  if (movedOn.length > 0) {
    await tx`
      update notifications set done_at = ${at}
      where application_id = any(${movedOn}::uuid[]) and is_to_do and done_at is null`;
  }
  const whatOf = (m: NotifiedMove) =>
    asSentence(
      m.what ??
        `${applicationTitle(m.app.kind, m.app.profession, m.app.applicationNumber)}现为“${stateNameOf(m.app.kind, m.app.state)}”${m.reason ? `，原因：${m.reason}` : ''}`,
    );
  const toPerson = actedBy === 'person' ? [] : moves.filter((m) => m.app.personId);
  if (toPerson.length > 0) {
    await tx`
      insert into notifications (account_id, application_id, message, created_at)
      select p.account_id, m.application_id, m.message, ${at}
      from unnest(${toPerson.map((m) => m.app.id)}::uuid[],
                  ${toPerson.map((m) => `您的${whatOf(m)}`)}::text[]) as m (application_id, message)
        join applications a on a.id = m.application_id
        join persons p on p.id = a.person_id`;
  }
  // The enterprise hears of every step it did not take on an application it sees: what waits
  // for its confirmation, and what the person or the authority did with the rest.
  const toEnterprise = actedBy === 'enterprise' ? [] : moves.filter((m) => m.app.enterpriseId);
  if (toEnterprise.length > 0) {
    await tx`
      insert into notifications (account_id, application_id, message, is_to_do, created_at)
      select e.account_id, a.id,
             case when b.to_do then coalesce(p.name || '的', '') || m.to_confirm_tail
                  else coalesce(p.name || '的', '本单位的') || m.what end,
             b.to_do, ${at}
      from unnest(${toEnterprise.map((m) => m.app.id)}::uuid[],
                  ${toEnterprise.map((m) => whatOf(m))}::text[],
                  ${toEnterprise.map((m) => String(m.app.state === 'awaiting_enterprise'))}::text[],
                  ${toEnterprise.map((m) => (m.app.state === 'awaiting_enterprise' ? toConfirmMessage(null, m.app.kind, m.app.profession, m.app.applicationNumber) : ''))}::text[])
             as m (application_id, what, to_do_text, to_confirm_tail)
        cross join lateral (select m.to_do_text::boolean as to_do) b
        join applications a on a.id = m.application_id
        join enterprises e on e.id = a.enterprise_id
        left join persons p on p.id = a.person_id
      where ${tx.unsafe(ENTERPRISE_SEES_APPLICATION)}`;
  }
}
