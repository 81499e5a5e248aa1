/** The person's filing: drafts, the wizard's steps and forms, and the rules an application must meet. */
export * from './choices.js';
export * from './drafts.js';
export * from './eligibility.js';
export * from './employer-search.js';
export * from './forms.js';
export * from './materials.js';
export * from './steps.js';
