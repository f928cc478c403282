// The SFrame KID names a sender and one of its key epochs:
//   KID = slot × 16 + (epoch mod 16)
// The slot is a small number the server gives each participant of a call
// (reused after someone leaves), so most KIDs fit in one header byte.
// Receivers keep only a few recent epochs per sender, so 16 values never
// collide in practice; the AEAD check rejects a frame if they ever did.
export const epochBits = 4;
const epochModulus = 1 << epochBits;

export function kidFor(slot: number, epoch: number): bigint {
  return BigInt(slot) * BigInt(epochModulus) + BigInt(epoch % epochModulus);
}

export function parseKid(kid: bigint): { slot: number; epochBits: number } {
  return { slot: Number(kid / BigInt(epochModulus)), epochBits: Number(kid % BigInt(epochModulus)) };
}

/** Epochs a receiver tries for a KID: kept ones whose low bits match, newest first. */
export function epochsMatching(bits: number, known: Iterable<number>): number[] {
  return [...known].filter((epoch) => epoch % epochModulus === bits).sort((a, b) => b - a);
}

/** How many ratchet steps lead from `latest` to an epoch with these low bits (1–15). */
export function stepsAhead(latest: number, bits: number): number {
  return (bits - (latest % epochModulus) + epochModulus) % epochModulus;
}
