import type { Db, Tx } from '../platform/index.js';
import {
  businessDate,
  ConflictError,
  isUuid,
  NotFoundError,
  recordAudit,
  ValidationError,
} from '../platform/index.js';
import { addWorkingDays, loadCalendar, workingDaysBetween } from '../calendar/index.js';
import type { ApplicationRow, WorkflowDeps } from '../workflow/index.js';
import { AUTHORITY_STATES, lockApplication, transitionIn, wasAccepted } from '../workflow/index.js';
import type { CorrectionItem, CorrectionParty, NewItem } from './items.js';
import { itemsOf, openItem } from './items.js';

/**
 * Correction requests (材料补正) as the law expects them: everything needed is asked at once
 * (一次性告知), in one request with one reply deadline, each item addressed to the person or the
 * enterprise. Asked before acceptance, supplying the last item returns the application to 待受理;
 * asked during review, to review (the clock stopped meanwhile). The officer then reviews each
 * supplied item: accepted, or asked again in a new request; an item opened by mistake is withdrawn.
 */

export type CorrectionRequest = {
  id: string;
  openedAt: Date;
  replyBy: string;
  replyByProvisional: boolean;
  beforeAcceptance: boolean;
  items: CorrectionItem[];
  /** Items of it still open that hold the application. */
  open: number;
};

/** The working days before a reply deadline on which the addressed parties are reminded. */
export const REMINDER_WORKING_DAYS = [5, 2] as const;

/**
 * The officer asks for corrections, in the caller's transaction: the application moves to
 * `correction_requested` (from 待受理 or from review), or, already waiting for other items, stays
 * there with the new request beside them. Returns the application and the request's id.
 */
export async function requestCorrectionsIn(
  tx: Tx,
  deps: Pick<WorkflowDeps, 'clock' | 'rules' | 'hooks'>,
  request: {
    applicationId: string;
    officerAccountId: string;
    items: NewItem[];
    expectedVersion?: number;
  },
): Promise<{ application: ApplicationRow; requestId: string }> {
  if (request.items.length === 0) throw new ValidationError('请至少列出一项需要补正的材料。');
  for (const item of request.items) {
    if (!item.what.trim() || !item.why.trim()) {
      throw new ValidationError('补正事项须写明需要补充什么和原因。');
    }
  }
  const at = deps.clock.now();
  const reply = addWorkingDays(
    await loadCalendar(tx),
    businessDate(at),
    deps.rules.correctionReplyWorkingDays,
  );
  const replyBy = `请于${reply.date}${reply.provisional ? '（暂定）' : ''}前补正`;
  const whats = request.items.map((i) => i.what.trim()).join('；');
  // A transition even when already waiting for other items: the timeline shows every request,
  // and a page older than it (another officer's) is refused as stale. It tells both parties, the
  // reply deadline with the reason.
  const application = await transitionIn(tx, deps, {
    applicationId: request.applicationId,
    action: 'request_correction',
    actor: { role: 'officer', accountId: request.officerAccountId },
    reason: `${whats}（${replyBy}）`,
    expectedVersion: request.expectedVersion,
  });
  const [row] = await tx<{ id: string }[]>`
    insert into correction_requests
      (application_id, opened_by_account_id, opened_at, reply_by, reply_by_provisional,
       before_acceptance)
    values (${application.id}, ${request.officerAccountId}, ${at}, ${reply.date},
            ${reply.provisional}, ${!(await wasAccepted(tx, application.id))})
    returning id`;
  const requestId = row!.id;
  for (const item of request.items) {
    await openItem(
      tx,
      application.id,
      { ...item, blocksReview: true, openedBy: request.officerAccountId, requestId },
      at,
    );
  }
  await recordAudit(tx, {
    at,
    actorAccountId: request.officerAccountId,
    action: 'correction_requested',
    subjectType: 'application',
    subjectId: application.id,
    detail: { requestId, items: request.items.length, replyBy: reply.date },
  });
  return { application, requestId };
}

/** The same, in a transaction of its own. */
export async function requestCorrections(
  deps: WorkflowDeps,
  request: Parameters<typeof requestCorrectionsIn>[2],
): Promise<ApplicationRow> {
  return deps.sql.begin(async (tx) => (await requestCorrectionsIn(tx, deps, request)).application);
}

/** An application's correction requests, oldest first, each with its items. */
export async function requestsOf(db: Db, applicationId: string): Promise<CorrectionRequest[]> {
  const rows = await db<Omit<CorrectionRequest, 'items' | 'open'>[]>`
    select id, opened_at as "openedAt", to_char(reply_by, 'YYYY-MM-DD') as "replyBy",
           reply_by_provisional as "replyByProvisional", before_acceptance as "beforeAcceptance"
    from correction_requests where application_id = ${applicationId}
    order by opened_at, id`;
  const items = await itemsOf(db, applicationId);
  return rows.map((r) => {
    const own = items.filter((i) => i.requestId === r.id);
    return { ...r, items: own, open: own.filter((i) => i.blocksReview && !i.closedAt).length };
  });
}

/** Whether a request's reply deadline has passed with items still open (逾期未补正). */
export function isOverdue(request: Pick<CorrectionRequest, 'replyBy' | 'open'>, today: string) {
  return request.open > 0 && request.replyBy < today;
}

/** Locks the application of an item, then the item; the item must be a review-holding one. */
async function lockItem(
  tx: Tx,
  itemId: string,
  applicationId?: string,
): Promise<{ app: ApplicationRow; item: CorrectionItem }> {
  if (!isUuid(itemId)) throw new NotFoundError();
  const [owner] = await tx<{ applicationId: string }[]>`
    select application_id as "applicationId" from correction_items
    where id = ${itemId} and blocks_review`;
  // Asked through an application's page: the item must be that application's.
  if (applicationId !== undefined && owner?.applicationId !== applicationId) {
    throw new NotFoundError();
  }
  const app = owner && (await lockApplication(tx, owner.applicationId));
  if (!app) throw new NotFoundError();
  if (!AUTHORITY_STATES.includes(app.state)) {
    throw new ConflictError('这项申请已不在审核中，不能再审核补正事项。');
  }
  await tx`select 1 from correction_items where id = ${itemId} for update`;
  const item = (await itemsOf(tx, app.id)).find((i) => i.id === itemId)!;
  return { app, item };
}

/** The officer's review of an item, kept on it, with its audit event. */
async function markReviewed(
  tx: Tx,
  itemId: string,
  applicationId: string,
  review: 'accepted' | 'asked_again',
  officerAccountId: string,
  at: Date,
): Promise<void> {
  await tx`
    update correction_items set review = ${review}, reviewed_at = ${at},
           reviewed_by_account_id = ${officerAccountId}
    where id = ${itemId}`;
  await recordAudit(tx, {
    at,
    actorAccountId: officerAccountId,
    action: `correction_item_${review}`,
    subjectType: 'correction_item',
    subjectId: itemId,
    detail: { applicationId },
  });
}

/** What an officer may do with an item once supplied. */
function assertSuppliedAndUnreviewed(item: CorrectionItem): void {
  if (!item.closedAt || item.supplied?.voided) {
    throw new ConflictError('这项补正尚未提交，不能审核。');
  }
  if (item.review) throw new ConflictError('这项补正已经审核过，请刷新页面查看。');
}

/** The officer accepts what was supplied for an item. */
export async function acceptSuppliedItem(
  deps: WorkflowDeps,
  request: { itemId: string; officerAccountId: string; applicationId?: string },
): Promise<void> {
  await deps.sql.begin(async (tx) => {
    const at = deps.clock.now();
    const { app, item } = await lockItem(tx, request.itemId, request.applicationId);
    assertSuppliedAndUnreviewed(item);
    await markReviewed(tx, item.id, app.id, 'accepted', request.officerAccountId, at);
  });
}

/**
 * The officer asks again for an item whose supply does not do: it is marked so, and a new request
 * asks for it anew with the officer's note (in the same transaction).
 */
export async function askAgain(
  deps: WorkflowDeps,
  request: { itemId: string; officerAccountId: string; note: string; applicationId?: string },
): Promise<ApplicationRow> {
  const note = request.note.trim();
  if (!note) throw new ValidationError('请说明需要重新补正的原因。');
  return deps.sql.begin(async (tx) => {
    const at = deps.clock.now();
    const { app, item } = await lockItem(tx, request.itemId, request.applicationId);
    assertSuppliedAndUnreviewed(item);
    await markReviewed(tx, item.id, app.id, 'asked_again', request.officerAccountId, at);
    const { application } = await requestCorrectionsIn(tx, deps, {
      applicationId: app.id,
      officerAccountId: request.officerAccountId,
      items: [
        {
          addressedTo: item.addressedTo,
          what: item.what,
          why: note,
          ...(item.reasonCode ? { reasonCode: item.reasonCode } : {}),
        },
      ],
    });
    return application;
  });
}

/**
 * The officer withdraws an item opened by mistake: it closes as void; if it was the last one
 * holding the application, the application goes back (to 待受理 or to review).
 */
export async function withdrawItem(
  deps: WorkflowDeps,
  request: { itemId: string; officerAccountId: string; reason: string; applicationId?: string },
): Promise<ApplicationRow> {
  const reason = request.reason.trim();
  if (!reason) throw new ValidationError('请说明撤回这项补正的原因。');
  return deps.sql.begin(async (tx) => {
    const at = deps.clock.now();
    const { app, item } = await lockItem(tx, request.itemId, request.applicationId);
    if (item.closedAt) throw new ConflictError('这项补正已经办结，不能撤回。');
    await tx`
      update correction_items
      set closed_at = ${at}, supplied = ${tx.json({ voided: `审核人员撤回：${reason}` })},
          review = 'withdrawn', reviewed_at = ${at},
          reviewed_by_account_id = ${request.officerAccountId}
      where id = ${item.id}`;
    await recordAudit(tx, {
      at,
      actorAccountId: request.officerAccountId,
      action: 'correction_item_withdrawn',
      subjectType: 'correction_item',
      subjectId: item.id,
      detail: { applicationId: app.id, reason },
    });
    const [open] = await tx`
      select 1 from correction_items
      where application_id = ${app.id} and blocks_review and closed_at is null`;
    if (open || app.state !== 'correction_requested') return app;
    return transitionIn(tx, deps, {
      applicationId: app.id,
      action: 'corrections_complete',
      actor: { role: 'system' },
    });
  });
}

/**
 * Reminds the addressed parties of open requests 5 and 2 working days before the reply deadline,
 * once per request and threshold however often it runs (the daily job), set-based. Returns how
 * many requests it reminded of.
 */
export async function sendReplyReminders(
  deps: Pick<WorkflowDeps, 'sql' | 'clock'>,
): Promise<number> {
  return deps.sql.begin(async (tx) => {
    const at = deps.clock.now();
    const today = businessDate(at);
    const calendar = await loadCalendar(tx);
    const open = await tx<
      {
        id: string;
        replyBy: string;
        provisional: boolean;
        applicationId: string;
        applicationNumber: string;
        personId: string | null;
        enterpriseId: string | null;
        parties: CorrectionParty[];
        sent: number[];
      }[]
    >`
      select r.id, to_char(r.reply_by, 'YYYY-MM-DD') as "replyBy",
             r.reply_by_provisional as provisional, a.id as "applicationId",
             a.application_number as "applicationNumber", a.person_id as "personId",
             a.enterprise_id as "enterpriseId",
             array(select distinct c.addressed_to from correction_items c
                   where c.request_id = r.id and c.closed_at is null) as parties,
             array(select m.working_days_before from correction_reminders m
                   where m.request_id = r.id) as sent
      from correction_requests r join applications a on a.id = r.application_id
      where a.state = 'correction_requested' and r.reply_by >= ${today}
        and exists (select 1 from correction_items c
                    where c.request_id = r.id and c.blocks_review and c.closed_at is null)`;
    // Which threshold each request reaches (the calendar is read here, once), then one statement
    // marks them all and one tells every addressee: set-based, however many requests are open.
    const due = open.flatMap((request) => {
      const left = workingDaysBetween(calendar, today, request.replyBy).days;
      // The nearest threshold reached and not yet reminded of: one reminder a run.
      const threshold = [...REMINDER_WORKING_DAYS]
        .sort((a, b) => a - b)
        .find((days) => left <= days && !request.sent.includes(days));
      if (threshold === undefined) return [];
      // The thresholds passed with it are spent too.
      const spent = REMINDER_WORKING_DAYS.filter(
        (d) => d >= threshold && !request.sent.includes(d),
      );
      const message = `申请（${request.applicationNumber}）的材料补正将于${request.replyBy}${request.provisional ? '（暂定）' : ''}到期，还剩${left}个工作日，请尽快补正。`;
      return [{ request, spent, message }];
    });
    if (due.length === 0) return 0;
    const marks = due.flatMap((d) => d.spent.map((days) => ({ id: d.request.id, days })));
    // A run that lost the race to another instance marks nothing, and so sends nothing.
    const marked = await tx<{ requestId: string }[]>`
      insert into correction_reminders (request_id, working_days_before, sent_at)
      select m.request_id, m.days, ${at}
      from unnest(${marks.map((m) => m.id)}::uuid[], ${marks.map((m) => m.days)}::int[])
           as m (request_id, days)
      on conflict do nothing
      returning request_id as "requestId"`;
    const won = new Set(marked.map((m) => m.requestId));
    const told = due
      .filter((d) => won.has(d.request.id))
      .flatMap((d) =>
        d.request.parties.map((party) => ({
          party,
          applicationId: d.request.applicationId,
          message: d.message,
        })),
      );
    if (told.length > 0) {
      await tx`
        insert into notifications (account_id, application_id, message, created_at)
        select coalesce(p.account_id, e.account_id), a.id, t.message, ${at}
        from unnest(${told.map((t) => t.party)}::text[], ${told.map((t) => t.applicationId)}::uuid[],
                    ${told.map((t) => t.message)}::text[]) as t (party, application_id, message)
          join applications a on a.id = t.application_id
          left join persons p on t.party = 'person' and p.id = a.person_id
          left join enterprises e on t.party = 'enterprise' and e.id = a.enterprise_id
        where coalesce(p.account_id, e.account_id) is not null`;
    }
    const sent = won.size;
    return sent;
  });
}
