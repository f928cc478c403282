// The HTTP side: the built client as static files, a health endpoint, the
// operators' counts (/metrics), and the security headers on everything.
// socket.io attaches to the same server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sirv from 'sirv';
import { applySecurityHeaders } from './securityHeaders.js';

export type Health = () => { status: 'ok' | 'degraded'; mediaWorkers: number };

/** Handles /api/* requests (the account API), or /metrics. */
export type ApiHandler = (request: IncomingMessage, response: ServerResponse) => void;

export function createHttpServer(
  clientDir: string,
  health: Health,
  api: ApiHandler,
  policy: { https: boolean },
  metrics: ApiHandler,
): Server {
  if (!existsSync(join(clientDir, 'index.html'))) {
    throw new Error(`the client is not built: ${join(clientDir, 'index.html')} is missing (run npm run build)`);
  }
  const serveClient = sirv(clientDir, {
    single: true, // client-side routes fall back to index.html
    etag: true,
    setHeaders: (response, pathname) => {
      // Vite puts a content hash in every asset name, so assets never change.
      const cache = pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      response.setHeader('Cache-Control', cache);
    },
  });

  return createServer((request, response) => {
    applySecurityHeaders(response, policy);
    if (request.url === '/healthz') {
      const body = health();
      response.writeHead(body.status === 'ok' ? 200 : 503, {
        'Content-Type': 'application/json',
        'Cache-Control': 'no-store',
      });
      response.end(JSON.stringify(body));
      return;
    }
    if (request.url === '/metrics' && request.method === 'GET') {
      metrics(request, response);
      return;
    }
    if (request.url?.startsWith('/api/')) {
      api(request, response);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    serveClient(request, response, () => {
      response.writeHead(404).end();
    });
  });
}
