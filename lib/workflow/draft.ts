import { z } from 'zod';

/** What the person enters while an application is a draft (applications.draft). */
export const applicationDraftSchema = z
  .object({
    employment: z
      .object({ position: z.string(), contractStart: z.string(), contractEnd: z.string() })
      .partial(),
    specialties: z.array(z.string()),
    /** Personal change: the particulars to change, by field. */
    change: z.record(z.string(), z.string()),
    outOfProvince: z
      .object({
        examProvince: z.string(),
        certificateNumber: z.string(),
        passYear: z.number().int(),
        registeredElsewhere: z.boolean(),
        previousRegistration: z.string(),
      })
      .partial(),
    /** The commitment (承诺): the data are true and the applicant answers for them. */
    commitment: z.boolean(),
    /** The person has been through the eligibility self-check with nothing blocking. */
    eligibilityChecked: z.boolean(),
    /** Enterprise rename (rule 9): the name it had and the one the legal-person registry holds. */
    rename: z.object({ from: z.string(), to: z.string() }),
    /** Uploaded materials by purpose (lib/filing/materials.ts lists them): file ids. */
    uploads: z.record(z.string(), z.string()),
  })
  .partial();

export type ApplicationDraft = z.infer<typeof applicationDraftSchema>;

export function readDraft(value: unknown): ApplicationDraft {
  const parsed = applicationDraftSchema.safeParse(value);
  return parsed.success ? parsed.data : {};
}
