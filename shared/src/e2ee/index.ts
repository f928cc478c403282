// Parley's media encryption on top of SFrame: which codec bytes stay in
// clear, KIDs, the ratchet, per-sender encryptor/decryptor, and the messages
// between a page and its E2EE worker.
export * from './mediaFrames.js';
export * from './kid.js';
export * from './ratchet.js';
export * from './MediaEncryptor.js';
export * from './MediaDecryptor.js';
export * from './workerMessages.js';
export * from './keyMessages.js';
export * from './mediaTap.js';
