// One participant inside a room: its transports, producers and consumers, its
// E2EE announcement, its rate limits and where its events go (Outbox). The id
// is assigned by the server; nothing the client sends can name another peer's
// objects, because every lookup goes through these maps, and the slots that
// bound them are taken before the media worker is asked.
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { types } from 'mediasoup';
import type { E2eeAnnouncement, Identity, MediaSource, Permissions } from '@parley/shared';
import { createLogger } from '../logging/index.js';
import { ClientError, NotFoundError } from '../errors.js';
import { limits, type PeerRateKind } from './limits.js';
import { Quota, RateLimiter, reserveAll } from './rateLimit.js';
import { Outbox, type Notify, type PeerLink } from './Outbox.js';

const log = createLogger('rooms.Peer');

export type ProducerAppData = { peerId: string; source: MediaSource };

/** Who a peer is, from the socket's handshake (never from a request). */
export type PeerIdentity = {
  /** An account's id, or a guest's id (derived from their browser's token and the link: stable across reconnects). */
  userId: string;
  identity: Identity;
  /** The meeting link they came through, if any. */
  viaLink?: { id: string; singleUse: boolean } | undefined;
  /** Guests: their client address's key, for knock limits (memory only, never logged). */
  addressKey?: string | undefined;
};

/** Everyone may send everything, unless the room says otherwise (guests of a sensitive call). */
export const allMedia: Permissions = { speak: true, share: true };

/** What transports, producers and consumers have in common here. */
type MediaObject = {
  readonly id: string;
  close(): void;
  readonly observer: { once(event: 'close', listener: () => void): unknown };
};

export class Peer {
  readonly id = randomUUID();
  /** Microphones a host paused and the owner has not unmuted: told again after a resume. */
  readonly mutedByHost = new Set<string>();
  /** Raised to speak; lowered by them or by a host. */
  handRaised = false;
  /** Assigned once, on admission: this peer's number in SFrame key ids. */
  #keySlot: number | undefined;
  /**
   * This peer's public E2EE keys for the call. Announced once and then fixed:
   * receivers bind a peer id to one call key, so a second announcement could
   * only be an attempt to swap keys mid-call. 'pending' while it is recorded.
   */
  #e2ee: E2eeAnnouncement | 'pending' | undefined;
  /** Requests of each kind, charged by the room before they do anything. */
  readonly rates = new RateLimiter<PeerRateKind>();
  readonly #transportSlots = new Quota(limits.transportsPerPeer, 'transports per participant');
  readonly #producerSlots = new Quota(limits.producersPerPeer, 'producers per participant');
  readonly #consumerSlots = new Quota(limits.consumersPerPeer, 'consumers per participant');
  readonly #transports = new Map<string, types.WebRtcTransport>();
  readonly #producers = new Map<string, types.Producer<ProducerAppData>>();
  readonly #consumers = new Map<string, types.Consumer>();
  #closed = false;
  /** The call moved to another media worker while no socket held this peer. */
  #missedMediaMove = false;

  readonly #resumeToken = randomBytes(32).toString('base64url');
  readonly #outbox: Outbox;

  /** From the session or the meeting link, never from the client. */
  readonly userId: string;
  readonly identity: Identity;
  readonly viaLink: { id: string; singleUse: boolean } | undefined;
  readonly addressKey: string | undefined;
  /** What this peer may send; the room sets it (guests of a sensitive call start with nothing). */
  permissions: Permissions = allMedia;

  constructor(
    who: PeerIdentity,
    /** Chosen for this call only; never stored. */
    readonly displayName: string,
    link: PeerLink,
  ) {
    this.userId = who.userId;
    this.identity = who.identity;
    this.viaLink = who.viaLink;
    this.addressKey = who.addressKey;
    this.#outbox = new Outbox(link);
  }

  get isGuest(): boolean {
    return this.identity.kind === 'guest';
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

  /** Bytes this peer's socket has yet to send (0 while away: what is relayed to it then is dropped). */
  get backlogBytes(): number {
    return this.#outbox.link?.backlogBytes?.() ?? 0;
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

  /** After the resume reply: what waited, in order, then whatever is said from now on. False if another socket took the peer meanwhile. */
  attach(link: PeerLink): boolean {
    const dropped = this.#outbox.attach(link);
    if (dropped === undefined) return false;
    if (dropped > 0) log.info({ dropped }, 'E2EE boxes dropped while a peer was away (queue full)');
    // A host's mute sent to a dead socket was lost with it: say it again.
    for (const producerId of this.mutedByHost) this.notify('mutedByHost', { producerId });
    return true;
  }

  /**
   * The call's media worker died: this peer's transports, producers and
   * consumers closed with it (and freed their slots). Its new producers
   * start as the client sends them. If no socket holds the peer now, the
   * news waits for its resume.
   */
  mediaLost(): void {
    this.mutedByHost.clear();
    if (!this.#outbox.link) this.#missedMediaMove = true;
  }

  /** Whether the call moved while this peer was away; asking clears it. */
  takeMissedMediaMove(): boolean {
    const missed = this.#missedMediaMove;
    this.#missedMediaMove = false;
    return missed;
  }

  /** How many media objects this peer holds now (for the operator's metrics). */
  get mediaCounts(): { transports: number; producers: number; consumers: number } {
    return { transports: this.#transports.size, producers: this.#producers.size, consumers: this.#consumers.size };
  }

  get producers(): Iterable<types.Producer<ProducerAppData>> {
    return this.#producers.values();
  }

  /**
   * Creates a transport under a slot taken before the worker is asked, so
   * parallel requests cannot overshoot; `perUser` takes the user's slot too.
   */
  createTransport(
    create: () => Promise<types.WebRtcTransport>,
    perUser: () => () => void,
  ): Promise<types.WebRtcTransport> {
    const release = reserveAll(() => this.#transportSlots.reserve(), perUser);
    return this.#keep(this.#transports, release, create);
  }

  transport(id: string): types.WebRtcTransport {
    const transport = this.#transports.get(id);
    if (!transport) throw new NotFoundError('transport');
    return transport;
  }

  createProducer(create: () => Promise<types.Producer<ProducerAppData>>): Promise<types.Producer<ProducerAppData>> {
    return this.#keep(this.#producers, this.#producerSlots.reserve(), create);
  }

  producer(id: string): types.Producer<ProducerAppData> {
    const producer = this.#producers.get(id);
    if (!producer) throw new NotFoundError('producer');
    return producer;
  }

  async createConsumer(create: () => Promise<types.Consumer>): Promise<types.Consumer> {
    const consumer = await this.#keep(this.#consumers, this.#consumerSlots.reserve(), create);
    // When the producer goes, mediasoup closes the consumer; tell the client.
    consumer.on('producerclose', () => this.notify('producerClosed', { producerId: consumer.producerId }));
    return consumer;
  }

  consumer(id: string): types.Consumer {
    const consumer = this.#consumers.get(id);
    if (!consumer) throw new NotFoundError('consumer');
    return consumer;
  }

  /** Keeps a new media object until it closes, then frees its slot; one that arrives after we left is closed. */
  async #keep<T extends MediaObject>(kept: Map<string, T>, release: () => void, create: () => Promise<T>): Promise<T> {
    let object: T;
    try {
      object = await create();
    } catch (error) {
      release();
      throw error;
    }
    object.observer.once('close', () => {
      kept.delete(object.id);
      release();
    });
    if (this.#closed) {
      object.close();
      throw new ClientError('not_joined', 'you left the call');
    }
    kept.set(object.id, object);
    return object;
  }

  /** Closing the transports closes their producers and consumers with them. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const transport of this.#transports.values()) transport.close();
  }
}
