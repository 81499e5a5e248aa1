import type { Response, Router } from 'express';
import {
  EXPORT_HEADER,
  exportFileName,
  exportQueue,
  queueForm,
  UTF8_BOM,
} from '../../lib/authority/index.js';
import { loadCalendar } from '../../lib/calendar/index.js';
import type { Services } from '../../lib/services/index.js';
import { paths } from '../paths.js';

/**
 * The queue as a CSV download (/authority/export.csv): the queue page's filter from the same query
 * string, every page of it, streamed as it is read and recorded in the audit trail once it ends
 * (lib/authority/export.ts).
 *
 * Every staff member may export, officers too: the file holds no more than the queue pages they
 * already read (no ID numbers, phones or addresses), their work lists are theirs to take into a
 * spreadsheet, and each export is in the audit trail with its filter and row count, which the
 * admins search.
 */
export function queueExport(router: Router, { sql, clock }: Services): void {
  router.get(paths.authority.queueExport, async (req, res) => {
    const filter = queueForm.parse(req.query);
    const calendar = await loadCalendar(sql);
    const name = exportFileName(filter, clock.now());
    res.status(200);
    res.set({
      'Content-Type': 'text/csv; charset=utf-8',
      // An ASCII name for old clients, the Chinese one (RFC 5987/6266) for the others.
      'Content-Disposition': `attachment; filename="queue-export.csv"; filename*=UTF-8''${encodeRfc5987(name)}`,
      'Cache-Control': 'no-store',
    });
    res.write(UTF8_BOM + EXPORT_HEADER);
    await exportQueue(sql, {
      calendar,
      filter,
      viewer: { accountId: req.user!.id },
      clock,
      write: (text) => writeWhenReady(res, text),
    });
    res.end();
  });
}

/** A header value's RFC 5987 encoding: percent-encoded UTF-8, also of ' ( ) * which it reserves. */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * Writes to the response and waits, when its buffer is full, until the client has read it: the
 * export never holds more than a batch in memory. False once the client has gone.
 */
function writeWhenReady(res: Response, text: string): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return Promise.resolve(false);
  if (res.write(text)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}
