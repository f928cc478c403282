// The key exchange's inputs, fuzzed: random key boxes (well-formed base64url
// as the server relays them, and arbitrary strings) from members of the call
// and from strangers, into a settled three-person call of real key agreement
// machines (real libsodium). Required: never a throw, no action at all (no
// key taken, no reply, no alert), every box refused with a counted reason
// (`unreadableBoxes` from a member, `strangerBoxes` from anyone else), and
// the call still has everyone decrypting everyone with the same keys after.
// PARLEY_FUZZ_BOXES runs more (`npm run fuzz`).
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium, type Sodium } from '../src/e2ee/agreement/index.js';
import { CallSimulation, type SimPerson } from './support/CallSimulation.js';

const runs = Number(process.env.PARLEY_FUZZ_BOXES ?? 3000);

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

const base64url = fc.string({
  unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
  minLength: 1,
  maxLength: 2048,
});

/** Every key each person holds, as text, to compare before and after. */
const heldKeys = (people: SimPerson[]) =>
  people.map((person) =>
    [...person.received].map(([sender, epochs]) => `${sender}:${[...epochs].map(([e, k]) => `${e}=${k.join('.')}`)}`),
  );

describe('the key agreement refuses random boxes, counting why, and changes nothing', () => {
  it(`${runs} boxes from members and strangers`, () => {
    const call = new CallSimulation(sodium);
    for (const name of ['Ada', 'Ben', 'Cy']) call.join(name);
    call.settle(10_000);
    const people = call.present;
    const everyoneDecrypts = () => people.every((r) => people.every((s) => r === s || call.canDecrypt(r.name, s.name)));
    expect(everyoneDecrypts()).toBe(true);
    const keysBefore = heldKeys(people);
    const boxes = fc.record({
      to: fc.nat(people.length - 1),
      from: fc.oneof(
        fc.nat(people.length - 1).map((i) => ({ member: true, peerId: people[i]?.participant.peerId ?? '' })),
        fc.constant(null).map(() => ({ member: false, peerId: randomUUID() })),
      ),
      box: fc.oneof({ weight: 4, arbitrary: base64url }, { weight: 1, arbitrary: fc.string({ maxLength: 3000 }) }),
    });
    const refused = { unreadable: 0, stranger: 0 };

    fc.assert(
      fc.property(boxes, ({ to, from, box }) => {
        const receiver = people[to];
        if (!receiver || receiver.participant.peerId === from.peerId) return true; // not a box anyone relays
        const before = { ...receiver.machine.counters };
        const actions = receiver.machine.handle({ type: 'boxReceived', from: from.peerId, box, now: call.now });
        const after = receiver.machine.counters;
        if (actions.length > 0) return false;
        if (from.member) {
          refused.unreadable++;
          return after.unreadableBoxes === before.unreadableBoxes + 1 && after.strangerBoxes === before.strangerBoxes;
        }
        refused.stranger++;
        return after.strangerBoxes === before.strangerBoxes + 1 && after.unreadableBoxes === before.unreadableBoxes;
      }),
      { numRuns: runs },
    );
    process.stdout.write(`key boxes refused: ${JSON.stringify(refused)}\n`);
    expect(refused.unreadable).toBeGreaterThan(runs / 4);
    expect(refused.stranger).toBeGreaterThan(runs / 4);

    // Nothing changed: the same keys, and the call goes on (a join still works).
    expect(heldKeys(people)).toEqual(keysBefore);
    expect(people.flatMap((p) => p.alerts)).toEqual([]);
    call.join('Dee');
    call.settle(10_000);
    expect(call.present.every((r) => call.present.every((s) => r === s || call.canDecrypt(r.name, s.name)))).toBe(true);
  });
});
