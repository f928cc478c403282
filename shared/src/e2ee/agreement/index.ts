// The key agreement of a call: a state machine without I/O (KeyAgreement),
// the crypto it is given (AgreementCrypto, libsodium), and what people
// compare to verify each other (securityCode).
export * from './AgreementCrypto.js';
export * from './KeyAgreement.js';
export * from './Member.js';
export * from './messages.js';
export * from './securityCode.js';
export * from './sodium.js';
export * from './relayBatches.js';
