import type { Router } from 'express';
import {
  AUDIT_LIMITS,
  auditActionGroups,
  auditActorOptions,
  auditActorRoleNames,
  auditEntries,
  readAuditForm,
  resolveAuditSearch,
} from '../../lib/authority/index.js';
import { JOBS } from '../../lib/jobs/index.js';
import type { FormErrors } from '../../lib/platform/index.js';
import { fieldErrors, noErrors } from '../../lib/platform/index.js';
import type { Services } from '../../lib/services/index.js';
import { requireAdmin } from '../middleware/auth.js';
import { paths, withQuery } from '../paths.js';

const FIELDS = ['actor', 'account', 'action', 'application', 'from', 'to'] as const;

const jobTitles: Record<string, string> = Object.fromEntries(JOBS.map((j) => [j.name, j.title]));

/** The query string's fields as typed, to show them again in the form. */
function typedValues(query: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const key of FIELDS) {
    const v: unknown = Array.isArray(query[key]) ? (query[key] as unknown[])[0] : query[key];
    if (typeof v === 'string') values[key] = v.trim();
  }
  return values;
}

/**
 * The audit search (admin only): every application event and every other audited act, newest
 * first, filtered by who, what, which application and which days, paged by keyset. A search the
 * page cannot run (an impossible date, a reversed range, an unknown account or number) is shown
 * again with its problems beside the fields, and no list.
 */
export function auditPage(router: Router, { sql }: Services): void {
  router.get(paths.authority.audit, requireAdmin, async (req, res) => {
    const query = req.query as Record<string, unknown>;
    const { form, problems } = readAuditForm(query);
    const resolved = await resolveAuditSearch(sql, form);
    const found = 'problems' in resolved ? resolved.problems : {};
    // Every problem at once, in the form's order.
    const fields = Object.fromEntries(
      FIELDS.flatMap((f) => {
        const message = problems[f] ?? found[f];
        return message ? [[f, message]] : [];
      }),
    );
    const errors: FormErrors = Object.keys(fields).length > 0 ? fieldErrors(fields) : noErrors;
    const search = errors === noErrors && 'search' in resolved ? resolved.search : undefined;
    const [page, actorOptions] = await Promise.all([
      search ? auditEntries(sql, search, { jobTitles }) : undefined,
      auditActorOptions(sql),
    ]);
    // The search without its page, for the next page and the first.
    const kept = {
      actor: form.actor,
      account: form.account,
      action: form.action,
      application: form.application,
      from: form.from,
      to: form.to,
    };
    res.status(errors.summary.length > 0 ? 422 : 200).render('pages/authority/audit', {
      title: '操作记录',
      // What was typed, normalised where it was understood (a date field shows only YYYY-MM-DD).
      values: { ...typedValues(query), ...definedOf(kept) },
      errors,
      limits: AUDIT_LIMITS,
      actorOptions,
      actionGroups: auditActionGroups,
      roleNames: auditActorRoleNames,
      page,
      searched: Object.values(kept).some(Boolean),
      nextHref: page?.next ? withQuery(paths.authority.audit, { ...kept, after: page.next }) : null,
      firstHref: form.after && page ? withQuery(paths.authority.audit, kept) : null,
      applicationHref: (number: string) =>
        withQuery(paths.authority.audit, { application: number }),
    });
  });
}

function definedOf(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined),
  );
}
