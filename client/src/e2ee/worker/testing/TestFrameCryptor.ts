// TEST BUILDS ONLY: the worker's frame cryptor with what browser tests and
// benchmarks need on top — a dry-run probe ("does any key held here decrypt
// these frames?"), a deliberately wrong key for one participant, and a
// pass-through mode that measures the transform machinery without SFrame,
// and per-frame timings (FrameTimer) for bench:call.
// The production worker never constructs it (see e2eeWorker.ts), and a test
// checks that none of it is in the production bundle.
import { MediaDecryptor, type MediaKind, type StreamStatus } from '@parley/shared/e2ee';
import type { TestPageToWorker } from '@parley/shared/e2ee/testing';
import { FrameCryptor, type Emit, type EncodedFrame } from '../FrameCryptor.js';
import { FrameTimer } from './FrameTimer.js';

type Bytes = Uint8Array<ArrayBuffer>;

export class TestFrameCryptor extends FrameCryptor {
  readonly #scrambled = new Set<string>();
  #passThrough = false;
  readonly #timings = new FrameTimer();

  async handleTest(message: TestPageToWorker, reply: (message: unknown) => void): Promise<void> {
    switch (message.type) {
      case 'probe':
        return reply({ type: 'probeResult', requestId: message.requestId, ...(await this.#probe(message.frames)) });
      case 'scrambleKeys':
        return this.#scramble(message.peerId);
      case 'passThrough':
        this.#passThrough = true;
        return;
      case 'frameTimings':
        return reply(this.#timings.report(message.requestId, message.reset));
      default:
        return assertUnreachable(message);
    }
  }

  override async setReceiveKey(peerId: string, slot: number, epoch: number, key: Bytes): Promise<void> {
    await super.setReceiveKey(peerId, slot, epoch, this.#scrambled.has(peerId) ? randomKey() : key);
  }

  protected override async encryptFrame(status: StreamStatus, frame: EncodedFrame, emit: Emit): Promise<void> {
    const [timedEmit, done] = this.#timed(status, frame, emit);
    try {
      if (this.#passThrough) return this.#passOn(status, frame, timedEmit);
      return await super.encryptFrame(status, frame, timedEmit);
    } finally {
      done();
    }
  }

  protected override async decryptFrame(status: StreamStatus, peerId: string, frame: EncodedFrame, emit: Emit) {
    const [timedEmit, done] = this.#timed(status, frame, emit);
    try {
      if (this.#passThrough) return this.#passOn(status, frame, timedEmit);
      return await super.decryptFrame(status, peerId, frame, timedEmit);
    } finally {
      done();
    }
  }

  /** The frame's clock stops when it is passed on (or, if dropped, when processing ends). */
  #timed(status: StreamStatus, frame: EncodedFrame, emit: Emit): [Emit, () => void] {
    const stop = this.#timings.frameArrived(status, frame.data.byteLength);
    let stopped = false;
    const done = () => {
      if (!stopped) stop();
      stopped = true;
    };
    return [
      (f) => {
        emit(f);
        done();
      },
      done,
    ];
  }

  /** What a transform costs with no cryptography: the frame's bytes copied and passed on. */
  #passOn(status: StreamStatus, frame: EncodedFrame, emit: Emit): void {
    frame.data = new Uint8Array(frame.data).slice().buffer;
    emit(frame);
    status.frames++;
    status.state = status.direction === 'send' ? 'encrypting' : 'decrypting';
  }

  async #scramble(peerId: string): Promise<void> {
    this.#scrambled.add(peerId);
    const old = this.decryptors.get(peerId);
    if (!old) return;
    const wrong = new MediaDecryptor(old.slot);
    await wrong.setKey(old.latestEpoch ?? 0, randomKey());
    this.decryptors.set(peerId, wrong);
  }

  /** How many of these frames any key held (or ever held and kept) decrypts. Changes no state. */
  async #probe(frames: { kind: MediaKind; data: Uint8Array }[]): Promise<{ decrypted: number; failed: number }> {
    let decrypted = 0;
    for (const frame of frames) {
      const data = new Uint8Array(frame.data);
      for (const decryptor of this.decryptors.values()) {
        if ((await decryptor.decrypt(frame.kind, data, { probe: true })).ok) {
          decrypted++;
          break;
        }
      }
    }
    return { decrypted, failed: frames.length - decrypted };
  }
}

function randomKey(): Bytes {
  return crypto.getRandomValues(new Uint8Array(32));
}

function assertUnreachable(value: never): never {
  throw new Error(`unexpected test message ${JSON.stringify(value)}`);
}
