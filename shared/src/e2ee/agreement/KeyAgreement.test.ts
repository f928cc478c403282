// The key agreement's rules, each driven through the state machine with real
// libsodium boxes (CallSimulation: a relaying server, delays, a virtual clock).
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Participant } from '../../protocol/index.js';
import { CallSimulation } from '../../../test/support/CallSimulation.js';
import { createAgreementCrypto } from './AgreementCrypto.js';
import { KeyAgreement } from './KeyAgreement.js';
import type { AgreementAction } from './messages.js';
import { loadSodium, type Sodium } from './sodium.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

const sim = (options: ConstructorParameters<typeof CallSimulation>[1] = {}) => new CallSimulation(sodium, options);
const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const holdsAnyOf = (keys: Uint8Array[], used: ({ key: Uint8Array } | undefined)[]) =>
  used.some((u) => u !== undefined && keys.some((k) => equal(k, u.key)));
const sendKey = (call: CallSimulation, name: string) => {
  const key = call.person(name).sendKey;
  if (!key) throw new Error(`${name} sends under no key`);
  return key;
};

/** A participant outside any simulation: its crypto, its roster entry, and its own machine. */
function stranger(roomId = 'room-simulated-0001') {
  const peerId = randomUUID();
  const identity = sodium.crypto_sign_keypair();
  const crypto = createAgreementCrypto(sodium, { roomId, peerId, identity });
  const participant: Participant = {
    peerId,
    displayName: 'Mallory',
    identity: { kind: 'guest' },
    isHost: false,
    accountId: randomUUID(),
    keySlot: 7,
    permissions: { speak: true, share: true },
  };
  return { peerId, crypto, participant, identity };
}

const sent = (actions: AgreementAction[], to: string) =>
  actions.filter((a): a is Extract<AgreementAction, { type: 'send' }> => a.type === 'send' && a.to === to);

describe('one roster: who receives our key', () => {
  it('lists everyone the server admitted, keys or not, and gives our key only to listed members with valid keys', () => {
    const call = sim();
    call.join('Hana');
    call.join('Fern');
    call.settle();
    const hana = call.person('Hana').machine;
    // A listener who publishes no media is a member like any other: listed, and given keys once announced.
    const quiet = stranger();
    hana.handle({ type: 'memberJoined', participant: quiet.participant, now: call.now });
    expect(hana.members.map((m) => m.displayName)).toEqual(['Fern', 'Mallory']);
    expect(hana.recipients).not.toContain(quiet.peerId); // no announcement yet: nothing
    const afterAnnouncement = hana.handle({
      type: 'announced',
      peerId: quiet.peerId,
      announcement: quiet.crypto.announcement,
      now: call.now,
    });
    const welcomed = hana.handle({ type: 'tick', now: call.now });
    expect(sent([...afterAnnouncement, ...welcomed], quiet.peerId)).toHaveLength(1);
    expect(hana.recipients.sort()).toEqual([call.person('Fern').participant.peerId, quiet.peerId].sort());
    // Every recipient is a listed member.
    const listed = new Set(hana.members.map((m) => m.peerId));
    expect(hana.recipients.every((id) => listed.has(id))).toBe(true);
  });

  it('gives nothing to keys announced for someone who is not in the roster', () => {
    const call = sim();
    call.join('Hana');
    call.settle();
    const hana = call.person('Hana').machine;
    const hidden = stranger();
    const actions = [
      ...hana.handle({ type: 'announced', peerId: hidden.peerId, announcement: hidden.crypto.announcement, now: 1 }),
      ...hana.handle({ type: 'tick', now: 2 }),
    ];
    expect(sent(actions, hidden.peerId)).toEqual([]);
    expect(hana.members).toEqual([]);
    expect(hana.recipients).toEqual([]);
  });

  it('never trusts an announcement whose signature does not bind the keys to this room and peer', () => {
    const call = sim();
    call.join('Hana');
    call.settle();
    const hana = call.person('Hana').machine;
    const mallory = stranger('another-room-000001'); // signed for another room
    hana.handle({ type: 'memberJoined', participant: mallory.participant, now: 1 });
    const actions = hana.handle({
      type: 'announced',
      peerId: mallory.peerId,
      announcement: mallory.crypto.announcement,
      now: 1,
    });
    expect(actions).toContainEqual({ type: 'alert', alert: 'invalid-announcement', peerId: mallory.peerId });
    expect(sent([...actions, ...hana.handle({ type: 'tick', now: 2 })], mallory.peerId)).toEqual([]);
    expect(hana.members[0]?.status).toBe('invalid');
  });
});

describe('a key swap while someone is present', () => {
  it('accepts an announcement once: new keys for a present member stop all delivery and alert until verified', () => {
    const call = sim();
    call.join('Hana');
    call.join('Fern');
    call.join('Carl');
    call.join('Dana');
    call.settle();
    const hana = call.person('Hana').machine;
    const fern = call.person('Fern').participant;
    // The server relays different keys for Fern, signed by a key of its own.
    const swapped = stranger();
    const forged = createAgreementCrypto(sodium, {
      roomId: 'room-simulated-0001',
      peerId: fern.peerId,
      identity: swapped.identity,
    });
    const actions = hana.handle({
      type: 'announced',
      peerId: fern.peerId,
      announcement: forged.announcement,
      now: call.now,
    });
    expect(actions).toContainEqual({ type: 'alert', alert: 'keys-changed', peerId: fern.peerId });
    expect(hana.recipients).not.toContain(fern.peerId);
    const member = hana.members.find((m) => m.peerId === fern.peerId);
    expect(member?.status).toBe('changed');
    expect(member?.keys?.callKey).toEqual(call.person('Fern').machine.ownKeys.callKey); // the code still covers the old keys
    // Carl leaves and Hana rotates: Fern (keys changed) gets nothing of it.
    const rotation = [
      ...hana.handle({ type: 'memberLeft', peerId: call.person('Carl').participant.peerId, now: call.now }),
      ...hana.handle({ type: 'tick', now: call.now }),
    ];
    expect(sent(rotation, call.person('Dana').participant.peerId)).toHaveLength(1);
    expect(sent(rotation, fern.peerId)).toEqual([]);
    // Once the person compared the new keys' emoji, they are accepted and keys flow to them again.
    hana.handle({ type: 'changedKeysVerified', peerId: fern.peerId, now: call.now });
    expect(hana.recipients).toContain(fern.peerId);
    const welcome = hana.handle({ type: 'tick', now: call.now + 1 });
    expect(sent(welcome, fern.peerId)).toHaveLength(1);
  });

  it('flags a member whose account or key slot the server changes, and never adopts the change', () => {
    const call = sim();
    call.join('Hana');
    call.join('Fern');
    call.settle();
    const hana = call.person('Hana').machine;
    const fern = call.person('Fern').participant;
    const actions = hana.handle({
      type: 'memberUpdated',
      participant: { ...fern, accountId: randomUUID() },
      now: call.now,
    });
    expect(actions).toContainEqual({ type: 'alert', alert: 'identity-changed', peerId: fern.peerId });
    expect(hana.members[0]?.accountId).toBe(fern.accountId);
    expect(hana.recipients).toEqual([]);
    hana.handle({ type: 'memberUpdated', participant: { ...fern, keySlot: fern.keySlot + 1 }, now: call.now });
    expect(hana.members[0]?.slot).toBe(fern.keySlot);
  });
});

describe('newcomers and leavers', () => {
  it('gives the first joiner only a key no frame before their arrival used', () => {
    const call = sim();
    call.join('Hana');
    call.settle();
    call.now += 5_000; // Hana talks alone for five seconds
    const beforeGuest = call.person('Hana').used.map((u) => ({ ...u }));
    call.join('Guest');
    call.settle();
    expect(call.canDecrypt('Guest', 'Hana')).toBe(true);
    expect(holdsAnyOf(call.derivable('Guest', 'Hana'), beforeGuest)).toBe(false);
  });

  it('moves everyone to a fresh key when someone leaves; the leaver can derive none of it', () => {
    const call = sim();
    for (const name of ['Hana', 'Fern', 'Carl']) call.join(name);
    call.settle();
    call.leave('Carl');
    call.settle();
    for (const sender of ['Hana', 'Fern']) {
      const current = call.person(sender).sendKey;
      expect(current).toBeDefined();
      expect(holdsAnyOf(call.derivable('Carl', sender), [current])).toBe(false);
    }
    expect(call.canDecrypt('Hana', 'Fern') && call.canDecrypt('Fern', 'Hana')).toBe(true);
  });

  it('replaces a pending rotation when another member leaves before it is in use', () => {
    const call = sim({ latencyMs: 50 });
    for (const name of ['Hana', 'Fern', 'Carl', 'Dana']) call.join(name);
    call.settle();
    call.leave('Carl');
    call.settle(60); // Hana and Fern have sent a rotation; receipts are still on their way
    call.leave('Dana');
    call.settle();
    for (const sender of ['Hana', 'Fern']) {
      const current = sendKey(call, sender);
      for (const leaver of ['Carl', 'Dana']) expect(holdsAnyOf(call.derivable(leaver, sender), [current])).toBe(false);
    }
    expect(call.canDecrypt('Hana', 'Fern') && call.canDecrypt('Fern', 'Hana')).toBe(true);
  });
});

describe('recovering from missed key changes', () => {
  it('catches up with a sender who ratcheted more often than a receiver follows (muted through many joins)', () => {
    const call = sim();
    call.join('Hana');
    call.join('Fern');
    call.settle();
    const fernBoxes = () => call.person('Fern').boxesSent;
    for (const name of ['J1', 'J2', 'J3', 'J4', 'J5']) {
      call.join(name);
      call.settle(200);
    }
    call.settle();
    // Hana ratcheted five times; Fern follows at most three steps on her own, then asks.
    expect(call.person('Hana').sendKey?.epoch).toBeGreaterThanOrEqual(5);
    expect(call.canDecrypt('Fern', 'Hana')).toBe(true);
    expect(fernBoxes()).toBeGreaterThan(0);
  });

  it('after a socket resume, treats members missing from the server’s roster as having left (and rotates)', () => {
    const call = sim();
    for (const name of ['Hana', 'Fern', 'Carl']) call.join(name);
    call.settle();
    const hana = call.person('Hana');
    const carlKeyBefore = call.derivable('Carl', 'Hana');
    // Hana's socket was down while Carl left: she never got the memberLeft event. She resumes.
    call.person('Carl').leftAt = call.now;
    call.tell('Hana', { type: 'resynced', participants: [call.person('Fern').participant] });
    call.tell('Fern', { type: 'memberLeft', peerId: call.person('Carl').participant.peerId });
    call.settle();
    expect(hana.machine.members.map((m) => m.displayName)).toEqual(['Fern']);
    expect(holdsAnyOf(carlKeyBefore, [hana.sendKey])).toBe(false);
    expect(call.canDecrypt('Fern', 'Hana')).toBe(true);
  });

  it('answers a key request only with keys from the requester’s arrival on', () => {
    const host = stranger();
    const guest = stranger();
    const hana = new KeyAgreement({ peerId: host.peerId, accountId: host.participant.accountId, slot: 0 }, host.crypto);
    const firstKey = hana.start()[0];
    hana.handle({
      type: 'memberJoined',
      participant: { ...guest.participant, e2ee: guest.crypto.announcement },
      now: 0,
    });
    // Before Hana has welcomed the guest (no tick yet), the guest asks for her current key: the one used before it came.
    const request = guest.crypto.seal(
      { identityKey: host.identity.publicKey, callKey: host.crypto.ownKeys.callKey },
      { t: 'keyRequest', seq: 1 },
    );
    const answer = hana.handle({ type: 'boxReceived', from: guest.peerId, box: request, now: 0 });
    expect(sent(answer, guest.peerId)).toEqual([]);
    const welcome = hana.handle({ type: 'tick', now: 0 });
    const keyBox = sent(welcome, guest.peerId)[0];
    const message = guest.crypto.open(
      { identityKey: host.identity.publicKey, callKey: host.crypto.ownKeys.callKey },
      keyBox?.box ?? '',
    );
    expect(message).toMatchObject({ t: 'key', epoch: 1 });
    expect(firstKey).toMatchObject({ type: 'setSendKey', epoch: 0 });
  });

  it('refuses a replayed or re-ordered box', () => {
    const host = stranger();
    const guest = stranger();
    const hana = new KeyAgreement({ peerId: host.peerId, accountId: host.participant.accountId, slot: 0 }, host.crypto);
    hana.start();
    hana.handle({
      type: 'memberJoined',
      participant: { ...guest.participant, e2ee: guest.crypto.announcement },
      now: 0,
    });
    hana.handle({ type: 'tick', now: 0 });
    const to = { identityKey: host.identity.publicKey, callKey: host.crypto.ownKeys.callKey };
    const key = (seq: number, epoch: number) =>
      guest.crypto.seal(to, { t: 'key', seq, epoch, key: guest.crypto.encodeKey(guest.crypto.randomKey()) });
    const third = key(3, 3);
    const second = key(2, 2);
    expect(hana.handle({ type: 'boxReceived', from: guest.peerId, box: third, now: 1 }).map((a) => a.type)).toContain(
      'setReceiveKey',
    );
    expect(hana.handle({ type: 'boxReceived', from: guest.peerId, box: third, now: 2 })).toEqual([]);
    expect(hana.handle({ type: 'boxReceived', from: guest.peerId, box: second, now: 3 })).toEqual([]);
    expect(hana.counters.replayedBoxes).toBe(2);
  });
});
