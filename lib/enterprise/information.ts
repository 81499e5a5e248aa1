import { NotFoundError, recordAudit } from '../platform/index.js';
import type { Db, Sql } from '../platform/index.js';
import { digitsField } from '../identity/index.js';
import { z } from 'zod';

/** The enterprise's own information (rule 1), which it completes before confirming anything. */

export type EnterpriseInformation = {
  id: string;
  accountId: string;
  creditCode: string;
  name: string;
  /** The name the legal-person registry holds for the credit code (shown, never typed). */
  registryName: string | null;
  districtCode: string | null;
  legalRepresentative: string | null;
  address: string | null;
  contactName: string | null;
  contactPhone: string | null;
  complete: boolean;
};

export async function enterpriseOfAccount(
  sql: Db,
  accountId: string,
): Promise<EnterpriseInformation> {
  const [row] = await sql<EnterpriseInformation[]>`
    select e.id, e.account_id as "accountId", e.credit_code as "creditCode", e.name,
           r.name as "registryName", e.district_code as "districtCode",
           e.legal_representative as "legalRepresentative", e.address,
           e.contact_name as "contactName", e.contact_phone as "contactPhone",
           e.information_completed_at is not null as complete
    from enterprises e left join legal_person_registry r on r.credit_code = e.credit_code
    where e.account_id = ${accountId}`;
  if (!row) throw new NotFoundError();
  return row;
}

const text = (message: string, max: number) =>
  z.string({ error: message }).trim().min(1, message).max(max, `最多${max}个字`);

/** Rule 1: what an enterprise completes on first login before it can confirm anything. */
export const informationForm = z.object({
  legalRepresentative: text('请填写法定代表人姓名', 50),
  address: text('请填写企业地址', 200),
  districtCode: digitsField(
    /^32\d{4}$/,
    '注册地区划代码为6位数字，江苏省以32开头，例如苏州市吴江区为320509',
  ),
  contactName: text('请填写联系人姓名', 50),
  contactPhone: digitsField(
    /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/,
    '请填写手机号码或带区号的固定电话，例如 13912345678 或 025-84000000',
  ),
});

export type InformationForm = z.infer<typeof informationForm>;

/** Saves the enterprise's information in one transaction with its audit event. */
export async function saveInformation(
  sql: Sql,
  accountId: string,
  form: InformationForm,
  at: Date,
): Promise<void> {
  await sql.begin(async (tx) => {
    // Read under a lock, so the audit's "from" is what this save replaced.
    await tx`select 1 from enterprises where account_id = ${accountId} for update`;
    const enterprise = await enterpriseOfAccount(tx, accountId);
    await tx`
      update enterprises
      set legal_representative = ${form.legalRepresentative}, address = ${form.address},
          district_code = ${form.districtCode}, contact_name = ${form.contactName},
          contact_phone = ${form.contactPhone},
          information_completed_at = coalesce(information_completed_at, ${at})
      where id = ${enterprise.id}`;
    // What changed, from what: who the legal representative was, and when that changed.
    const changed = Object.fromEntries(
      (Object.keys(form) as (keyof InformationForm)[])
        .filter((field) => enterprise[field] !== form[field])
        .map((field) => [field, { from: enterprise[field], to: form[field] }]),
    );
    await recordAudit(tx, {
      at,
      actorAccountId: accountId,
      action: 'enterprise_information_saved',
      subjectType: 'enterprise',
      subjectId: enterprise.id,
      detail: { changed },
    });
  });
}
