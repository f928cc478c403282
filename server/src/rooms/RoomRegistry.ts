// The rooms that exist right now, by id. A logged-in user creates a room and
// becomes its host; the id is 128 random bits, so the share link is the only
// way in. A meeting link's call is a room too, started by the link's owner;
// whoever opens the link before that waits here to be told it started.
// Rooms live in memory only and are forgotten when they close.
import { randomBytes } from 'node:crypto';
import type { CallPolicy } from '@parley/shared';
import type { types } from 'mediasoup';
import { ClientError, LimitError, NotFoundError, RateLimitError } from '../errors.js';
import { defaultConsumersPerWorker, RouterGroup, type WorkerPool } from '../sfu/index.js';
import { defaultMaxFileMb, defaultRoomTimings, limits, userRates, type RoomTimings } from './limits.js';
import { Quota, RateLimiter } from './rateLimit.js';
import type { RejoinGrant, RejoinTickets } from './RejoinTickets.js';
import { Room } from './Room.js';
import type { MediaNetwork, RoomContext, RoomHooks } from './RoomOptions.js';

export type RoomCounts = {
  rooms: number;
  /** Everyone in a call's roster: in it (`participants`) or waiting in its lobby (`waiting`). */
  peers: number;
  participants: number;
  waiting: number;
  transports: number;
  producers: number;
  consumers: number;
};

export class RoomRegistry {
  readonly #rooms = new Map<string, Room>();
  readonly #context: RoomContext;
  /** Each open room holds a mediasoup router: a user holds a few at a time, and frees one when it closes. */
  readonly #openRooms = new Quota(limits.openRoomsPerUser, 'open calls per account');
  readonly #creations = new RateLimiter<string>();
  /** The running call of each meeting link. */
  readonly #linkRooms = new Map<string, Room>();
  /** Who waits for a meeting link's call to start, per link. */
  readonly #waitingForHost = new Map<string, Set<() => void>>();

  /** Rejoin tickets older than this process are honoured; younger ones are for the next restart. */
  readonly #startedAt = Date.now();
  /** Set when the server is shutting down: no new calls, and nobody new joins one. */
  #draining = false;

  constructor(
    private readonly pool: WorkerPool,
    network: MediaNetwork,
    hooks: RoomHooks,
    readonly tickets: RejoinTickets,
    timings: RoomTimings = defaultRoomTimings,
    calls: { maxSize: number; consumersPerWorker: number; maxFileBytes?: number } = {
      maxSize: limits.peersPerRoom,
      consumersPerWorker: defaultConsumersPerWorker,
    },
  ) {
    const transportsPerUser = new Quota(limits.transportsPerUser, 'media transports per account');
    this.#context = {
      network,
      hooks,
      timings,
      maxCallSize: calls.maxSize,
      maxFileBytes: calls.maxFileBytes ?? defaultMaxFileMb * 1024 * 1024,
      consumersPerWorker: calls.consumersPerWorker,
      transportsPerUser,
      tickets,
      newRouters: async () => new RouterGroup(await pool.createRouter(), pool, calls.consumersPerWorker),
    };
  }

  /**
   * What a rejoin ticket grants `userId` for `roomId`, if anything: it must be
   * valid, theirs, for that call, and issued by an earlier server process.
   */
  honour(ticket: string | undefined, roomId: string, userId: string): RejoinGrant | undefined {
    const grant = ticket === undefined ? undefined : this.tickets.verify(ticket);
    if (!grant || grant.roomId !== roomId || grant.userId !== userId) return undefined;
    return grant.issuedAt < this.#startedAt ? grant : undefined;
  }

  /** The server is going down (SIGTERM): from now on no call starts and nobody joins one. */
  drain(): void {
    this.#draining = true;
  }

  assertOpen(): void {
    if (this.#draining) throw new ClientError('busy', 'Parley is restarting. Try again in a moment.');
  }

  get size(): number {
    return this.#rooms.size;
  }

  /** A new call; `linkId` makes it that meeting link's call (at most one at a time). */
  async create(organiserId: string, policy: CallPolicy, linkId?: string): Promise<Room> {
    this.assertOpen();
    if (linkId !== undefined && this.#linkRooms.has(linkId)) return this.#linkRooms.get(linkId) as Room;
    // Both taken before the router is awaited, so parallel requests cannot all pass.
    const release = this.#openRooms.reserve(organiserId);
    if (!this.#creations.tryTake(organiserId, userRates.createRoom)) {
      release();
      throw new RateLimitError('new calls', userRates.createRoom);
    }
    const router = await this.#newRouter(release);
    // Two owners' devices starting the same link's call at once: the first one's room counts.
    const running = linkId === undefined ? undefined : this.#linkRooms.get(linkId);
    if (running) {
      router.close();
      release();
      return running;
    }
    return this.#open(randomBytes(16).toString('base64url'), router, organiserId, policy, linkId, release);
  }

  /**
   * After a server restart, the call a valid rejoin ticket names: as it runs
   * now, or re-created under the same id with the organiser, policy and link
   * the ticket carries (its first returning participant does this). Not a new
   * call, so not charged to the creation rate; it holds one of the
   * organiser's open-call slots, as it did before.
   */
  async rejoin(grant: RejoinGrant): Promise<Room> {
    const running = this.#rooms.get(grant.roomId);
    if (running) return running;
    const release = this.#openRooms.reserve(grant.organiserId);
    const router = await this.#newRouter(release);
    // Two participants came back at once: the first one's room counts.
    const raced = this.#rooms.get(grant.roomId);
    if (raced) {
      router.close();
      release();
      return raced;
    }
    return this.#open(grant.roomId, router, grant.organiserId, grant.policy, grant.linkId, release);
  }

  #open(
    id: string,
    router: types.Router,
    organiserId: string,
    policy: CallPolicy,
    linkId: string | undefined,
    release: () => void,
  ): Room {
    const routers = new RouterGroup(router, this.pool, this.#context.consumersPerWorker);
    const room = new Room(id, routers, organiserId, this.#context, policy, linkId);
    this.#rooms.set(id, room);
    if (linkId !== undefined) this.#linkRooms.set(linkId, room);
    room.once('close', () => {
      this.#rooms.delete(id);
      if (linkId !== undefined && this.#linkRooms.get(linkId) === room) this.#linkRooms.delete(linkId);
      release();
    });
    if (linkId !== undefined) {
      for (const tell of this.#waitingForHost.get(linkId) ?? []) tell();
      this.#waitingForHost.delete(linkId);
    }
    return room;
  }

  /** The running call of a meeting link, if its owner started it. */
  linkRoom(linkId: string): Room | undefined {
    return this.#linkRooms.get(linkId);
  }

  /** Tells `started` when the link's call starts; returns the function that stops waiting. */
  waitForHost(linkId: string, started: () => void): () => void {
    const waiting = this.#waitingForHost.get(linkId) ?? new Set<() => void>();
    if (waiting.size >= limits.waitingForHostPerLink)
      throw new LimitError('people waiting for this call to start', limits.waitingForHostPerLink);
    waiting.add(started);
    this.#waitingForHost.set(linkId, waiting);
    return () => {
      waiting.delete(started);
      if (waiting.size === 0 && this.#waitingForHost.get(linkId) === waiting) this.#waitingForHost.delete(linkId);
    };
  }

  /** The room with this id; an unknown id and a closed room look the same. */
  get(id: string): Room {
    const room = this.#rooms.get(id);
    if (!room) throw new NotFoundError('call');
    return room;
  }

  /** What the server holds right now, in counts only (both metrics outputs; leak checks). */
  counts(): RoomCounts {
    const counts: RoomCounts = {
      rooms: this.#rooms.size,
      peers: 0,
      participants: 0,
      waiting: 0,
      transports: 0,
      producers: 0,
      consumers: 0,
    };
    for (const room of this.#rooms.values()) {
      counts.peers += room.roster.size;
      counts.participants += room.roster.admitted.size;
      counts.waiting += room.roster.waiting.size;
      for (const peer of room.roster.admitted.values()) {
        const held = peer.mediaCounts;
        counts.transports += held.transports;
        counts.producers += held.producers;
        counts.consumers += held.consumers;
      }
    }
    return counts;
  }

  /** A router for a call about to open; the organiser's open-call slot is given back if there is none. */
  async #newRouter(release: () => void) {
    try {
      return await this.pool.createRouter();
    } catch (error) {
      release();
      throw error;
    }
  }

  closeAll(): void {
    for (const room of [...this.#rooms.values()]) room.close();
  }
}
