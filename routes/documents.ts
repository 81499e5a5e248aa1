import type { Response } from 'express';
import type { ApplicationForm, DocumentAsset, DocumentRenderer } from '../lib/documents/index.js';

/**
 * A document (views/documents/) rendered to PDF by the one renderer and sent as a download: the
 * HTML from the app's own view engine (so every value is escaped as on the pages), the assets it
 * may load from memory, a UTF-8 file name (RFC 5987's filename*), and never cached (it holds
 * personal data, and a newer version may follow). A busy renderer is a RendererBusyError, which
 * the error handler answers with its 503 page.
 */
export async function sendPdf(
  res: Response,
  renderer: DocumentRenderer,
  document: {
    view: string;
    locals: Record<string, unknown>;
    assets?: ReadonlyMap<string, DocumentAsset>;
    fileName: string;
  },
): Promise<void> {
  const html = await new Promise<string>((resolve, reject) =>
    res.render(document.view, document.locals, (err: unknown, out?: string) =>
      err || out === undefined
        ? reject(err instanceof Error ? err : new Error(String(err)))
        : resolve(out),
    ),
  );
  const pdf = await renderer.renderPdf(html, document.assets);
  // Express writes filename="..." (ASCII, the rest as ?) and filename*=UTF-8''... for the rest.
  res.attachment(document.fileName);
  res.set({
    'Content-Type': 'application/pdf',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.send(pdf);
}

/** The application form (the enterprise's to print, or the person's preview) as its PDF. */
export function sendApplicationForm(
  res: Response,
  renderer: DocumentRenderer,
  form: ApplicationForm,
): Promise<void> {
  return sendPdf(res, renderer, {
    view: form.view,
    locals: { form },
    assets: form.assets,
    fileName: form.fileName,
  });
}
