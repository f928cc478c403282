// Encrypts or decrypts the frames of each attached stream. One MediaEncryptor
// for all our outgoing tracks (one counter per suite, so no nonce repeats
// across tracks) and one MediaDecryptor per remote participant.
import {
  MediaDecryptor,
  MediaEncryptor,
  type MediaKind,
  type StreamStatus,
  type TransformOptions,
} from '@parley/shared/e2ee';
import { FailureMeter } from './FailureMeter.js';
import { post } from './post.js';

type EncodedFrame = { data: ArrayBuffer };

/**
 * An Opus packet that decodes to 20 ms of digital silence (CELT, fullband).
 * Audio we cannot decrypt is replaced by it rather than dropped: a decoder
 * left without packets conceals the gap by extrapolating, and some browsers
 * turn that into loud noise. Video we cannot decrypt is dropped (the picture
 * freezes until a keyframe we can read arrives).
 */
const opusSilence = () => new Uint8Array([0xf8, 0xff, 0xfe]).buffer;
type Bytes = Uint8Array<ArrayBuffer>;
type Emit = (frame: EncodedFrame) => void;
type Process = (frame: EncodedFrame, emit: Emit) => Promise<void>;

/**
 * One frame at a time per stream, in order. (Overlapping the WebCrypto calls
 * of consecutive frames was tried: it did not measurably help bench:call, and
 * the removal test then saw frames fail at the remaining receivers, so it
 * went.) A failure was counted by `process`; the frame is simply not passed on.
 */
function inOrder(process: Process): TransformStream<EncodedFrame, EncodedFrame> {
  return new TransformStream<EncodedFrame, EncodedFrame>({
    transform: (frame, out) => process(frame, (f) => out.enqueue(f)).catch(() => undefined),
  });
}

export class FrameCryptor {
  readonly #encryptor = new MediaEncryptor();
  readonly #decryptors = new Map<string, MediaDecryptor>();
  readonly #streams = new Map<string, StreamStatus>();
  readonly #meter = new FailureMeter();
  #sendEpochSeen: number | undefined;
  #ratchetAsked = false;

  async setSendKey(slot: number, epoch: number, key: Bytes): Promise<void> {
    await this.#encryptor.setKey(slot, epoch, key);
    this.#ratchetAsked = false;
  }

  async setReceiveKey(peerId: string, slot: number, epoch: number, key: Bytes): Promise<void> {
    if (this.#scrambled.has(peerId)) key = crypto.getRandomValues(new Uint8Array(32));
    let decryptor = this.#decryptors.get(peerId);
    if (!decryptor || decryptor.slot !== slot) {
      decryptor = new MediaDecryptor(slot);
      this.#decryptors.set(peerId, decryptor);
    }
    await decryptor.setKey(epoch, key);
  }

  removePeer(peerId: string): void {
    this.#decryptors.delete(peerId);
    for (const [id, status] of this.#streams) if (status.peerId === peerId) this.#streams.delete(id);
    this.#meter.forget(peerId);
  }

  readonly #scrambled = new Set<string>();
  #passThrough = false;

  /** Benchmark hook: from now on frames pass unchanged, in clear. Never used by the product. */
  passThrough(): void {
    this.#passThrough = true;
  }

  /** Test hook: from now on, this participant's keys are replaced by random ones (a participant with the wrong key). */
  async scrambleKeys(peerId: string): Promise<void> {
    this.#scrambled.add(peerId);
    const old = this.#decryptors.get(peerId);
    if (!old) return;
    const wrong = new MediaDecryptor(old.slot);
    await wrong.setKey(old.latestEpoch ?? 0, crypto.getRandomValues(new Uint8Array(32)));
    this.#decryptors.set(peerId, wrong);
  }

  /** Test hook: how many of these frames any key we hold (or ever held and kept) decrypts. Changes no state. */
  async probe(frames: { kind: MediaKind; data: Uint8Array }[]): Promise<{ decrypted: number; failed: number }> {
    let decrypted = 0;
    for (const frame of frames) {
      const data = new Uint8Array(frame.data);
      for (const decryptor of this.#decryptors.values()) {
        if ((await decryptor.decrypt(frame.kind, data, { probe: true })).ok) {
          decrypted++;
          break;
        }
      }
    }
    return { decrypted, failed: frames.length - decrypted };
  }

  statuses(): StreamStatus[] {
    return [...this.#streams.values()].map((status) => ({ ...status }));
  }

  attach(options: TransformOptions, readable: ReadableStream, writable: WritableStream): void {
    const status: StreamStatus = {
      streamId: options.streamId,
      direction: options.direction,
      kind: options.kind,
      ...(options.direction === 'receive' ? { peerId: options.peerId } : {}),
      state: 'waiting_for_key',
      frames: 0,
      withoutKey: 0,
      failures: 0,
      overheadBytes: 0,
    };
    this.#streams.set(options.streamId, status);
    const process: Process =
      options.direction === 'send'
        ? (frame, emit) => this.#encrypt(status, frame, emit)
        : (frame, emit) => this.#decrypt(status, options.peerId, frame, emit);
    readable
      .pipeThrough(inOrder(process))
      .pipeTo(writable)
      // The stream ends when its track or connection does.
      .catch(() => undefined)
      .finally(() => this.#streams.delete(options.streamId));
  }

  /** What a transform costs with no cryptography: the frame's bytes copied and passed on. */
  #passOn(status: StreamStatus, frame: EncodedFrame, emit: Emit): void {
    frame.data = new Uint8Array(frame.data).slice().buffer;
    emit(frame);
    status.frames++;
    status.state = status.direction === 'send' ? 'encrypting' : 'decrypting';
  }

  async #encrypt(status: StreamStatus, frame: EncodedFrame, emit: Emit): Promise<void> {
    if (this.#passThrough) return this.#passOn(status, frame, emit);
    const plain = new Uint8Array(frame.data);
    let sealed: Bytes | undefined;
    try {
      sealed = await this.#encryptor.encrypt(status.kind, plain);
    } catch {
      status.failures++; // counted and dropped: a frame is never sent in clear
      return;
    }
    if (!sealed) {
      status.withoutKey++;
      status.state = 'waiting_for_key';
      return;
    }
    frame.data = sealed.buffer;
    emit(frame);
    status.frames++;
    status.overheadBytes += sealed.length - plain.length;
    status.state = 'encrypting';
    const epoch = this.#encryptor.epoch;
    if (epoch !== undefined && epoch !== this.#sendEpochSeen) {
      this.#sendEpochSeen = epoch;
      post({ type: 'keyInUse', direction: 'send', epoch, at: performance.timeOrigin + performance.now() });
    }
    if (this.#encryptor.wantsRatchet && !this.#ratchetAsked) {
      this.#ratchetAsked = true;
      post({ type: 'wantsRatchet' });
    }
  }

  async #decrypt(status: StreamStatus, peerId: string, frame: EncodedFrame, emit: Emit): Promise<void> {
    if (this.#passThrough) return this.#passOn(status, frame, emit);
    const decryptor = this.#decryptors.get(peerId);
    const withhold = () => {
      if (status.kind !== 'audio') return;
      frame.data = opusSilence();
      emit(frame);
    };
    if (!decryptor?.hasKey) {
      status.withoutKey++;
      status.state = 'waiting_for_key';
      return withhold();
    }
    const sealed = new Uint8Array(frame.data);
    const result = await decryptor.decrypt(status.kind, sealed).catch(() => undefined);
    if (!result?.ok) {
      if (result?.reason === 'unknown_key') {
        status.withoutKey++;
        status.state = 'waiting_for_key';
        return withhold();
      }
      status.failures++;
      status.state = 'failing';
      const report = this.#meter.record(peerId, performance.now());
      if (report) post({ type: 'decryptFailures', peerId, ...report });
      return withhold();
    }
    frame.data = result.frame.buffer;
    emit(frame);
    status.frames++;
    status.overheadBytes += sealed.length - result.frame.length;
    status.state = 'decrypting';
    if (result.firstOfEpoch)
      post({
        type: 'keyInUse',
        direction: 'receive',
        peerId,
        epoch: result.epoch,
        at: performance.timeOrigin + performance.now(),
      });
  }
}
