/** What every part stands on: config, the clock, the database, migrations, errors, audit, logs. */
export * from './audit.js';
export * from './clock.js';
export * from './config.js';
export * from './db.js';
export * from './embedded-db.js';
export * from './errors.js';
export * from './forms.js';
export * from './logger.js';
export * from './migrate.js';
