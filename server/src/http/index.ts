export { createHttpServer, type ApiHandler, type Health } from './createHttpServer.js';
export { authRoutes } from './api/authRoutes.js';
export {
  addressKey,
  clientAddress,
  clientKey,
  fromTrustedProxy,
  trustProxies,
  type ProxyTrust,
} from './clientAddress.js';
export { sessionCookieName, sessionTokenFromHeader, type CookiePolicy } from './api/sessionCookie.js';
export { isSameOrigin, requestScheme, type Deployment } from './sameOrigin.js';
export { responseHeaders, securityHeaders } from './securityHeaders.js';
export { HandshakeRefusedError, requireClientVersion, identify, type HandshakeRefusal } from './socketHandshake.js';
export { bindSocketsToSessions } from './socketSessions.js';
export { MetricsServer, type ServerCounts } from './metricsServer.js';
export { metricsEndpoint } from './metricsEndpoint.js';
