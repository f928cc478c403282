// The check behind "the server only forwards ciphertext": every tapped frame,
// from the first on, must be clear codec bytes followed by a well-formed
// SFrame whose KID names one sender consistently and whose counters never
// repeat (and arrive at most a replay window out of order, but for an audio
// packet that comes late exactly as it was sent), and must not decrypt under
// a wrong key. Plain media fails it.
import { clearPrefixLength, MediaDecryptor, parseKid } from '@parley/shared/e2ee';
import { decodeHeader } from '@parley/shared/sframe';
import type { TappedFrame } from './mediaTap.js';

/** What is wrong with the frames, as readable lines; empty when every frame is SFrame ciphertext. */
export function ciphertextProblems(frames: TappedFrame[]): string[] {
  const problems: string[] = [];
  const seen = new Map<
    string,
    { slot: number; counters: Map<bigint, Map<bigint, { where: string; sequence: number }>> }
  >();
  frames.forEach((frame, index) => {
    // Where the frame was in its RTP stream and when the tap saw it: tells a late sender from a reordering.
    const where = `frame ${index} (${frame.kind}, producer ${frame.producerId.slice(0, 8)} of ${frame.peerId.slice(0, 8)}, RTP seq ${frame.sequence} ts ${frame.timestamp}, at ${frame.at})`;
    const sframe = frame.data.subarray(clearPrefixLength(frame.kind, frame.data));
    let header;
    try {
      header = decodeHeader(sframe);
    } catch {
      problems.push(`${where}: no SFrame header`);
      return;
    }
    const { slot } = parseKid(header.kid);
    const producer = seen.get(frame.producerId) ?? {
      slot,
      counters: new Map<bigint, Map<bigint, { where: string; sequence: number }>>(),
    };
    seen.set(frame.producerId, producer);
    if (slot !== producer.slot) problems.push(`${where}: KID names slot ${slot}, earlier frames slot ${producer.slot}`);
    // Counters never repeat under one key, and arrive at most a replay window out of order
    // (a camera's simulcast layers share one counter, and the SFU may switch layers).
    // Each counter seen, with where: a problem names the frame it clashes with.
    const counters = producer.counters.get(header.kid) ?? new Map<bigint, { where: string; sequence: number }>();
    producer.counters.set(header.kid, counters);
    const highest = [...counters.keys()].reduce((a, b) => (b > a ? b : a), -1n);
    const earlier = counters.get(header.ctr);
    const top = counters.get(highest);
    if (earlier) problems.push(`${where}: counter ${header.ctr} repeated (first in ${earlier.where})`);
    else if (header.ctr < highest - 128n && !(top && lateAsSent(frame, header.ctr, highest, top.sequence)))
      problems.push(`${where}: counter ${header.ctr} far behind ${highest} (in ${top?.where ?? '?'})`);
    counters.set(header.ctr, { where, sequence: frame.sequence });
    if (sframe.length < header.length + 4) problems.push(`${where}: shorter than header and tag`);
  });
  return problems;
}

/**
 * An audio frame (one RTP packet) far behind the highest counter is a late packet of the same stream, as it was
 * sent, when its RTP sequence number is behind by exactly as much: the sender numbered both in one order, and the
 * network or a retransmission delivered it late (seen in the 8-person room on a saturated machine: bursts of 122 to
 * 436 Opus packets, seconds late, each counter and sequence number behind by the same amount, none repeated). A
 * counter that went back on its own (a reset, a replay) does not line up so.
 */
function lateAsSent(frame: TappedFrame, counter: bigint, highest: bigint, highestSequence: number): boolean {
  return frame.kind === 'audio' && BigInt((highestSequence - frame.sequence + 0x10000) % 0x10000) === highest - counter;
}

/**
 * How many frames someone without the participants' keys can read: frames
 * that are not SFrame as Parley sends it (plain media: no header, a KID or
 * counter beyond the 2 bytes Parley ever uses, no room for the tag), plus
 * SFrames that decrypt under random keys for every epoch. Must be none.
 * Plain media fails it on its own (about half of plain VP8/Opus frames
 * happen to parse as a plausible header; `ciphertextProblems` catches the rest).
 */
export async function readableWithoutTheirKeys(frames: TappedFrame[]): Promise<number> {
  let readable = 0;
  const decryptors = new Map<number, MediaDecryptor>();
  for (const frame of frames) {
    const sframe = frame.data.subarray(clearPrefixLength(frame.kind, frame.data));
    let slot: number;
    try {
      const header = decodeHeader(sframe);
      const tag = frame.kind === 'audio' ? 4 : 10;
      if (header.kid >= 1n << 16n || header.ctr >= 1n << 16n || sframe.length < header.length + tag)
        throw new Error('not an SFrame as Parley sends it');
      slot = parseKid(header.kid).slot;
    } catch {
      readable++; // not an SFrame: whatever it is, it is not encrypted
      continue;
    }
    let decryptor = decryptors.get(slot);
    if (!decryptor) {
      decryptor = new MediaDecryptor(slot);
      for (let epoch = 0; epoch < 4; epoch++) await decryptor.setKey(epoch, crypto.getRandomValues(new Uint8Array(32)));
      decryptors.set(slot, decryptor);
    }
    if ((await decryptor.decrypt(frame.kind, new Uint8Array(frame.data), { probe: true })).ok) readable++;
  }
  return readable;
}

/** Frames as the page-side probe takes them. */
export function forProbe(frames: TappedFrame[]): { kind: 'audio' | 'video'; data: string }[] {
  return frames.map((f) => ({ kind: f.kind, data: Buffer.from(f.data).toString('base64') }));
}
