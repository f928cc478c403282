export * from './mediaParameters.js';
export * from './clientRequests.js';
export * from './serverEvents.js';
export * from './socketEvents.js';
export * from './participants.js';
export * from './chatWire.js';
