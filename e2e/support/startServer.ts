// Starts the real, built server (`node server/dist/main.js`) on a free port
// with a fresh data directory, inside a test host (network namespace), and
// collects what it logs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestHost } from './testHost.js';

// PARLEY_E2E_SERVER_ENTRY / PARLEY_E2E_CLIENT_DIR run the browser tests against
// another build (an older commit's, say), to see a regression test fail there.
const serverEntry =
  process.env.PARLEY_E2E_SERVER_ENTRY ?? fileURLToPath(new URL('../../server/dist/main.js', import.meta.url));
/** The test build of the client (vite --mode testing): the production build has no test hooks. */
const testClient =
  process.env.PARLEY_E2E_CLIENT_DIR ?? fileURLToPath(new URL('../../client/dist-testing', import.meta.url));

export type RunningServer = {
  baseUrl: string;
  /** Where browser traffic comes from: must never appear in the server's logs. */
  clientAddress: string;
  /** The server's data directory (its SQLite file), for tests that look at what it stored. */
  dataDir: string;
  /** The server's process id (its mediasoup workers are its children). */
  pid: number;
  /** Cuts every open TCP connection to the server (signaling, not media), like a network failure. */
  cutConnections: () => void;
  output: () => string;
  stop: () => Promise<void>;
};

export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-e2e-'));
  const host = createTestHost();
  const [command, args] = host.wrap(process.execPath, [serverEntry]);
  const child = spawn(command, args, {
    env: {
      ...process.env,
      PARLEY_HOST: host.address,
      PARLEY_RTC_LISTEN_IP: host.address,
      PARLEY_PORT: '0',
      PARLEY_DATA_DIR: dataDir,
      PARLEY_CLIENT_DIR: testClient,
      PARLEY_MEDIA_WORKERS: '1',
      // Everything the server would ever log, so tests can check what it says.
      PARLEY_LOG_LEVEL: 'debug',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const stop = async () => {
    await stopChild(child);
    host.remove();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const port = await waitForPort(child, () => output);
    return {
      baseUrl: `http://${host.address}:${port}`,
      clientAddress: host.clientAddress,
      dataDir,
      pid: child.pid ?? -1,
      cutConnections: () => host.cutTcp(port),
      output: () => output,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function waitForPort(child: ChildProcess, output: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output()}`)), 30_000);
    const check = () => {
      const match = /running at http:\/\/[^:]+:(\d+)\//.exec(output());
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output()}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
