/** Announcements (公告): publishing approved registrations, and the public pages' read model. */
export * from './publish.js';
export * from './public.js';
