// The built server (`node server/dist/main.js`) on loopback for the load
// benchmark: signaling only, so no test host is needed. Configured as an
// operator would: the metrics port on (PARLEY_METRICS_PORT), and 127.0.0.1
// trusted as a proxy (PARLEY_TRUSTED_PROXIES) so that each simulated person
// signs up from an address of their own (X-Forwarded-For) instead of all
// sharing one and meeting the per-address sign-up throttle. Node runs with
// --expose-gc, so the metrics' heap figure is taken after a full collection.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { treeCpuSeconds } from '../../support/processCpu.js';
import { stopChild } from '../../support/startServer.js';
import type { ServerCounts } from '../../../server/src/http/metricsServer.js';

const serverEntry = fileURLToPath(new URL('../../../server/dist/main.js', import.meta.url));
const clientDir = fileURLToPath(new URL('../../../client/dist', import.meta.url));

/** What the server's metrics port answers (counts only); on Linux, as here, with its open file descriptors. */
export type ServerMetrics = ServerCounts & { openFds: number };

export type LoadServer = {
  baseUrl: string;
  pid: number;
  metrics: () => Promise<ServerMetrics>;
  /** CPU seconds of the server and its media workers so far. */
  cpuSeconds: () => number;
  output: () => string;
  stop: () => Promise<void>;
};

export async function startLoadServer(env: Record<string, string> = {}): Promise<LoadServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-load-'));
  const child = spawn(process.execPath, ['--expose-gc', serverEntry], {
    env: {
      ...process.env,
      PARLEY_HOST: '127.0.0.1',
      PARLEY_PORT: '0',
      PARLEY_DATA_DIR: dataDir,
      PARLEY_CLIENT_DIR: clientDir,
      PARLEY_LOG_LEVEL: 'warn',
      PARLEY_METRICS_PORT: '0',
      PARLEY_TRUSTED_PROXIES: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    await stopChild(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const { port, metricsUrl } = await started(child, () => output);
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      pid: child.pid ?? -1,
      metrics: async () => (await (await fetch(metricsUrl)).json()) as ServerMetrics,
      cpuSeconds: () => treeCpuSeconds(child.pid ?? -1),
      output: () => output,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function started(child: ChildProcess, output: () => string): Promise<{ port: number; metricsUrl: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output()}`)), 30_000);
    const check = () => {
      const port = /running at http:\/\/[^:]+:(\d+)\//.exec(output())?.[1];
      const metricsUrl = /Metrics at (http:\/\/\S+)/.exec(output())?.[1];
      if (port && metricsUrl) {
        clearTimeout(timer);
        resolve({ port: Number(port), metricsUrl });
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output()}`));
    });
  });
}
