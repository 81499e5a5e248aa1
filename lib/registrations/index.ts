/** Registrations: their numbers, the person's registrations in force, and what decisions do to them. */
export * from './numbers.js';
export * from './registrations.js';
export * from './approval.js';
export * from './lifecycle.js';
