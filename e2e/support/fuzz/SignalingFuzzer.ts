// Drives fuzzed signaling at a running server from many sockets at once, each
// a real account's. It first builds a little world (calls hosted by some
// sockets, the others knocking and let in, transports and microphones), so
// that requests get past "join a call first" and name real objects of other
// people, then sends batches of messages from `signalingMessages.ts`.
// Every reply must be a well-formed envelope of the protocol, never an
// `internal` error; every request that asks for a reply must get one.
import fc from 'fast-check';
import { io, type Socket } from 'socket.io-client';
import { clientRequests, clientVersion, ReplyEnvelopeSchema, type ClientRequestName } from '@parley/shared';
import { registerViaApi } from '../accounts.js';
import { fuzzMessage, IdPool, type FuzzMessage } from './signalingMessages.js';

export type SignalingFuzzReport = {
  sent: number;
  replies: number;
  /** Replies by error code (`ok` for successes). */
  codes: Record<string, number>;
  /** Sockets the server dropped (oversized messages), each replaced by a new one. */
  dropped: number;
  /** Replies that broke the protocol, or requests that got none: must stay empty. */
  failures: string[];
};

/** Names socket.io keeps for itself: the client library refuses to send them. */
const reserved = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);
const replyTimeoutMs = 15_000;
const maxBytes = 64 * 1024;

/** One socket of the run; `reconnecting` is shared, so a dropped socket is replaced once. */
type Slot = { socket: Socket; cookie: string; reconnecting?: Promise<void> };

export class SignalingFuzzer {
  readonly pool = new IdPool();
  readonly #slots: Slot[] = [];
  readonly #report: SignalingFuzzReport = { sent: 0, replies: 0, codes: {}, dropped: 0, failures: [] };

  private constructor(private readonly baseUrl: string) {}

  /** `users` accounts with `socketsPerUser` sockets each; `known` ids (another call's) are fair game too. */
  static async create(
    baseUrl: string,
    options: { users: number; socketsPerUser: number; hosts: number; known?: { roomIds: string[] } },
  ): Promise<SignalingFuzzer> {
    const fuzzer = new SignalingFuzzer(baseUrl);
    try {
      for (let u = 0; u < options.users; u++) {
        const { cookie } = await registerViaApi(baseUrl);
        for (let s = 0; s < options.socketsPerUser; s++)
          fuzzer.#slots.push({ socket: await fuzzer.#connect(cookie), cookie });
      }
      for (const roomId of options.known?.roomIds ?? []) fuzzer.pool.add(fuzzer.pool.rooms, roomId);
      await fuzzer.#buildWorld(options.hosts);
    } catch (error) {
      fuzzer.close();
      throw error;
    }
    return fuzzer;
  }

  get report(): SignalingFuzzReport {
    return this.#report;
  }

  /** Sends `messages` fuzzed messages in concurrent batches; fast-check's `seed` makes a run repeatable. */
  async run(messages: number, seed: number, batch = 250): Promise<SignalingFuzzReport> {
    const arbitrary = fc.array(fuzzMessage(this.pool, this.#slots.length, maxBytes), {
      minLength: batch,
      maxLength: batch,
    });
    const failed = await fc.check(
      fc.asyncProperty(arbitrary, async (batchOfMessages) => {
        await Promise.all(batchOfMessages.map((message) => this.#send(message)));
        return this.#report.failures.length === 0;
      }),
      // The server is stateful: replaying smaller batches would not reproduce a failure, the seed does.
      { numRuns: Math.ceil(messages / batch), seed, endOnFailure: true },
    );
    // A failed batch is in the report's failures; anything else (the fuzzer's own bug) is thrown.
    if (failed.failed && this.#report.failures.length === 0)
      throw new Error(`the fuzzer failed (seed ${seed}): ${String(failed.errorInstance).slice(0, 500)}`);
    return this.#report;
  }

  close(): void {
    for (const { socket } of this.#slots) socket.close();
  }

  async #buildWorld(hosts: number): Promise<void> {
    const ask = async (slot: Slot | undefined, event: ClientRequestName, payload: unknown) =>
      slot
        ? ((await this.#emit(slot.socket, event, [payload])) as { ok: boolean; data?: Record<string, unknown> })
        : undefined;
    const rooms: string[] = [];
    for (const host of this.#slots.slice(0, hosts)) {
      const created = await ask(host, 'createRoom', {});
      const roomId = String(created?.data?.roomId);
      const joined = await ask(host, 'join', { roomId, displayName: 'Fuzz host' });
      if (joined?.data?.routerRtpCapabilities) this.pool.rtpCapabilities = joined.data.routerRtpCapabilities;
      rooms.push(roomId);
    }
    // The others knock on those calls, and their hosts let them in.
    await Promise.all(
      this.#slots.slice(hosts).map(async (guest, index) => {
        const hostIndex = index % hosts;
        const knocked = await ask(guest, 'join', { roomId: rooms[hostIndex], displayName: `Fuzz ${index}` });
        await ask(this.#slots[hostIndex], 'admit', { peerId: knocked?.data?.peerId });
      }),
    );
    // Everyone holds a transport and a microphone, for requests to name.
    await Promise.all(
      this.#slots.map(async (slot, index) => {
        const transport = await ask(slot, 'createTransport', { direction: 'send' });
        await ask(slot, 'produce', {
          transportId: transport?.data?.transportId,
          kind: 'audio',
          source: 'microphone',
          rtpParameters: {
            codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
            encodings: [{ ssrc: 1000 + index }],
          },
        });
      }),
    );
  }

  async #send(message: FuzzMessage): Promise<void> {
    const slot = this.#slots[message.socket];
    if (!slot || reserved.has(message.event)) return;
    if (!slot.socket.connected) await this.#reconnect(slot);
    this.#report.sent++;
    const known = Object.hasOwn(clientRequests, message.event);
    if (!message.ack) {
      slot.socket.emit(message.event, ...message.args);
      return;
    }
    const socket = slot.socket;
    let onDrop: () => void = () => undefined;
    const dropped = new Promise<'dropped'>((resolve) => (onDrop = () => resolve('dropped')));
    socket.once('disconnect', onDrop);
    const reply = await Promise.race([
      this.#emit(socket, message.event, message.args, known ? replyTimeoutMs : 500),
      dropped,
    ]);
    socket.off('disconnect', onDrop);
    if (reply === 'dropped') {
      this.#report.dropped++;
      return;
    }
    if (!known) return; // the server ignores what is not a request (no reply; the short wait ran out)
    this.#check(message, reply);
  }

  #check(message: FuzzMessage, reply: unknown): void {
    const where = `${message.event} ${JSON.stringify(message.args).slice(0, 200)}`;
    if (reply === 'timeout') {
      this.#report.failures.push(`no reply to ${where}`);
      return;
    }
    this.#report.replies++;
    const envelope = ReplyEnvelopeSchema.safeParse(reply);
    if (!envelope.success) return void this.#report.failures.push(`malformed reply to ${where}`);
    const code = envelope.data.ok ? 'ok' : envelope.data.error.code;
    this.#report.codes[code] = (this.#report.codes[code] ?? 0) + 1;
    if (code === 'internal') this.#report.failures.push(`internal error for ${where}: ${JSON.stringify(reply)}`);
    if (!envelope.data.ok) return;
    const response = clientRequests[message.event as ClientRequestName].response.safeParse(envelope.data.data);
    if (!response.success) this.#report.failures.push(`reply outside the protocol to ${where}`);
    else this.#harvest(envelope.data.data);
  }

  /** Ids in replies and events, for later messages to name. */
  #harvest(data: unknown): void {
    if (typeof data !== 'object' || data === null) return;
    const record = data as Record<string, unknown>;
    const { pool } = this;
    pool.add(pool.rooms, record.roomId);
    pool.add(pool.peers, record.peerId);
    pool.add(pool.transports, record.transportId);
    pool.add(pool.producers, record.producerId);
    pool.add(pool.consumers, record.consumerId);
    pool.add(pool.resumeTokens, record.resumeToken);
    for (const list of [record.participants, record.producers, record.waiting])
      if (Array.isArray(list)) for (const entry of list.slice(0, 20)) this.#harvest(entry);
  }

  #emit(socket: Socket, event: string, args: unknown[], timeoutMs = replyTimeoutMs): Promise<unknown> {
    return socket
      .timeout(timeoutMs)
      .emitWithAck(event, ...args)
      .catch(() => 'timeout');
  }

  /** A dropped socket's replacement; the server may still count the old one for a moment (4 per session). */
  #reconnect(slot: Slot): Promise<void> {
    slot.reconnecting ??= (async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          slot.socket = await this.#connect(slot.cookie);
          return;
        } catch (error) {
          if (attempt >= 20) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
        }
      }
    })().finally(() => (slot.reconnecting = undefined));
    return slot.reconnecting;
  }

  #connect(cookie: string): Promise<Socket> {
    const socket = io(this.baseUrl, {
      transports: ['websocket'],
      auth: { clientVersion },
      extraHeaders: { Origin: this.baseUrl, Cookie: cookie },
      reconnection: false,
      forceNew: true,
    });
    socket.onAny((_event: string, payload: unknown) => this.#harvest(payload));
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (error) => {
        socket.close();
        reject(error);
      });
    });
  }
}
