// The composition root: config → media workers → rooms → HTTP + socket.io.
// Parents own and close their children; close() is idempotent.
import type { AddressInfo } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { Server as SocketIoServer } from 'socket.io';
import type { Config } from './config/index.js';
import { createHttpServer, isSameOrigin } from './http/index.js';
import { createLogger } from './logging/index.js';
import { RoomRegistry } from './rooms/index.js';
import { WorkerPool } from './sfu/index.js';
import { attachSignaling, type ParleyIo } from './signaling/index.js';

const log = createLogger('ParleyServer');

/** Signaling messages are small; a megabyte (socket.io's default) invites abuse. */
const maxMessageBytes = 64 * 1024;

export class ParleyServer {
  #closed = false;

  private constructor(
    private readonly pool: WorkerPool,
    private readonly rooms: RoomRegistry,
    private readonly http: HttpServer,
    private readonly io: ParleyIo,
  ) {}

  static async create(config: Config): Promise<ParleyServer> {
    const pool = await WorkerPool.create(config.media.workers);
    try {
      const rooms = new RoomRegistry(pool, config.media);
      const http = createHttpServer(config.clientDir, () => ({
        status: pool.workerPids.length > 0 ? 'ok' : 'degraded',
        mediaWorkers: pool.workerPids.length,
      }));
      const io: ParleyIo = new SocketIoServer(http, {
        serveClient: false,
        maxHttpBufferSize: maxMessageBytes,
        allowRequest: (request, callback) => callback(null, isSameOrigin(request)),
      });
      attachSignaling(io, rooms);
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.http.port, config.http.host, () => {
          http.off('error', reject);
          resolve();
        });
      });
      const server = new ParleyServer(pool, rooms, http, io);
      log.info({ port: server.port }, 'listening');
      return server;
    } catch (error) {
      pool.close();
      throw error;
    }
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  get workerPool(): WorkerPool {
    return this.pool;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.rooms.closeAll();
    await this.io.close(); // also closes the HTTP server
    this.pool.close();
    log.info('closed');
  }
}
