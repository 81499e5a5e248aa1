/** The scheduled jobs: each one declared once, run under its advisory lock, every run recorded. */
export * from './catalogue.js';
export * from './runs.js';
