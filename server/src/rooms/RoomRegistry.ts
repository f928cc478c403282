// The rooms that exist right now, by id. A room is created by its first
// joiner and forgotten when it closes.
import type { WorkerPool } from '../sfu/index.js';
import { Room, type MediaNetwork } from './Room.js';

export class RoomRegistry {
  readonly #rooms = new Map<string, Room>();
  readonly #pending = new Map<string, Promise<Room>>();

  constructor(
    private readonly pool: WorkerPool,
    private readonly network: MediaNetwork,
  ) {}

  get size(): number {
    return this.#rooms.size;
  }

  /** The room with this id, created on first use; concurrent callers share one creation. */
  async getOrCreate(id: string): Promise<Room> {
    const existing = this.#rooms.get(id);
    if (existing) return existing;
    const pending = this.#pending.get(id);
    if (pending) return pending;
    const creation = this.#create(id).finally(() => this.#pending.delete(id));
    this.#pending.set(id, creation);
    return creation;
  }

  closeAll(): void {
    for (const room of [...this.#rooms.values()]) room.close();
  }

  async #create(id: string): Promise<Room> {
    const room = new Room(id, await this.pool.createRouter(), this.network);
    this.#rooms.set(id, room);
    room.once('close', () => this.#rooms.delete(id));
    return room;
  }
}
