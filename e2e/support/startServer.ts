// Starts the real, built server (`node server/dist/main.js`) on a free port
// with a fresh data directory, inside a test host (network namespace), and
// collects what it logs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestHost, type TestHost } from './testHost.js';

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
  /** The server's process id now (its mediasoup workers are its children); a restart changes it. */
  readonly pid: number;
  /** The operator's metrics (when started with PARLEY_METRICS_PORT): http://…/metrics, reachable from here. */
  metricsUrl: string | undefined;
  /** Whether the server process is still running. */
  alive: () => boolean;
  /** The server's mediasoup worker processes (its children), to kill one as a crash would. */
  mediaWorkerPids: () => number[];
  /** Cuts every open TCP connection to the server (signaling, not media), like a network failure. */
  cutConnections: () => void;
  /** Sends `signal` to the server (SIGKILL: a crash) and waits until it has exited; its data stays. */
  kill: (signal: 'SIGKILL' | 'SIGTERM') => Promise<void>;
  /** Starts the server again: same address, port and data directory. */
  restart: () => Promise<void>;
  output: () => string;
  stop: () => Promise<void>;
};

/**
 * `loopback`: on 127.0.0.1 in this network namespace instead of a test host
 * of its own, for tests without browsers that need what only loopback
 * reaches here (the test PostgreSQL).
 */
export async function startServer(
  env: Record<string, string> = {},
  options: { loopback?: boolean } = {},
): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-e2e-'));
  const host = options.loopback ? loopbackHost : createTestHost();
  let output = '';
  const launch = (port: string, metricsPort: string | undefined) => {
    const [command, args] = host.wrap(process.execPath, [serverEntry]);
    const child = spawn(command, args, {
      env: {
        ...process.env,
        PARLEY_HOST: host.address,
        PARLEY_RTC_LISTEN_IP: host.address,
        PARLEY_PORT: port,
        PARLEY_DATA_DIR: dataDir,
        PARLEY_CLIENT_DIR: testClient,
        PARLEY_MEDIA_WORKERS: '1',
        // Everything the server would ever log, so tests can check what it says.
        PARLEY_LOG_LEVEL: 'debug',
        // Metrics, when asked for, where this process can read them (the test host's address).
        ...(env.PARLEY_METRICS_PORT === undefined ? {} : { PARLEY_METRICS_HOST: host.address }),
        ...env,
        ...(metricsPort === undefined ? {} : { PARLEY_METRICS_PORT: metricsPort }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return child;
  };
  let child = launch('0', undefined);

  const stop = async () => {
    await stopChild(child);
    host.remove();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const port = await waitForPort(child, () => output, 0);
    const metricsUrl = /Metrics at (http:\/\/\S+)/.exec(output)?.[1];
    return {
      baseUrl: `http://${host.address}:${port}`,
      clientAddress: host.clientAddress,
      dataDir,
      get pid() {
        return child.pid ?? -1;
      },
      metricsUrl,
      alive: () => child.exitCode === null && child.signalCode === null,
      mediaWorkerPids: () => childrenOf(child.pid ?? -1),
      cutConnections: () => host.cutTcp(port),
      kill: async (signal) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill(signal);
        await exited;
      },
      restart: async () => {
        const from = output.length;
        child = launch(String(port), metricsUrl === undefined ? undefined : new URL(metricsUrl).port);
        await waitForPort(child, () => output, from);
      },
      output: () => output,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

const loopbackHost: TestHost = {
  address: '127.0.0.1',
  clientAddress: '127.0.0.1',
  wrap: (command, args) => [command, args],
  cutTcp: () => {
    throw new Error('cutting connections needs a test host');
  },
  remove: () => undefined,
};

/** `ip netns exec` execs the server in place, so its pid is the server's; its children are the media workers. */
function childrenOf(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
  return text.split(' ').filter(Boolean).map(Number);
}

/** The port the server says it listens on, in what it printed after `from`. */
function waitForPort(child: ChildProcess, output: () => string, from: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output()}`)), 30_000);
    const check = () => {
      const match = /running at http:\/\/[^:]+:(\d+)\//.exec(output().slice(from));
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

/** SIGTERM, then SIGKILL after 5 s if the process is still there. */
export function stopChild(child: ChildProcess): Promise<void> {
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
