import type { JSONValue } from 'postgres';
import type { Calendar } from '../calendar/index.js';
import type { Clock, Sql } from '../platform/index.js';
import { businessDate, recordAudit } from '../platform/index.js';
import { professions } from '../reference/index.js';
import { kindNames, stateNameOf } from '../workflow/index.js';
import type { NextActor, QueueFilter, QueueRow } from './queue.js';
import { queuePage, queueTabNames } from './queue.js';

/**
 * The queue's audited export (/authority/export.csv): every row of the queue for a filter (the
 * queue's own query, page after page by its keyset, in one read-only snapshot so the file is one
 * moment's queue), as CSV for Excel, handed to the caller batch by batch; each export recorded
 * (who, when, which filter, how many rows) once it has ended.
 */

/** Rows read per round trip: big enough to be few, small enough to stream. */
export const EXPORT_BATCH = 2000;

const nextActorNames: Record<NextActor, string> = {
  officer: '审核人员',
  person: '申请人',
  enterprise: '聘用企业',
  announcement: '待公告',
};

/** The file's columns: a heading and what each row shows under it. */
export const EXPORT_COLUMNS: { heading: string; value: (row: QueueRow) => string }[] = [
  { heading: '申请编号', value: (r) => r.applicationNumber },
  { heading: '申请类型', value: (r) => kindNames[r.kind] },
  { heading: '注册类别', value: (r) => (r.profession ? professions[r.profession].name : '') },
  { heading: '申请人', value: (r) => r.personName ?? '' },
  { heading: '企业', value: (r) => r.enterpriseName ?? '' },
  { heading: '状态', value: (r) => stateNameOf(r.kind, r.state) },
  { heading: '提交日期', value: (r) => businessDate(r.submittedAt) },
  { heading: '法定期限', value: (r) => r.deadline ?? '' },
  {
    heading: '暂定',
    value: (r) => (r.deadline === null ? '' : r.deadlineProvisional ? '是' : '否'),
  },
  { heading: '承办人', value: (r) => r.officerName ?? '未分配' },
  { heading: '下一步', value: (r) => r.nextActor.map((n) => nextActorNames[n]).join('、') },
];

/** Excel reads a file as UTF-8 only when it starts with the byte order mark. */
export const UTF8_BOM = '\uFEFF';

/**
 * One CSV field (RFC 4180): quoted, its quotes doubled. A value a spreadsheet would take for a
 * formula (starting with = + - @, or a tab or carriage return before one) gets a leading
 * apostrophe, so it is shown as the text it is and never run.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** Lines of the file, each ended by CRLF. */
export function csvLine(values: string[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

export const EXPORT_HEADER = csvLine(EXPORT_COLUMNS.map((c) => c.heading));

export function csvRows(rows: QueueRow[]): string {
  return rows.map((row) => csvLine(EXPORT_COLUMNS.map((c) => c.value(row)))).join('');
}

/** The download's file name: what it is, which tab, which day. */
export function exportFileName(filter: QueueFilter, now: Date): string {
  return `审核队列-${queueTabNames[filter.tab]}-${businessDate(now)}.csv`;
}

/** The filter as the audit records it: without the page, "mine" as the account it meant. */
export function recordedFilter(
  filter: QueueFilter,
  viewer: { accountId: string },
): Record<string, JSONValue> {
  const recorded: Record<string, JSONValue> = { tab: filter.tab };
  if (filter.profession) recorded.profession = filter.profession;
  if (filter.kind) recorded.kind = filter.kind;
  if (filter.officer)
    recorded.officer = filter.officer === 'me' ? viewer.accountId : filter.officer;
  if (filter.provisional) recorded.provisional = true;
  if (filter.q) recorded.q = filter.q;
  return recorded;
}

export type QueueExport = {
  calendar: Calendar;
  filter: QueueFilter;
  viewer: { accountId: string };
  clock: Clock;
  /**
   * Takes the next part of the file; resolves once it may take more (the client has read
   * enough), or false when the client has gone, which ends the export.
   */
  write: (text: string) => Promise<boolean>;
};

/**
 * Writes the queue's rows for the filter (every page, from the first: `after` is ignored) as CSV
 * lines through `write`, and records the export in the audit trail when it ends, however it ends:
 * the rows written, and `complete: false` when the client went away or the database failed.
 * The header and byte order mark are the caller's (they go out before the first query).
 */
export async function exportQueue(sql: Sql, request: QueueExport): Promise<{ rows: number }> {
  const now = request.clock.now();
  const filter: QueueFilter = { ...request.filter, after: undefined };
  let rows = 0;
  let complete = false;
  try {
    // One snapshot for the whole file; a client that stops reading for a minute lets it go
    // (the server ends the idle transaction) rather than holding back vacuum.
    await sql.begin('isolation level repeatable read read only', async (tx) => {
      await tx`set local idle_in_transaction_session_timeout = '60s'`;
      for (let after: string | undefined; ;) {
        const page = await queuePage(
          tx,
          request.calendar,
          { ...filter, after },
          request.viewer,
          now,
          EXPORT_BATCH,
        );
        if (page.rows.length > 0) {
          if (!(await request.write(csvRows(page.rows)))) return;
          rows += page.rows.length;
        }
        if (!page.next) {
          complete = true;
          return;
        }
        after = page.next;
      }
    });
  } finally {
    await recordAudit(sql, {
      at: request.clock.now(),
      actorAccountId: request.viewer.accountId,
      action: 'queue.exported',
      subjectType: 'queue',
      detail: {
        filter: recordedFilter(filter, request.viewer),
        rows,
        ...(complete ? {} : { complete: false }),
      },
    });
  }
  return { rows };
}
