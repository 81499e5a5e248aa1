/** The levels of education a person's profile and a personal change choose from. */
export const EDUCATION_LEVELS = ['博士研究生', '硕士研究生', '本科', '大专', '中专及以下'] as const;
export type EducationLevel = (typeof EDUCATION_LEVELS)[number];
