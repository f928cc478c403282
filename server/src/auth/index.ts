export { Accounts } from './Accounts.js';
export { Sessions, type SessionPolicy, type SessionRecord } from './sessions.js';
export { loadServerKey, ServerKeyError, type ServerKey } from './serverKey.js';
export { argon2Parameters, hashPassword, verifyPassword } from './password.js';
