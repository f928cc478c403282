import { describe, expect, it } from 'vitest';
import { relayLimits } from '@parley/shared';
import { gatherRelayedBoxes } from './relayedBoxes.js';

const from = '00000000-0000-4000-8000-000000000001';
const peerId = '00000000-0000-4000-8000-000000000002';
const one = (n: number) => ({ boxes: [{ from, box: `b${n}` }] });
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('gathering relayed boxes for one socket', () => {
  it('sends the boxes of one turn as one event, in order, and other events without delay', async () => {
    const sent: [string, unknown][] = [];
    const notify = gatherRelayedBoxes((event, payload) => sent.push([event, payload]));
    notify('e2eeRelayed', one(1));
    notify('e2eeRelayed', one(2));
    expect(sent).toEqual([]);
    await turn();
    expect(sent).toEqual([['e2eeRelayed', { boxes: [...one(1).boxes, ...one(2).boxes] }]]);
    // Another event never overtakes boxes gathered before it.
    notify('e2eeRelayed', one(3));
    notify('peerLeft', { peerId });
    notify('e2eeRelayed', one(4));
    expect(sent.slice(1)).toEqual([
      ['e2eeRelayed', one(3)],
      ['peerLeft', { peerId }],
    ]);
    await turn();
    expect(sent.slice(3)).toEqual([['e2eeRelayed', one(4)]]);
  });

  it('keeps each event within the schema’s bound', async () => {
    const sent: { boxes: unknown[] }[] = [];
    const notify = gatherRelayedBoxes((_, payload) => sent.push(payload as { boxes: unknown[] }));
    for (let i = 0; i < relayLimits.boxesPerEvent + 3; i++) notify('e2eeRelayed', one(i));
    await turn();
    expect(sent.map((event) => event.boxes.length)).toEqual([relayLimits.boxesPerEvent, 3]);
  });
});
