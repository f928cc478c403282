// Properties of the key agreement for any interleaving of joins, leaves and
// message delays (fast-check generates them, real libsodium boxes carry keys):
//  (a) no one ever holds (or can ratchet to) a key a sender used while they
//      were absent: not before they arrived, and not past the switch window
//      after they left (the remaining members' receipts, at most
//      `switchTimeoutMs` after the sender learns of the leave);
//  (b) once messages stop, everyone present decrypts everyone present.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CallSimulation } from '../../../test/support/CallSimulation.js';
import { defaultTiming } from './KeyAgreement.js';
import { loadSodium, type Sodium } from './sodium.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

type Step = { kind: 'join' } | { kind: 'leave'; who: number } | { kind: 'wait'; ms: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'join' as const }) },
  { weight: 2, arbitrary: fc.nat(7).map((who) => ({ kind: 'leave' as const, who })) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 2500 }).map((ms) => ({ kind: 'wait' as const, ms })) },
);

const maxDelayMs = 400;
const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

function run(steps: Step[], delays: number[]): CallSimulation {
  const call = new CallSimulation(sodium);
  let next = 0;
  call.delay = () => delays[next++ % delays.length] ?? 10;
  let names = 0;
  call.join(`P${names++}`);
  for (const s of steps) {
    if (s.kind === 'join' && call.present.length < 7) call.join(`P${names++}`);
    else if (s.kind === 'leave' && call.present.length > 1) {
      const leaver = call.present[s.who % call.present.length];
      if (leaver) call.leave(leaver.name);
    } else if (s.kind === 'wait') call.settle(s.ms);
  }
  call.settle(60_000);
  return call;
}

describe('the key agreement, for any interleaving of joins, leaves and delays', () => {
  it('(a) never lets anyone hold a key used while they were absent, (b) ends with everyone decrypting everyone', () => {
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 14 }),
        fc.array(fc.integer({ min: 1, max: maxDelayMs }), { minLength: 1, maxLength: 20 }),
        (steps, delays) => {
          const call = run(steps, delays);
          const everyone = [...call.people.values()];
          // (a)
          const afterLeaveMs = maxDelayMs + defaultTiming.switchTimeoutMs + defaultTiming.leaveCoalesceMs + 5;
          for (const holder of everyone)
            for (const sender of everyone) {
              if (holder === sender) continue;
              const keys = call.derivable(holder.name, sender.name);
              for (const use of sender.used) {
                if (!keys.some((key) => equal(key, use.key))) continue;
                expect(
                  use.from,
                  `${holder.name} holds a key ${sender.name} used before they came`,
                ).toBeGreaterThanOrEqual(holder.joinedAt);
                if (holder.leftAt !== undefined)
                  expect(
                    use.until,
                    `${holder.name} holds a key ${sender.name} kept using after they left`,
                  ).toBeLessThanOrEqual(holder.leftAt + afterLeaveMs);
              }
            }
          // (b)
          for (const receiver of call.present)
            for (const sender of call.present)
              if (receiver !== sender)
                expect(call.canDecrypt(receiver.name, sender.name), `${receiver.name} decrypts ${sender.name}`).toBe(
                  true,
                );
        },
      ),
      { numRuns: 150 },
    );
  });
});
