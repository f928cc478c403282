export { createHttpServer, type ApiHandler, type Health } from './createHttpServer.js';
export { authRoutes } from './api/authRoutes.js';
export { sessionTokenFromHeader } from './api/sessionCookie.js';
export { isSameOrigin } from './sameOrigin.js';
export { securityHeaders } from './securityHeaders.js';
