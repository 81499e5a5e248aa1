import { z } from 'zod';

export type ErrorSummaryItem = { href: string; text: string };

/** What a view needs to show errors: a summary at the top and a message beside each field. */
export type FormErrors = { summary: ErrorSummaryItem[]; fields: Record<string, string> };

export const noErrors: FormErrors = { summary: [], fields: {} };

/** Turns zod failures into the error summary (links to `#field-id`) and per-field messages. */
export function formatErrors(error: z.ZodError): FormErrors {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.') || 'form';
    fields[field] ??= issue.message;
  }
  return fieldErrors(fields);
}

export function fieldErrors(fields: Record<string, string>): FormErrors {
  return {
    fields,
    summary: Object.entries(fields).map(([field, text]) => ({ href: `#${field}`, text })),
  };
}

/**
 * Text as typed, trimmed and without the control characters no field holds (a NUL would not even
 * reach PostgreSQL); tabs and line breaks stay.
 */
export function cleanText(value: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').trim();
}

/** Cleans every string value of a submitted form (cleanText), and leaves the rest alone. */
export function trimmed(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object') return {};
  return Object.fromEntries(
    Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? cleanText(v) : v]),
  );
}

/** A search box: its words cleaned and cut at its limit (the page's `maxlength` shows the same). */
export function searchForm(max: number) {
  const schema = z.object({ q: z.string().max(max) });
  return {
    limits: inputLimits(schema),
    read: (value: unknown): string =>
      (typeof value === 'string' ? cleanText(value) : '').slice(0, max),
  };
}

/**
 * The longest each text field of a form may be, read from its schema: the pages' `maxlength`
 * attributes come from here, so each limit is written once, where it is enforced.
 */
export function inputLimits(schema: z.ZodType): Record<string, number> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, { maxLength?: number }>;
  };
  return Object.fromEntries(
    Object.entries(json.properties ?? {}).flatMap(([name, field]) =>
      field.maxLength === undefined ? [] : [[name, field.maxLength]],
    ),
  );
}

/**
 * Text as a sentence that ends once: a full stop is added unless it already ends with one (or a
 * question or exclamation mark), so a reason someone typed with its own 。 is not doubled (。。).
 */
export function asSentence(text: string): string {
  const trimmed = text.trimEnd();
  return /[。！？.!?]$/u.test(trimmed) ? trimmed : `${trimmed}。`;
}
