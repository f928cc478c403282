// A real ParleyServer (real mediasoup worker) on a free loopback port, serving
// a placeholder client, plus socket.io clients that speak to it as a browser would.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll } from 'vitest';
import { clientVersion, type ClientToServerEvents, type ServerToClientEvents } from '@parley/shared';
import { loadConfig } from '../../src/config/index.js';
import { ParleyServer, type ServerOptions } from '../../src/ParleyServer.js';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

// Every directory a test server makes lives under one folder per test file,
// removed after the file's last test (tests that restart a server reuse its
// data directory until then). Vitest imports this module afresh for each file.
let scratch: string | undefined;
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});
function scratchDir(prefix: string): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'parley-test-'));
  return mkdtempSync(join(scratch, prefix));
}

export async function startTestServer(
  env: Record<string, string> = {},
  options: ServerOptions = {},
): Promise<{ server: ParleyServer; baseUrl: string; dataDir: string }> {
  const clientDir = scratchDir('client-');
  writeFileSync(join(clientDir, 'index.html'), '<!doctype html><title>test</title>');
  const dataDir = scratchDir('data-');
  const config = loadConfig({
    PARLEY_PORT: '0',
    PARLEY_MEDIA_WORKERS: '1',
    PARLEY_CLIENT_DIR: clientDir,
    PARLEY_DATA_DIR: dataDir,
    // Tests stand in for the proxy: registerUser gives each person an address of their own.
    PARLEY_TRUSTED_PROXIES: '127.0.0.1',
    ...env,
  });
  const server = await ParleyServer.create(config, options);
  return { server, baseUrl: `http://127.0.0.1:${server.port}`, dataDir };
}

export function connectSocket(
  baseUrl: string,
  cookie: string,
  origin = baseUrl,
  version = clientVersion,
  headers: Record<string, string> = {},
): Promise<TestSocket> {
  const socket: TestSocket = io(baseUrl, {
    transports: ['websocket'],
    auth: { clientVersion: version },
    extraHeaders: { Origin: origin, Cookie: cookie, ...headers },
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Sends any event with any payload, as a hostile client could, and returns the raw reply. */
export function rawRequest(socket: TestSocket, event: string, ...args: unknown[]): Promise<unknown> {
  const withTimeout = socket.timeout(5000);
  const emit = withTimeout.emitWithAck.bind(withTimeout) as (e: string, ...a: unknown[]) => Promise<unknown>;
  return emit(event, ...args);
}
