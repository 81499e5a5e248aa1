/**
 * The authority's side: the queue, claims, acceptance, corrections, decisions, the catalogue, and
 * its administration (staff accounts, the audit search, the dashboard, exports).
 */
export * from './assignment.js';
export * from './audit.js';
export * from './dashboard.js';
export * from './decisions.js';
export * from './export.js';
export * from './queue.js';
export * from './reasons.js';
export * from './review.js';
export * from './staff.js';
