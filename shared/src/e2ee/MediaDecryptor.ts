// Decrypts one remote participant's frames. Keeps its last few key epochs
// (frames sent just before a key change still arrive after it) and follows
// its ratchet on its own: a frame under the next epoch is tried with the
// ratcheted key. Nothing that fails a check is returned.
import type { Bytes } from '../sframe/bytes.js';
import { concat } from '../sframe/aead.js';
import { decodeHeader, type SFrameHeader } from '../sframe/header.js';
import { openFrame, type DecryptFailure } from '../sframe/frame.js';
import { deriveSFrameKey, type SFrameKey } from '../sframe/keySchedule.js';
import { ReplayWindow } from '../sframe/ReplayWindow.js';
import { epochsMatching, kidFor, parseKid, stepsAhead } from './kid.js';
import { clearPrefixLength, suiteFor, type MediaKind } from './mediaFrames.js';
import { ratchetKey } from './ratchet.js';

/** Epochs kept per sender: the current one and a short window of previous ones. */
export const keptEpochs = 4;
/** How far ahead a receiver follows a sender's ratchet without being told. */
export const maxRatchetSteps = 3;

export type DecryptResult =
  | { ok: true; frame: Bytes; epoch: number; firstOfEpoch: boolean }
  | { ok: false; reason: DecryptFailure | 'wrong_sender' };

type Epoch = {
  baseKey: Bytes;
  keys: Record<MediaKind, SFrameKey>;
  windows: Record<MediaKind, ReplayWindow>;
  used: boolean;
};

export class MediaDecryptor {
  readonly #epochs = new Map<number, Epoch>();

  constructor(readonly slot: number) {}

  get latestEpoch(): number | undefined {
    return this.#epochs.size ? Math.max(...this.#epochs.keys()) : undefined;
  }

  get hasKey(): boolean {
    return this.#epochs.size > 0;
  }

  /**
   * A key the sender gave us. An epoch we already hold keeps its key and its
   * replay window: a box delivered twice (or a key we derived by following the
   * ratchet) must not let replayed frames decrypt again. 'conflict': a
   * different key for an epoch we hold, which an honest sender never sends.
   */
  async setKey(epoch: number, baseKey: Bytes): Promise<'added' | 'held' | 'conflict'> {
    const held = this.#epochs.get(epoch);
    if (held) return equalBytes(held.baseKey, baseKey) ? 'held' : 'conflict';
    const entry = await this.#derive(epoch, baseKey.slice());
    if (this.#epochs.has(epoch)) return 'held'; // set meanwhile (derivation is asynchronous)
    this.#epochs.set(epoch, entry);
    this.#prune();
    return 'added';
  }

  /**
   * `probe`: a dry run (tests, benchmarks) that neither marks the replay
   * window nor adopts a ratcheted key, so the live stream is unaffected.
   */
  async decrypt(kind: MediaKind, frame: Bytes, options: { probe?: boolean } = {}): Promise<DecryptResult> {
    const probe = options.probe ?? false;
    const clear = clearPrefixLength(kind, frame);
    const metadata = frame.subarray(0, clear);
    const sframe = frame.subarray(clear);
    let header: SFrameHeader;
    try {
      header = decodeHeader(sframe);
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    const { slot, epochBits } = parseKid(header.kid);
    if (slot !== this.slot) return { ok: false, reason: 'wrong_sender' };
    const candidates = epochsMatching(epochBits, this.#epochs.keys());
    for (const epoch of candidates) {
      const result = await this.#open(epoch, this.#epochs.get(epoch), kind, header, metadata, sframe, probe);
      if (result) return result;
    }
    if (candidates.length === 0) {
      const followed = await this.#followRatchet(epochBits, kind, header, metadata, sframe, probe);
      if (followed) return followed;
      return { ok: false, reason: 'unknown_key' };
    }
    return { ok: false, reason: 'authentication_failed' };
  }

  /** A frame under an epoch we do not hold yet: try the sender's next ratchet steps. */
  async #followRatchet(
    bits: number,
    kind: MediaKind,
    header: SFrameHeader,
    metadata: Bytes,
    sframe: Bytes,
    probe: boolean,
  ) {
    const latest = this.latestEpoch;
    if (latest === undefined) return undefined;
    const steps = stepsAhead(latest, bits);
    if (steps < 1 || steps > maxRatchetSteps) return undefined;
    let baseKey = this.#epochs.get(latest)?.baseKey;
    if (!baseKey) return undefined;
    for (let step = 1; step <= steps; step++) baseKey = ratchetKey(baseKey);
    const epoch = latest + steps;
    const candidate = await this.#derive(epoch, baseKey);
    const result = await this.#open(epoch, candidate, kind, header, metadata, sframe, probe);
    if (!result?.ok) return undefined; // a forged or stray frame must not move our keys
    if (probe) return result;
    if (this.#epochs.has(epoch)) return result; // given to us while we derived it: keep that entry's window
    this.#epochs.set(epoch, candidate);
    this.#prune();
    return result;
  }

  async #open(
    epoch: number,
    entry: Epoch | undefined,
    kind: MediaKind,
    header: SFrameHeader,
    metadata: Bytes,
    sframe: Bytes,
    probe: boolean,
  ) {
    if (!entry) return undefined;
    const decrypted = await openFrame(entry.keys[kind], header, sframe, metadata);
    if (typeof decrypted === 'string') return undefined;
    if (probe) return { ok: true, frame: concat(metadata, decrypted.payload), epoch, firstOfEpoch: false } as const;
    const window = entry.windows[kind];
    if (!window.accepts(decrypted.ctr)) return { ok: false, reason: 'replayed' } as const;
    window.mark(decrypted.ctr);
    const firstOfEpoch = !entry.used;
    entry.used = true;
    return { ok: true, frame: concat(metadata, decrypted.payload), epoch, firstOfEpoch } as const;
  }

  async #derive(epoch: number, baseKey: Bytes): Promise<Epoch> {
    const kid = kidFor(this.slot, epoch);
    const [audio, video] = await Promise.all([
      deriveSFrameKey(suiteFor.audio, kid, baseKey),
      deriveSFrameKey(suiteFor.video, kid, baseKey),
    ]);
    return {
      baseKey,
      keys: { audio, video },
      windows: { audio: new ReplayWindow(), video: new ReplayWindow() },
      used: false,
    };
  }

  /** Zeroes every base key held; the decryptor holds no key afterwards. */
  wipe(): void {
    for (const entry of this.#epochs.values()) entry.baseKey.fill(0);
    this.#epochs.clear();
  }

  #prune(): void {
    const epochs = [...this.#epochs.keys()].sort((a, b) => b - a);
    for (const old of epochs.slice(keptEpochs)) {
      this.#epochs.get(old)?.baseKey.fill(0);
      this.#epochs.delete(old);
    }
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}
