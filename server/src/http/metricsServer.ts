// The operator's metrics: counts of what the server holds (calls, people,
// media objects, sockets), its memory and open file descriptors, as JSON on
// a separate port that is off unless PARLEY_METRICS_PORT is set, and bound to
// loopback unless PARLEY_METRICS_HOST says otherwise. Counts only: nothing
// about who is in which call. The load benchmark and the fuzzing test read
// it to check that what a burst of clients created is gone afterwards; they
// run Node with --expose-gc, and then the heap is measured after a full
// collection (what is still held, not what awaits collection).
import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RoomCounts } from '../rooms/index.js';

export type ServerCounts = RoomCounts & {
  sockets: number;
  mediaWorkers: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Open file descriptors of the server process (Linux; undefined elsewhere). */
  openFds: number | undefined;
};

export type MetricsSource = () => Omit<ServerCounts, 'rssBytes' | 'heapUsedBytes' | 'openFds'>;

export class MetricsServer {
  private constructor(private readonly server: Server) {}

  static async start(host: string, port: number, read: MetricsSource): Promise<MetricsServer> {
    const server = createServer((request, response) => {
      if (request.method !== 'GET' || request.url !== '/metrics') {
        response.writeHead(404).end();
        return;
      }
      (globalThis as { gc?: () => void }).gc?.();
      const { rss, heapUsed } = process.memoryUsage();
      const metrics: ServerCounts = { ...read(), rssBytes: rss, heapUsedBytes: heapUsed, openFds: openFds() };
      response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      response.end(JSON.stringify(metrics));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new MetricsServer(server);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function openFds(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined; // not Linux: no /proc
  }
}
