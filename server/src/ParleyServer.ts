// The composition root: config → media workers → rooms → HTTP + socket.io.
// Parents own and close their children; close() is idempotent.
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Accounts, loadServerKey, Sessions } from './auth/index.js';
import type { Server as HttpServer } from 'node:http';
import { Server as SocketIoServer } from 'socket.io';
import type { Config } from './config/index.js';
import {
  authRoutes,
  bindSocketsToSessions,
  createHttpServer,
  metricsEndpoint,
  isSameOrigin,
  MetricsServer,
  clientKey,
  identify,
  requireClientVersion,
  responseHeaders,
  trustProxies,
} from './http/index.js';
import { createLogger, errorSummary } from './logging/index.js';
import { memoryCoordination, redisCoordination, type Coordination } from './coordination/index.js';
import { linkSecrets, MeetingLinks } from './links/index.js';
import { defaultRoomTimings, RejoinTickets, RoomRegistry, type RoomTimings } from './rooms/index.js';
import { openDatabase, storeLocation, type Store } from './store/index.js';
import { startMaintenance } from './store/maintenance.js';
import { checkAnnouncedAddress, MediaTap, WorkerPool } from './sfu/index.js';
import { Metrics } from './metrics/index.js';
import { mintTurnCredentials } from './turn/index.js';
import { IdentityKeys } from './e2ee/IdentityKeys.js';
import { attachSignaling, limitSockets, type ParleyIo } from './signaling/index.js';

const log = createLogger('ParleyServer');

/** Signaling messages are small; a megabyte (socket.io's default) invites abuse. */
const maxMessageBytes = 64 * 1024;

/** How long a draining server waits after telling clients it is restarting. */
const drainNoticeMs = 300;

/** Set in code, not in the environment: tests shorten the waits instead of sleeping through them. */
export type ServerOptions = { roomTimings?: Partial<RoomTimings> };

export class ParleyServer {
  #closed = false;

  private constructor(
    private readonly store: Store,
    private readonly stopMaintenance: () => void,
    private readonly pool: WorkerPool,
    private readonly rooms: RoomRegistry,
    private readonly http: HttpServer,
    private readonly io: ParleyIo,
    private readonly tap: MediaTap | undefined,
    private readonly metrics: MetricsServer | undefined,
    private readonly coordination: Coordination,
  ) {}

  static async create(config: Config, options: ServerOptions = {}): Promise<ParleyServer> {
    await checkAnnouncedAddress(config.media);
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    const serverKey = await loadServerKey(config.dataDir);
    const store = await openDatabase(storeLocation(config.dataDir, config.databaseUrl));
    let pool: WorkerPool | undefined;
    let tap: MediaTap | undefined;
    let metrics: MetricsServer | undefined;
    let coordination: Coordination | undefined;
    try {
      coordination = config.redisUrl ? await redisCoordination(config.redisUrl, serverKey) : memoryCoordination();
      pool = await WorkerPool.create(config.media.workers);
      const workers = pool;
      const sessions = new Sessions(store.db, config.sessions);
      const accounts = new Accounts(store, serverKey, sessions, coordination);
      const links = new MeetingLinks(store.db, linkSecrets(serverKey), config.links.maxDays);
      const deployment = { https: config.http.https, proxies: trustProxies(config.http.trustedProxies) };
      const cookies = { https: config.http.https, maxAgeSeconds: config.sessions.absoluteSeconds };
      const identityKeys = new IdentityKeys(store.db);
      tap = config.testMediaTap === undefined ? undefined : new MediaTap(config.testMediaTap);
      const { turn } = config.media;
      const rooms = new RoomRegistry(
        pool,
        { ...config.media, iceServers: () => (turn ? [mintTurnCredentials(turn)] : []) },
        {
          rememberIdentityKey: (userId, publicKey) => identityKeys.remember(userId, publicKey),
          spendLink: (linkId) =>
            void links
              .consume(linkId)
              .catch((error: unknown) =>
                log.error({ err: errorSummary(error) }, 'could not end a single-use meeting link'),
              ),
          ...(tap ? { onProducer: tap.onProducer, onChatRelayed: tap.onChatRelayed } : {}),
        },
        new RejoinTickets(serverKey.subkey(2, 'PrlyRjn1')),
        {
          ...defaultRoomTimings,
          noHostGraceMs: config.sensitiveCalls.noHostSeconds * 1000,
          ...options.roomTimings,
        },
        config.calls,
      );
      const prometheus = new Metrics({
        counts: () => rooms.counts(),
        workers: () => workers.workerPids.length,
        workerCpu: () => workers.cpuSeconds(),
      });
      const api = authRoutes(accounts, sessions, deployment, cookies, links, (step, reason) =>
        prometheus.loginFailed(step, reason),
      );
      const http = createHttpServer(
        config.clientDir,
        () => ({ status: workers.workerPids.length > 0 ? 'ok' : 'degraded', mediaWorkers: workers.workerPids.length }),
        getRequestListener(api.fetch),
        config.http,
        metricsEndpoint(prometheus, deployment.proxies),
      );
      const io: ParleyIo = new SocketIoServer(http, {
        serveClient: false,
        maxHttpBufferSize: maxMessageBytes,
        allowRequest: (request, callback) => callback(null, isSameOrigin(request, deployment)),
      });
      // socket.io's own HTTP responses (long-polling) carry the same headers as ours.
      const headers = responseHeaders(config.http);
      io.engine.on('initial_headers', (sent: Record<string, string>) => Object.assign(sent, headers));
      io.engine.on('headers', (sent: Record<string, string>) => Object.assign(sent, headers));
      io.use(requireClientVersion(config.clientVersions.minimum));
      io.on('connection', (socket) =>
        socket.emit('serverInfo', { currentClientVersion: config.clientVersions.current }),
      );
      io.use(
        identify({
          sessions,
          cookies,
          links,
          usernameOf: (userId) => accounts.usernameOf(userId),
          addressKeyOf: (request) => clientKey(request, deployment.proxies),
        }),
      );
      bindSocketsToSessions(io, sessions);
      // After the session check: how many sockets that session and its user hold.
      io.use(limitSockets());
      attachSignaling(io, rooms, links);
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.http.port, config.http.host, () => {
          http.off('error', reject);
          resolve();
        });
      });
      if (config.metrics)
        metrics = await MetricsServer.start(config.metrics.host, config.metrics.port, () => ({
          ...rooms.counts(),
          sockets: io.engine.clientsCount,
          mediaWorkers: workers.workerPids.length,
        }));
      const stopMaintenance = startMaintenance(store.db, sessions, links);
      const server = new ParleyServer(store, stopMaintenance, pool, rooms, http, io, tap, metrics, coordination);
      log.info({ port: server.port, coordination: coordination.engine }, 'listening');
      return server;
    } catch (error) {
      await metrics?.close();
      pool?.close();
      tap?.close();
      await coordination?.close();
      await store.db.destroy();
      throw error;
    }
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  /** The metrics port, if switched on (PARLEY_METRICS_PORT). */
  get metricsPort(): number | undefined {
    return this.metrics?.port;
  }

  get workerPool(): WorkerPool {
    return this.pool;
  }

  /**
   * A graceful stop (SIGTERM): no call starts and nobody joins one from now
   * on; everyone connected is told the server is restarting (their pages
   * come back into their calls on their own once it is up again, with their
   * rejoin tickets); then the server closes.
   */
  async drain(): Promise<void> {
    this.rooms.drain();
    this.io.emit('serverRestarting', {});
    // Long enough for the notice to leave before the sockets close; a client that misses it reconnects anyway.
    await new Promise((resolve) => setTimeout(resolve, drainNoticeMs));
    await this.close();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.rooms.closeAll();
    await this.metrics?.close();
    await this.io.close(); // also closes the HTTP server
    this.pool.close();
    this.tap?.close();
    this.stopMaintenance();
    await this.coordination.close();
    await this.store.db.destroy();
    log.info('closed');
  }
}
