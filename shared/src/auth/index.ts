export * from './api.js';
export * from './passwordRules.js';
export * from './usernames.js';
