/** The authority's review: the queue, claims, acceptance, corrections, decisions, the catalogue. */
export * from './assignment.js';
export * from './decisions.js';
export * from './queue.js';
export * from './reasons.js';
export * from './review.js';
