// The rooms that exist right now, by id. A logged-in user creates a room and
// becomes its host; the id is 128 random bits, so the share link is the only
// way in. Rooms live in memory only and are forgotten when they close.
import { randomBytes } from 'node:crypto';
import { NotFoundError } from '../errors.js';
import type { WorkerPool } from '../sfu/index.js';
import { Room } from './Room.js';
import type { MediaNetwork, RoomHooks } from './RoomOptions.js';
import { defaultRoomTimings, type RoomTimings } from './limits.js';

export class RoomRegistry {
  readonly #rooms = new Map<string, Room>();

  constructor(
    private readonly pool: WorkerPool,
    private readonly network: MediaNetwork,
    private readonly hooks: RoomHooks,
    private readonly timings: RoomTimings = defaultRoomTimings,
  ) {}

  get size(): number {
    return this.#rooms.size;
  }

  async create(hostUserId: string): Promise<Room> {
    const id = randomBytes(16).toString('base64url');
    const room = new Room(id, await this.pool.createRouter(), this.network, hostUserId, this.hooks, this.timings);
    this.#rooms.set(id, room);
    room.once('close', () => this.#rooms.delete(id));
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
