// End-to-end encrypted chat and file chunks: keys derived from each sender's
// SFrame base key with their own label, sealed and opened in the browser;
// the envelope's wire format is in protocol/chatWire.ts.
export * from './associatedData.js';
export * from './base64url.js';
export * from './chatKeys.js';
export * from './ChatSealer.js';
export * from './ChatOpener.js';
export * from './IncomingFile.js';
