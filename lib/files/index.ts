/** Uploaded files: type checks on the bytes, the ID photo, the content-addressed store, who may read. */
export * from './checks.js';
export * from './records.js';
export * from './store.js';
