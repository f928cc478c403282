export { createHttpServer, type Health } from './createHttpServer.js';
export { isSameOrigin } from './sameOrigin.js';
export { securityHeaders } from './securityHeaders.js';
