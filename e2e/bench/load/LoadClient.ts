// One simulated participant of the load benchmark: a real account, a real
// socket.io connection each cycle (as a page opening the call would), and the
// signaling a person causes without sending media: join or knock, a
// transport, the E2EE announcement, key boxes to the others, a raised hand.
// Every request's round trip is recorded.
import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { clientVersion } from '@parley/shared';

type Reply = { ok: boolean; data?: Record<string, unknown>; error?: { code: string; message: string } };

/** Round trips by request name, in milliseconds; failures by name and code. */
export class Latencies {
  readonly byRequest = new Map<string, number[]>();
  readonly failures = new Map<string, number>();

  record(name: string, ms: number): void {
    const list = this.byRequest.get(name) ?? [];
    list.push(ms);
    this.byRequest.set(name, list);
  }

  fail(name: string, code: string): void {
    const key = `${name}: ${code}`;
    this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
  }

  get all(): number[] {
    return [...this.byRequest.values()].flat();
  }
}

const fakeKey = (bytes: number) => randomBytes(bytes).toString('base64url');

export class LoadClient {
  #socket: Socket | undefined;
  peerId = '';

  constructor(
    private readonly baseUrl: string,
    private readonly cookie: string,
    private readonly latencies: Latencies,
  ) {}

  async connect(): Promise<void> {
    const started = performance.now();
    const socket = io(this.baseUrl, {
      transports: ['websocket'],
      auth: { clientVersion },
      extraHeaders: { Origin: this.baseUrl, Cookie: this.cookie },
      reconnection: false,
      forceNew: true,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error) => reject(error));
    });
    this.latencies.record('connect (handshake)', performance.now() - started);
    this.#socket = socket;
  }

  async request(name: string, payload: unknown): Promise<Record<string, unknown>> {
    const socket = this.#socket;
    if (!socket) throw new Error('not connected');
    const started = performance.now();
    const reply = (await socket.timeout(30_000).emitWithAck(name, payload)) as Reply;
    this.latencies.record(name, performance.now() - started);
    if (!reply.ok) {
      this.latencies.fail(name, reply.error?.code ?? 'unknown');
      throw new Error(`${name}: ${reply.error?.code} ${reply.error?.message}`);
    }
    return reply.data ?? {};
  }

  /** The next `event` this socket receives. */
  next(event: string): Promise<unknown> {
    const socket = this.#socket;
    if (!socket) throw new Error('not connected');
    return new Promise((resolve) => socket.once(event, resolve));
  }

  /** In the call: a transport and our (made-up, well-formed) E2EE keys. */
  async settleIn(): Promise<void> {
    await this.request('createTransport', { direction: 'send' });
    await this.request('announceE2ee', { identityKey: fakeKey(32), callKey: fakeKey(32), signature: fakeKey(64) });
  }

  /** What a participant's page sends while the call goes on: a key box to someone, now and then a hand. */
  async chatter(others: string[], round: number): Promise<void> {
    const to = others[round % Math.max(1, others.length)];
    if (to) await this.request('relayE2ee', { boxes: [{ to, box: fakeKey(150) }] });
    if (round % 4 === 0) await this.request('raiseHand', { raised: round % 8 === 0 });
  }

  /** Hanging up: the page closes its socket, and the server lets the peer go at once. */
  leave(): void {
    this.#socket?.close();
    this.#socket = undefined;
  }
}
