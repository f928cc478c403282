// The races people hit in the anchors' calls, each played through the key
// agreement with real libsodium boxes (CallSimulation: a relaying server with
// delays, a virtual clock): joins and leaves in quick succession, joins at
// the same moment, a leave while a rotation is pending, someone muted through
// many membership changes, a reconnect in the middle of a rotation, leaves
// coalesced into one rotation, and listeners who cost (almost) nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { CallSimulation } from '../../../test/support/CallSimulation.js';
import { defaultTiming } from './KeyAgreement.js';
import { loadSodium, type Sodium } from './sodium.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

const latencyMs = 40;
const sim = () => new CallSimulation(sodium, { latencyMs });
/** How long after a leave a leaver may still read (coalescing, then receipts or the switch timeout). */
const graceMs = latencyMs * 4 + defaultTiming.leaveCoalesceMs + defaultTiming.switchTimeoutMs;
const epochOf = (call: CallSimulation, name: string) => call.person(name).sendKey?.epoch ?? -1;

function settled(call: CallSimulation) {
  call.settle();
  expect(call.keyLeaks(graceMs)).toEqual([]);
  expect(call.undecryptable()).toEqual([]);
}

describe('joins and leaves in quick succession', () => {
  it('keeps every key from those absent when people come and go within milliseconds', () => {
    const call = sim();
    for (const name of ['Hana', 'Fern', 'Carl']) call.join(name);
    call.settle();
    call.join('Dana');
    call.settle(5);
    call.leave('Carl');
    call.settle(5);
    call.join('Emil');
    call.leave('Dana'); // before anyone has welcomed her
    call.settle(5);
    call.leave('Fern');
    call.join('Gus');
    settled(call);
    expect(call.present.map((p) => p.name)).toEqual(['Hana', 'Emil', 'Gus']);
  });

  it('does not rotate for someone who left before anyone gave them a key', () => {
    const call = sim();
    for (const name of ['Hana', 'Fern']) call.join(name);
    call.settle();
    const before = epochOf(call, 'Hana');
    call.join('Dana');
    call.leave('Dana'); // the leave reaches everyone before her announcement
    settled(call);
    expect(epochOf(call, 'Hana')).toBe(before);
  });
});

describe('simultaneous joins', () => {
  it('gives newcomers who arrive together one shared ratchet step, and each of them only keys from their arrival on', () => {
    const call = sim();
    for (const name of ['Hana', 'Fern']) call.join(name);
    call.settle();
    const before = epochOf(call, 'Hana');
    for (const name of ['J1', 'J2', 'J3', 'J4']) call.join(name);
    settled(call);
    // One welcome for all four (their announcements arrive in the same tick), not four ratchets.
    expect(epochOf(call, 'Hana')).toBe(before + 1);
    for (const name of ['J1', 'J2', 'J3', 'J4']) expect(call.canDecrypt(name, 'Hana')).toBe(true);
  });
});

describe('a leave during a pending rotation', () => {
  it('coalesces leaves within the window into one rotation', () => {
    const call = sim();
    for (const name of ['Hana', 'Fern', 'Carl', 'Dana', 'Emil']) call.join(name);
    call.settle();
    const before = epochOf(call, 'Hana');
    const boxes = call.person('Hana').boxesSent;
    call.leave('Carl');
    call.settle(defaultTiming.leaveCoalesceMs / 3);
    call.leave('Dana');
    settled(call);
    expect(epochOf(call, 'Hana')).toBe(before + 1); // one fresh key, not two
    // One key to each of the two who remain with her, and one receipt for each of their keys.
    expect(call.person('Hana').boxesSent - boxes).toBe(2 + 2);
  });

  it('discards a pending key when someone who received it leaves before it is used', () => {
    const call = sim();
    for (const name of ['Hana', 'Fern', 'Carl', 'Dana']) call.join(name);
    call.settle();
    call.leave('Carl');
    call.settle(defaultTiming.leaveCoalesceMs + latencyMs + 5); // keys sent and received, receipts on their way
    const pending = call.person('Dana').received.get(call.person('Hana').participant.peerId);
    const danaHeld = [...(pending?.values() ?? [])];
    call.leave('Dana');
    settled(call);
    const hanaNow = call.person('Hana').sendKey?.key;
    expect(danaHeld.some((key) => hanaNow && key.every((byte, i) => byte === hanaNow[i]))).toBe(false);
  });

  it('puts the new key in use at every remaining sender within 2 s of a leave, even when one receiver never answers', () => {
    const call = sim();
    for (const name of ['Hana', 'Fern', 'Carl', 'Dana']) call.join(name);
    call.settle();
    call.cut('Dana'); // her receipts never come
    const leftAt = call.now;
    call.leave('Carl');
    call.settle(2000);
    for (const name of ['Hana', 'Fern']) {
      const use = call.person(name).used.at(-1);
      expect(use?.from ?? Infinity).toBeLessThanOrEqual(leftAt + 2000);
      expect(call.derivable('Carl', name).some((key) => key.every((b, i) => b === use?.key[i]))).toBe(false);
    }
  });
});

describe('someone muted through many membership changes', () => {
  it('is decryptable by everyone at once when they unmute, with a key no leaver or earlier frame had', () => {
    const call = sim();
    for (const name of ['Hana', 'Fern', 'Carl']) call.join(name);
    call.settle();
    call.setSending('Hana', false);
    for (const name of ['J1', 'J2', 'J3', 'J4', 'J5']) {
      call.join(name);
      call.settle(200);
    }
    call.leave('Carl');
    call.leave('J2');
    call.settle();
    const hanaBoxes = call.person('Hana').boxesSent;
    call.setSending('Hana', true);
    // At once, one box with her fresh key to each member present.
    expect(call.person('Hana').boxesSent - hanaBoxes).toBe(call.present.length - 1);
    const unmutedAt = call.now;
    call.settle(latencyMs + 1);
    // One relay later everyone holds the key she sends under: nobody had to ask for it.
    for (const person of call.present)
      if (person.name !== 'Hana') expect(call.canDecrypt(person.name, 'Hana')).toBe(true);
    expect(call.now - unmutedAt).toBeLessThanOrEqual(1000);
    settled(call);
  });
});

describe('a reconnect in the middle of a rotation', () => {
  it('recovers when a socket drops right after a leave, boxes to and from it lost, and it resumes', () => {
    const call = sim();
    for (const name of ['Hana', 'Fern', 'Carl', 'Dana']) call.join(name);
    call.settle();
    call.leave('Carl');
    call.settle(defaultTiming.leaveCoalesceMs + 5); // rotations under way
    call.cut('Fern');
    call.join('Emil'); // Fern does not hear of him either
    call.settle(3000);
    call.resume('Fern');
    settled(call);
    expect(
      call
        .person('Fern')
        .machine.members.map((m) => m.displayName)
        .sort(),
    ).toEqual(['Dana', 'Emil', 'Hana']);
  });

  it('treats a leave it missed while away as a leave when it resumes', () => {
    const call = sim();
    for (const name of ['Hana', 'Fern', 'Carl']) call.join(name);
    call.settle();
    call.cut('Hana');
    call.leave('Carl');
    call.settle(1000);
    call.resume('Hana');
    settled(call);
  });
});

describe('listeners', () => {
  it('cost a leave or a join a key box and a receipt per sender, not per member', () => {
    const call = sim();
    call.join('Teacher');
    const pupils = Array.from({ length: 12 }, (_, i) => `Pupil${i}`);
    for (const name of pupils) call.join(name, { sending: false });
    call.settle();
    let relayed = call.relayed;
    call.leave('Pupil3');
    settled(call);
    // The teacher's new key to each of the 11 pupils left, and their receipts.
    expect(call.relayed - relayed).toBe(2 * 11);
    relayed = call.relayed;
    call.join('Late', { sending: false });
    settled(call);
    expect(call.relayed - relayed).toBe(2);
    expect(call.person('Teacher').machine.recipients).toHaveLength(12);
    for (const name of pupils.filter((p) => p !== 'Pupil3')) expect(call.person(name).machine.sendEpoch).toBe(0);
  });

  it('makes a listener who starts speaking decryptable by everyone within one relay, and only by those present', () => {
    const call = sim();
    call.join('Teacher');
    for (const name of ['Ada', 'Ben', 'Cy', 'Dot']) call.join(name, { sending: false });
    call.settle();
    call.leave('Dot'); // she leaves before Ben speaks: she must get nothing of his
    call.settle();
    call.setSending('Ben', true);
    call.settle(latencyMs + 1);
    for (const name of ['Teacher', 'Ada', 'Cy']) expect(call.canDecrypt(name, 'Ben')).toBe(true);
    expect(call.derivable('Dot', 'Ben')).toEqual([]);
    settled(call);
  });
});
