import type { z } from 'zod';

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

/** A free-text field of a submitted form ('' when absent), and whether it is over `max` characters. */
export function freeText(
  values: Record<string, unknown>,
  name: string,
  max = 500,
): { text: string; tooLong: boolean } {
  const value = values[name];
  const text = typeof value === 'string' ? value.trim() : '';
  return { text, tooLong: [...text].length > max };
}
