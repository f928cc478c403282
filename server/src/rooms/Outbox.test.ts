// A peer's outbox without a server: what goes out, what waits while the peer
// is away, in which order, and who holds the peer after a resume.
import { describe, expect, it } from 'vitest';
import { limits } from './limits.js';
import { Outbox, type PeerLink } from './Outbox.js';

function link() {
  const seen: [string, unknown][] = [];
  let detached = 0;
  const value: PeerLink = {
    notify: (event, payload) => void seen.push([event, payload]),
    detach: () => void detached++,
  };
  return { value, seen, detached: () => detached };
}

const box = (n: number) => ({ boxes: [{ from: '00000000-0000-4000-8000-000000000001', box: `b${n}` }] });
const producerId = '00000000-0000-4000-8000-000000000002';

describe('Outbox', () => {
  it('keeps only boxes while away, the newest 256, and delivers them in order on attach', () => {
    const first = link();
    const outbox = new Outbox(first.value);
    outbox.away();
    for (let i = 0; i < limits.outboxPerPeer + 10; i++) {
      outbox.send('e2eeRelayed', box(i));
      outbox.send('producerClosed', { producerId }); // in the resume reply's state: not kept
    }
    const second = link();
    outbox.resuming(second.value);
    // After the reply was built: kept too, within the same bound (one more box goes).
    outbox.send('peerLeft', { peerId: producerId });
    expect(second.seen).toEqual([]);
    expect(outbox.attach(second.value)).toBe(11);
    expect(second.seen.map(([event]) => event)).toEqual([
      ...Array<string>(limits.outboxPerPeer - 1).fill('e2eeRelayed'),
      'peerLeft',
    ]);
    expect(second.seen[0]).toEqual(['e2eeRelayed', box(11)]);
    outbox.send('e2eeRelayed', box(999));
    expect(second.seen.at(-1)).toEqual(['e2eeRelayed', box(999)]);
    expect(first.seen).toEqual([]);
  });

  it('detaches the link that held the peer when another resumes it, and ignores a stale attach', () => {
    const first = link();
    const outbox = new Outbox(first.value);
    const second = link();
    const third = link();
    outbox.resuming(second.value);
    expect(first.detached()).toBe(1);
    outbox.resuming(third.value);
    expect(second.detached()).toBe(1);
    expect(outbox.attach(second.value)).toBeUndefined();
    expect(outbox.attach(third.value)).toBe(0);
    outbox.send('e2eeRelayed', box(1));
    expect([first.seen, second.seen, third.seen.length]).toEqual([[], [], 1]);
    expect(third.detached()).toBe(0);
  });
});
