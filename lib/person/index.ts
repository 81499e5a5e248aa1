/** The person: their facts and profile, qualifications, and the read models of their pages. */
export * from './dashboard.js';
export * from './person.js';
export * from './profile.js';
export * from './qualifications.js';
