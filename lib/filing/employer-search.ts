import { containsPattern, searchForm } from '../platform/index.js';
import { normaliseIdentifier } from '../identity/index.js';
import { DEMONSTRATION_ZONE_DISTRICT } from '../reference/index.js';
import type { Db } from '../platform/index.js';

/** The employer step of the wizard: finding the enterprise the person works for. */

/** The employer step's search box. */
export const employerSearch = searchForm(100);

export type EnterpriseChoice = {
  id: string;
  name: string;
  creditCode: string;
  districtCode: string | null;
};

/**
 * Enterprises a person may choose as employer, found by exact credit code (typed as a Chinese
 * keyboard may type it: full-width, with spaces; normalised as at login) or part of the name (one
 * that has not completed its information yet must do so before it confirms, rule 1); the
 * demonstration zone only offers Wujiang District.
 */
export async function searchEnterprises(
  db: Db,
  query: string,
  demonstrationZone: boolean,
): Promise<EnterpriseChoice[]> {
  const q = query.trim();
  if (q.length < 2) return [];
  return db<EnterpriseChoice[]>`
    select id, name, credit_code as "creditCode", district_code as "districtCode"
    from enterprises
    where (credit_code = ${normaliseIdentifier(q)} or name like ${containsPattern(q)})
      and (${!demonstrationZone} or district_code = ${DEMONSTRATION_ZONE_DISTRICT})
    order by name limit 20`;
}

export async function enterpriseChoice(db: Db, id: string): Promise<EnterpriseChoice | undefined> {
  const [row] = await db<EnterpriseChoice[]>`
    select id, name, credit_code as "creditCode", district_code as "districtCode"
    from enterprises where id = ${id}`;
  return row;
}
