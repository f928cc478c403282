// One participant's media state inside a room: its transports, producers and
// consumers. The id is assigned by the server; nothing the client sends can
// name another peer's objects, because every lookup goes through these maps.
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { types } from 'mediasoup';
import type { E2eeAnnouncement, MediaSource } from '@parley/shared';
import { createLogger } from '../logging/index.js';
import { ClientError, LimitError, NotFoundError } from '../errors.js';
import { limits } from './limits.js';
import { Outbox, type Notify, type PeerLink } from './Outbox.js';

const log = createLogger('rooms.Peer');

export type ProducerAppData = { peerId: string; source: MediaSource };

export class Peer {
  readonly id = randomUUID();
  /** Microphones a host paused and the owner has not unmuted: told again after a resume. */
  readonly mutedByHost = new Set<string>();
  /** Assigned once, on admission: this peer's number in SFrame key ids. */
  #keySlot: number | undefined;
  /**
   * This peer's public E2EE keys for the call. Announced once and then fixed:
   * receivers bind a peer id to one call key, so a second announcement could
   * only be an attempt to swap keys mid-call. 'pending' while it is recorded.
   */
  #e2ee: E2eeAnnouncement | 'pending' | undefined;
  readonly #transports = new Map<string, types.WebRtcTransport>();
  readonly #producers = new Map<string, types.Producer<ProducerAppData>>();
  readonly #consumers = new Map<string, types.Consumer>();
  #closed = false;

  readonly #resumeToken = randomBytes(32).toString('base64url');
  readonly #outbox: Outbox;

  constructor(
    /** From the session, never from the client. */
    readonly userId: string,
    /** Chosen for this call only; never stored. */
    readonly displayName: string,
    link: PeerLink,
  ) {
    this.#outbox = new Outbox(link);
  }

  readonly notify: Notify = (event, payload) => this.#outbox.send(event, payload);

  get keySlot(): number {
    if (this.#keySlot === undefined) throw new Error('a peer has a key slot only once admitted');
    return this.#keySlot;
  }

  /** On admission, once: a peer's slot is part of its KIDs, which receivers check against it. */
  assignKeySlot(slot: number): void {
    if (this.#keySlot !== undefined) throw new Error('a peer is admitted once');
    this.#keySlot = slot;
  }

  get e2ee(): E2eeAnnouncement | undefined {
    return this.#e2ee === 'pending' ? undefined : this.#e2ee;
  }

  /** Reserves this peer's one announcement, before anything is awaited (parallel requests race). */
  reserveAnnouncement(): void {
    if (this.#e2ee !== undefined)
      throw new ClientError('already_announced', 'You have already announced your keys for this call.');
    this.#e2ee = 'pending';
  }

  /** The reserved announcement is recorded: from now on it is this peer's keys for the call. */
  completeAnnouncement(announcement: E2eeAnnouncement): void {
    this.#e2ee = announcement;
  }

  /** Recording failed (the database, not the client): the peer may try again. */
  abandonAnnouncement(): void {
    if (this.#e2ee === 'pending') this.#e2ee = undefined;
  }

  get resumeToken(): string {
    return this.#resumeToken;
  }

  /** Whether `token` is this peer's resume token (constant-time). */
  ownsResumeToken(token: string): boolean {
    const a = Buffer.from(token);
    const b = Buffer.from(this.#resumeToken);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** The socket dropped: what the resume reply cannot carry waits for a resume. */
  suspend(): void {
    this.#outbox.away();
  }

  /** A new socket resumes this peer; its events wait until the reply is sent (`attach`). */
  beginResume(link: PeerLink): void {
    this.#outbox.resuming(link);
  }

  /** After the resume reply: what waited, in order, then whatever is said from now on. */
  attach(link: PeerLink): void {
    const dropped = this.#outbox.attach(link);
    if (dropped > 0) log.info({ dropped }, 'E2EE boxes dropped while a peer was away (queue full)');
    // A host's mute sent to a dead socket was lost with it: say it again.
    for (const producerId of this.mutedByHost) this.notify('mutedByHost', { producerId });
  }

  get producers(): Iterable<types.Producer<ProducerAppData>> {
    return this.#producers.values();
  }

  addTransport(transport: types.WebRtcTransport): void {
    if (this.#transports.size >= limits.transportsPerPeer) {
      transport.close();
      throw new LimitError('transports per participant', limits.transportsPerPeer);
    }
    this.#transports.set(transport.id, transport);
    transport.observer.once('close', () => this.#transports.delete(transport.id));
  }

  transport(id: string): types.WebRtcTransport {
    const transport = this.#transports.get(id);
    if (!transport) throw new NotFoundError('transport');
    return transport;
  }

  assertCanProduce(): void {
    if (this.#producers.size >= limits.producersPerPeer)
      throw new LimitError('producers per participant', limits.producersPerPeer);
  }

  producer(id: string): types.Producer<ProducerAppData> {
    const producer = this.#producers.get(id);
    if (!producer) throw new NotFoundError('producer');
    return producer;
  }

  addProducer(producer: types.Producer<ProducerAppData>): void {
    this.#producers.set(producer.id, producer);
    producer.observer.once('close', () => this.#producers.delete(producer.id));
  }

  assertCanConsume(): void {
    if (this.#consumers.size >= limits.consumersPerPeer)
      throw new LimitError('consumers per participant', limits.consumersPerPeer);
  }

  addConsumer(consumer: types.Consumer): void {
    this.#consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => this.#consumers.delete(consumer.id));
    // When the producer goes, mediasoup closes the consumer; tell the client.
    consumer.on('producerclose', () => this.notify('producerClosed', { producerId: consumer.producerId }));
  }

  consumer(id: string): types.Consumer {
    const consumer = this.#consumers.get(id);
    if (!consumer) throw new NotFoundError('consumer');
    return consumer;
  }

  /** Closing the transports closes their producers and consumers with them. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const transport of this.#transports.values()) transport.close();
  }
}
