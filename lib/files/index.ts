/**
 * Uploaded files: type checks on the bytes, the ID photo and image materials re-encoded, the
 * content-addressed store, who may read, the purge of expired applications' files.
 */
export * from './checks.js';
export * from './purge.js';
export * from './records.js';
export * from './store.js';
