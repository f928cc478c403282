// When everyone in a call hands out a new key at once, each receiver is sent
// a box by every other participant within a few milliseconds. Emitting each
// as its own socket.io event costs the server a write per box (most of its
// work at 100 people); gathering the boxes for one socket that arrive in the
// same turn of the event loop into one event costs one. Order is kept: any
// other event first sends out the boxes gathered before it.
import { relayLimits, type ServerEventName, type ServerEventOf } from '@parley/shared';
import type { Notify } from '../rooms/index.js';

type Box = ServerEventOf<'e2eeRelayed'>['boxes'][number];

/** A Notify for one socket that gathers `e2eeRelayed` boxes until the end of the current turn. */
export function gatherRelayedBoxes(emit: (event: ServerEventName, payload: unknown) => void): Notify {
  let gathered: Box[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const boxes = gathered;
    gathered = [];
    for (let i = 0; i < boxes.length; i += relayLimits.boxesPerEvent)
      emit('e2eeRelayed', { boxes: boxes.slice(i, i + relayLimits.boxesPerEvent) });
  };
  return (event, payload) => {
    if (event !== 'e2eeRelayed') {
      if (gathered.length > 0) flush();
      return emit(event, payload);
    }
    gathered.push(...(payload as ServerEventOf<'e2eeRelayed'>).boxes);
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      if (scheduled) flush();
    });
  };
}
