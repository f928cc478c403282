// The page's handle on the E2EE worker: attaches an encoded transform to every
// RTCRtpSender and RTCRtpReceiver of the call, hands keys to the worker, and
// turns the worker's reports into state the UI can show.
import {
  WorkerToPageSchema,
  type MediaKind,
  type PageToWorker,
  type StreamStatus,
  type TransformOptions,
  type WorkerToPage,
} from '@parley/shared/e2ee';

/** How this browser lets us transform encoded frames, best first. */
export type TransformApi = 'script-transform' | 'encoded-streams';

type EncodedStreams = { readable: ReadableStream; writable: WritableStream };
type WithEncodedStreams = { createEncodedStreams?: () => EncodedStreams };

export function transformApi(): TransformApi | undefined {
  if (typeof RTCRtpScriptTransform !== 'undefined') return 'script-transform';
  if ('createEncodedStreams' in RTCRtpSender.prototype) return 'encoded-streams';
  return undefined;
}

export type E2eeEvent = Exclude<WorkerToPage, { type: 'status' }>;

export class E2eeMedia {
  /** The worker itself (test builds talk to it directly; production code goes through the methods below). */
  readonly worker: Worker;
  readonly #api: TransformApi;
  readonly #listeners = new Set<(event: E2eeEvent) => void>();
  readonly #statusListeners = new Set<() => void>();
  #statuses: StreamStatus[] = [];
  #nextStream = 0;
  #closed = false;

  constructor(api: TransformApi) {
    this.#api = api;
    this.worker = new Worker(new URL('./worker/e2eeWorker.ts', import.meta.url), {
      type: 'module',
      name: 'parley-e2ee',
    });
    this.worker.addEventListener('message', (event: MessageEvent<unknown>) => {
      const parsed = WorkerToPageSchema.safeParse(event.data);
      // Only our worker posts here; what is not ours to read (a test build's probe replies) is left alone.
      if (parsed.success) this.#receive(parsed.data);
    });
  }

  get api(): TransformApi {
    return this.#api;
  }

  /** The latest per-stream report (about once a second). */
  get statuses(): StreamStatus[] {
    return this.#statuses;
  }

  on(listener: (event: E2eeEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onStatus(listener: () => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  /** Call before the sender carries a frame (mediasoup-client's onRtpSender). */
  protectSender(sender: RTCRtpSender, kind: MediaKind): void {
    this.#attach(sender, { direction: 'send', kind, streamId: `send-${this.#nextStream++}` });
  }

  /** Call before the receiver delivers a frame (mediasoup-client's onRtpReceiver). */
  protectReceiver(receiver: RTCRtpReceiver, kind: MediaKind, peerId: string): void {
    this.#attach(receiver, { direction: 'receive', kind, peerId, streamId: `recv-${this.#nextStream++}` });
  }

  setSendKey(slot: number, epoch: number, key: Uint8Array<ArrayBuffer>): void {
    this.#post({ type: 'setSendKey', slot, epoch, key });
  }

  setReceiveKey(peerId: string, slot: number, epoch: number, key: Uint8Array<ArrayBuffer>): void {
    this.#post({ type: 'setReceiveKey', peerId, slot, epoch, key });
  }

  removePeer(peerId: string): void {
    this.#post({ type: 'removePeer', peerId });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The call is over: the worker zeroes every key it holds, then goes. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#post({ type: 'wipe' });
    // Messages are handled in order: terminate once the wipe has been handled.
    setTimeout(() => this.worker.terminate(), 100);
    this.#listeners.clear();
    this.#statusListeners.clear();
  }

  #attach(endpoint: RTCRtpSender | RTCRtpReceiver, options: TransformOptions): void {
    if (this.#api === 'script-transform') {
      endpoint.transform = new RTCRtpScriptTransform(this.worker, options);
      return;
    }
    const create = (endpoint as unknown as WithEncodedStreams).createEncodedStreams;
    if (!create) throw new Error('this browser cannot encrypt media end to end');
    const { readable, writable } = create.call(endpoint);
    this.#post({ type: 'attachStreams', options, readable, writable }, [readable, writable]);
  }

  #post(message: PageToWorker, transfer: Transferable[] = []): void {
    if (this.#closed && message.type !== 'wipe') return;
    this.worker.postMessage(message, transfer);
  }

  #receive(message: WorkerToPage): void {
    if (message.type === 'status') {
      this.#statuses = message.streams;
      for (const listener of this.#statusListeners) listener();
      return;
    }
    for (const listener of this.#listeners) listener(message);
  }
}
