/** Who signs in: accounts, passwords, login throttling, sessions, ID-number and credit-code checks. */
export * from './accounts.js';
export * from './form-fields.js';
export * from './identifiers.js';
export * from './login-throttle.js';
export * from './sessions.js';
