// Encrypts or decrypts the frames of each attached stream. One MediaEncryptor
// for all our outgoing tracks (one counter per suite, so no nonce repeats
// across tracks) and one MediaDecryptor per remote participant.
import { MediaDecryptor, MediaEncryptor, type StreamStatus, type TransformOptions } from '@parley/shared/e2ee';
import { FailureMeter } from './FailureMeter.js';
import { MissingKeyMeter } from './MissingKeyMeter.js';
import { post } from './post.js';

export type EncodedFrame = { data: ArrayBuffer };
type Bytes = Uint8Array<ArrayBuffer>;
export type Emit = (frame: EncodedFrame) => void;
type Process = (frame: EncodedFrame, emit: Emit) => Promise<void>;

/**
 * An Opus packet that decodes to 20 ms of digital silence (CELT, fullband).
 * Audio we cannot decrypt is replaced by it rather than dropped: a decoder
 * left without packets conceals the gap by extrapolating, and some browsers
 * turn that into loud noise. Video we cannot decrypt is dropped (the picture
 * freezes until a keyframe we can read arrives).
 */
const opusSilence = () => new Uint8Array([0xf8, 0xff, 0xfe]).buffer;

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
  protected readonly decryptors = new Map<string, MediaDecryptor>();
  readonly #encryptor = new MediaEncryptor();
  readonly #streams = new Map<string, StreamStatus>();
  readonly #failures = new FailureMeter();
  readonly #missingKeys = new MissingKeyMeter();
  #sendEpochSeen: number | undefined;
  #ratchetAsked = false;
  #wiped = false;

  async setSendKey(slot: number, epoch: number, key: Bytes): Promise<void> {
    if (this.#wiped) return;
    await this.#encryptor.setKey(slot, epoch, key);
    key.fill(0);
    this.#ratchetAsked = false;
  }

  async setReceiveKey(peerId: string, slot: number, epoch: number, key: Bytes): Promise<void> {
    if (this.#wiped) return;
    let decryptor = this.decryptors.get(peerId);
    if (!decryptor || decryptor.slot !== slot) {
      decryptor = new MediaDecryptor(slot);
      this.decryptors.set(peerId, decryptor);
    }
    // 'held' (delivered twice) and 'conflict' (the key agreement already
    // alerted on it) leave the held key and its replay window as they are.
    await decryptor.setKey(epoch, key);
    key.fill(0);
  }

  removePeer(peerId: string): void {
    this.decryptors.get(peerId)?.wipe();
    this.decryptors.delete(peerId);
    for (const [id, status] of this.#streams) if (status.peerId === peerId) this.#streams.delete(id);
    this.#failures.forget(peerId);
    this.#missingKeys.forget(peerId);
  }

  /** The call ended: every key is zeroed and no frame passes any more. */
  wipe(): void {
    this.#wiped = true;
    this.#encryptor.wipe();
    for (const peerId of [...this.decryptors.keys()]) this.removePeer(peerId);
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
        ? (frame, emit) => this.encryptFrame(status, frame, emit)
        : (frame, emit) => this.decryptFrame(status, options.peerId, frame, emit);
    readable
      .pipeThrough(inOrder(process))
      .pipeTo(writable)
      // The stream ends when its track or connection does.
      .catch(() => undefined)
      .finally(() => this.#streams.delete(options.streamId));
  }

  protected async encryptFrame(status: StreamStatus, frame: EncodedFrame, emit: Emit): Promise<void> {
    const plain = new Uint8Array(frame.data);
    let sealed: Bytes | undefined;
    try {
      sealed = this.#wiped ? undefined : await this.#encryptor.encrypt(status.kind, plain);
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

  protected async decryptFrame(status: StreamStatus, peerId: string, frame: EncodedFrame, emit: Emit): Promise<void> {
    const decryptor = this.decryptors.get(peerId);
    const withhold = () => {
      if (status.kind !== 'audio') return;
      frame.data = opusSilence();
      emit(frame);
    };
    const withoutKey = () => {
      status.withoutKey++;
      status.state = 'waiting_for_key';
      if (this.#missingKeys.missing(peerId, performance.now())) post({ type: 'keyMissing', peerId });
      withhold();
    };
    if (!decryptor?.hasKey) return withoutKey();
    const sealed = new Uint8Array(frame.data);
    const result = await decryptor.decrypt(status.kind, sealed).catch(() => undefined);
    if (!result?.ok) {
      if (result?.reason === 'unknown_key') return withoutKey();
      status.failures++;
      status.state = 'failing';
      const report = this.#failures.record(peerId, performance.now());
      if (report) post({ type: 'decryptFailures', peerId, ...report });
      return withhold();
    }
    this.#missingKeys.decrypted(peerId);
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
