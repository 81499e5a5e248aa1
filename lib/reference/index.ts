/** Reference data (DESIGN.md §6): professions, specialties, validity, licence types, provinces. */
export * from './education.js';
export * from './licences.js';
export * from './professions.js';
export * from './promises.js';
export * from './provinces.js';
