// The rooms that exist right now, by id. A logged-in user creates a room and
// becomes its host; the id is 128 random bits, so the share link is the only
// way in. Rooms live in memory only and are forgotten when they close.
import { randomBytes } from 'node:crypto';
import { NotFoundError, RateLimitError } from '../errors.js';
import type { WorkerPool } from '../sfu/index.js';
import { defaultRoomTimings, limits, userRates, type RoomTimings } from './limits.js';
import { Quota, RateLimiter } from './rateLimit.js';
import { Room } from './Room.js';
import type { MediaNetwork, RoomContext, RoomHooks } from './RoomOptions.js';

export class RoomRegistry {
  readonly #rooms = new Map<string, Room>();
  readonly #context: RoomContext;
  /** Each open room holds a mediasoup router: a user holds a few at a time, and frees one when it closes. */
  readonly #openRooms = new Quota(limits.openRoomsPerUser, 'open calls per account');
  readonly #creations = new RateLimiter<string>();

  constructor(
    private readonly pool: WorkerPool,
    network: MediaNetwork,
    hooks: RoomHooks,
    timings: RoomTimings = defaultRoomTimings,
  ) {
    const transportsPerUser = new Quota(limits.transportsPerUser, 'media transports per account');
    this.#context = { network, hooks, timings, transportsPerUser };
  }

  get size(): number {
    return this.#rooms.size;
  }

  /** How many calls, and people in them or waiting: counts only (for /metrics). */
  census(): { rooms: number; participants: number; waiting: number } {
    let participants = 0;
    let waiting = 0;
    for (const room of this.#rooms.values()) {
      participants += room.roster.admitted.size;
      waiting += room.roster.waiting.size;
    }
    return { rooms: this.#rooms.size, participants, waiting };
  }

  async create(organiserId: string): Promise<Room> {
    // Both taken before the router is awaited, so parallel requests cannot all pass.
    const release = this.#openRooms.reserve(organiserId);
    if (!this.#creations.tryTake(organiserId, userRates.createRoom)) {
      release();
      throw new RateLimitError('new calls', userRates.createRoom);
    }
    let router;
    try {
      router = await this.pool.createRouter();
    } catch (error) {
      release();
      throw error;
    }
    const id = randomBytes(16).toString('base64url');
    const room = new Room(id, router, organiserId, this.#context);
    this.#rooms.set(id, room);
    room.once('close', () => {
      this.#rooms.delete(id);
      release();
    });
    return room;
  }

  /** The room with this id; an unknown id and a closed room look the same. */
  get(id: string): Room {
    const room = this.#rooms.get(id);
    if (!room) throw new NotFoundError('call');
    return room;
  }

  closeAll(): void {
    for (const room of [...this.#rooms.values()]) room.close();
  }
}
