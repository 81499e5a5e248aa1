/** The working-day calendar and the statutory clock (DESIGN.md §5a). */
export * from './working-days.js';
export * from './clock.js';
export * from './store.js';
export * from './deadlines.js';
export * from './years.js';
