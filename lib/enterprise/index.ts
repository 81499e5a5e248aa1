/** The enterprise: its information, confirmation of its employees' applications, lists, rename. */
export * from './confirmation.js';
export * from './information.js';
export * from './lists.js';
export * from './rename.js';
