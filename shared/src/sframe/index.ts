// SFrame (RFC 9605) over WebCrypto: header, cipher suites, key schedule,
// frame encryption, replay window, sender and receiver.
export * from './header.js';
export * from './cipherSuites.js';
export { importAeadKey, seal, open, type AeadKey } from './aead.js';
export * from './keySchedule.js';
export * from './frame.js';
export * from './ReplayWindow.js';
export * from './SFrameSender.js';
export * from './SFrameReceiver.js';
export type { Bytes } from './bytes.js';
