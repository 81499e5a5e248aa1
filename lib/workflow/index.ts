/** The application workflow: the declared table, the engine that runs it, snapshots, notifications. */
export * from './applications.js';
export * from './draft.js';
export * from './engine.js';
export * from './notifications.js';
export * from './snapshot.js';
export * from './table.js';
