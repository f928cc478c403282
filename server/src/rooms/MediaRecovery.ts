// When a call's media worker dies (a crash, an out-of-memory kill), the call
// moves to a live worker instead of ending: new routers (a RouterGroup; when
// the call had spread over several workers, all of it moves, the routers on
// live workers closed with the rest of its old media), and every admitted
// peer is told (`mediaRestarted`) to create new transports, produce again and
// consume again. Nothing else changes: the roster, key slots, host rights, the
// E2EE announcements and the keys themselves (which never reach the server)
// are untouched, so nobody re-verifies anyone. The dead worker's transports,
// producers and consumers closed with it and freed their slots as they did.
import { performance } from 'node:perf_hooks';
import type { RouterGroup } from '../sfu/RouterGroup.js';
import { createLogger } from '../logging/index.js';

const log = createLogger('rooms.MediaRecovery');

/** What recovery needs from a room. */
export type RecoverableRoom = {
  readonly closed: boolean;
  /** Puts the call on `routers` and tells everyone in it. */
  moveMedia(routers: RouterGroup): void;
  /** No live worker could be had: the call ends. */
  close(): void;
};

export class MediaRecovery {
  /** How many times this call moved, for logs and tests. */
  #moves = 0;

  constructor(
    private readonly room: RecoverableRoom,
    /** Routers starting on a live worker (waits a while for a replacement when none is alive). */
    private readonly newRouters: () => Promise<RouterGroup>,
  ) {}

  get moves(): number {
    return this.#moves;
  }

  /**
   * Watches the workers of the call's routers (any of them, when the call
   * spreads over several); a router closed on purpose (the call ended) is not
   * a death.
   */
  watch(routers: RouterGroup): void {
    routers.once('workerclose', () => void this.#recover());
  }

  async #recover(): Promise<void> {
    if (this.room.closed) return;
    const started = performance.now();
    log.warn('the media worker of a call died; moving the call to a live worker');
    let routers: RouterGroup;
    try {
      routers = await this.newRouters();
    } catch (error) {
      log.error({ err: error }, 'no live media worker for a call whose worker died; ending the call');
      this.room.close();
      return;
    }
    // The call may have ended while we waited (everyone left, a host ended it).
    if (this.room.closed) {
      routers.close();
      return;
    }
    this.watch(routers);
    this.room.moveMedia(routers);
    this.#moves++;
    log.info({ ms: Math.round(performance.now() - started) }, 'call moved to a live media worker');
  }
}
