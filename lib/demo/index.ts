/** Demo data for the embedded database (never in production), and its stand-in photo and scans. */
export * from './files.js';
export * from './review.js';
export * from './seed.js';
