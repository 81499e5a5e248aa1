import { personOfAccount, usableQualifications } from '../person/index.js';
import type { Db } from '../platform/index.js';
import type { Profession } from '../reference/index.js';
import { PROFESSIONS, professions } from '../reference/index.js';

/** A profession the person cannot apply in, and why (shown where the choice is made). */
export type MissingProfession = { profession: Profession; name: string; message: string };

/**
 * The professions a person may choose when starting an application: those they hold a usable
 * qualification in (in-province from the exam-results registry, out-of-province once approved,
 * rule 14), and only the constructor's for the demonstration zone (rule 13); and the others with
 * why they are not offered, so nobody fills in a wizard the first step would refuse.
 */
export async function professionChoices(
  db: Db,
  accountId: string,
  options: { demonstrationZone: boolean },
): Promise<{ offered: Profession[]; missing: MissingProfession[] }> {
  const person = await personOfAccount(db, accountId);
  const held = new Set((await usableQualifications(db, person)).map((q) => q.profession));
  const offered: Profession[] = [];
  const missing: MissingProfession[] = [];
  for (const profession of PROFESSIONS) {
    const info = professions[profession];
    if (options.demonstrationZone && profession !== 'constructor') continue;
    if (held.has(profession)) {
      offered.push(profession);
      continue;
    }
    missing.push({
      profession,
      name: info.name,
      message: info.outOfProvinceEntry
        ? '没有查到您的资格。在省外取得的，须先办理省外资格信息录入并审核通过。'
        : '没有查到您在本省考试成绩库中的资格。请核对资格证书信息，或拨打注册事项咨询热线。',
    });
  }
  return { offered, missing };
}
