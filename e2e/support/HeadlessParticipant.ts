// A participant without a browser: a real account, a real socket to the real
// server, and the same key agreement state machine the browser runs, with
// real libsodium boxes. It sends no media; it is a listener unless told it
// sends (`setSending`, as a browser's LocalMedia would say). Tests use it as
// a quiet listener, as extra joiners, and as a hand-modified client that
// keeps every key it is given (to check what those keys can decrypt); the
// key benchmark runs hundreds of them and watches their actions.
import { io, type Socket } from 'socket.io-client';
import {
  clientRequests,
  clientVersion,
  ReplyEnvelopeSchema,
  serverEvents,
  type Admission,
  type ClientRequestName,
  type RequestOf,
  type ServerEventName,
  type ServerEventOf,
} from '@parley/shared';
import { MediaDecryptor } from '@parley/shared/e2ee';
import {
  callSecurityCode,
  createAgreementCrypto,
  KeyAgreement,
  loadSodium,
  relayBatches,
  type AgreementAction,
  type AgreementInput,
  type Sodium,
} from '@parley/shared/e2ee/agreement';
import { registerViaApi, type E2eUser } from './accounts.js';
import type { TappedFrame } from './mediaTap.js';

type Input = AgreementInput extends infer I ? (I extends AgreementInput ? Omit<I, 'now'> : never) : never;
/** Sees every action the machine returns, with when (performance.now()). */
export type ActionObserver = (action: AgreementAction, at: number) => void;

export class HeadlessParticipant {
  readonly #socket: Socket;
  readonly #sodium: Sodium;
  #machine: KeyAgreement | undefined;
  #admission: Admission | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** Every key anyone gave us, kept for good: sender peer id → epoch → key. */
  readonly keptKeys = new Map<string, Map<number, Uint8Array<ArrayBuffer>>>();
  readonly #slots = new Map<string, number>();
  readonly alerts: { alert: string; peerId: string }[] = [];
  readonly #observers = new Set<ActionObserver>();
  /** Events that came before our key agreement started (right after our admission). */
  readonly #early: Input[] = [];
  readonly #outgoing: AgreementAction[] = [];
  /** Boxes the server refused or that timed out. */
  relayFailures = 0;
  /** Signaling bytes on this socket (socket.io packets, both ways), for benchmarks. */
  readonly wire = { sent: 0, received: 0 };

  private constructor(
    readonly name: string,
    readonly account: E2eUser,
    socket: Socket,
    sodium: Sodium,
  ) {
    this.#socket = socket;
    this.#sodium = sodium;
    const size = (packet: { data?: unknown }) =>
      typeof packet.data === 'string'
        ? packet.data.length
        : packet.data instanceof ArrayBuffer
          ? packet.data.byteLength
          : 0;
    socket.io.engine.on('packetCreate', (packet) => (this.wire.sent += size(packet)));
    socket.io.engine.on('packet', (packet) => (this.wire.received += size(packet)));
  }

  /** An open socket to the server at `baseUrl`, as `user` (by default a new account). */
  static async connect(baseUrl: string, name: string, account?: E2eUser): Promise<HeadlessParticipant> {
    const [user, sodium] = await Promise.all([account ?? registerViaApi(baseUrl), loadSodium()]);
    const socket = io(baseUrl, {
      transports: ['websocket'],
      auth: { clientVersion },
      extraHeaders: { Cookie: user.cookie, Origin: baseUrl },
      reconnection: true,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return new HeadlessParticipant(name, user, socket, sodium);
  }

  get peerId(): string | undefined {
    return this.#admission?.peerId;
  }

  get machine(): KeyAgreement | undefined {
    return this.#machine;
  }

  /**
   * Knocks (or, as a host, enters); resolves once admitted, and starts the key
   * agreement. `onWaiting` hears our peer id while we wait in the lobby.
   */
  async join(roomId: string, onWaiting?: (peerId: string) => void): Promise<void> {
    // Listening from now on: what is said between our admission and our machine's start is held (#early).
    this.#wire();
    const admitted = new Promise<Admission>((resolve) => this.#on('admitted', resolve));
    const reply = clientRequests.join.response.parse(await this.request('join', { roomId, displayName: this.name }));
    if (reply.status === 'waiting') onWaiting?.(reply.peerId);
    const admission = reply.status === 'admitted' ? reply : await admitted;
    this.#admission = admission;
    const identity = this.#sodium.crypto_sign_keypair();
    const crypto = createAgreementCrypto(this.#sodium, { roomId, peerId: admission.peerId, identity });
    this.#machine = new KeyAgreement(
      { peerId: admission.peerId, accountId: admission.accountId, slot: admission.keySlot },
      crypto,
    );
    this.#apply(this.#machine.start());
    for (const participant of admission.participants) this.handle({ type: 'memberJoined', participant });
    for (const input of this.#early.splice(0)) this.handle(input);
    await this.request('announceE2ee', crypto.announcement);
  }

  /** The call security code as this participant computes it. */
  get securityCode(): string {
    const machine = this.#machine;
    if (!machine || !this.#admission) return '';
    const self = { accountId: this.#admission.accountId, ...machine.ownKeys };
    const keyed = machine.members.flatMap((m) => (m.keys ? [{ accountId: m.accountId, ...m.keys }] : []));
    return callSecurityCode(this.#sodium, [self, ...keyed]);
  }

  /** How many of these tapped frames the keys we were ever given decrypt (a dry run). */
  async decryptable(frames: TappedFrame[]): Promise<number> {
    let count = 0;
    const decryptors = new Map<string, MediaDecryptor>();
    for (const [peerId, keys] of this.keptKeys) {
      const decryptor = new MediaDecryptor(this.#slots.get(peerId) ?? -1);
      for (const [epoch, key] of keys) await decryptor.setKey(epoch, key);
      decryptors.set(peerId, decryptor);
    }
    for (const frame of frames) {
      const decryptor = decryptors.get(frame.peerId);
      if (decryptor && (await decryptor.decrypt(frame.kind, frame.data, { probe: true })).ok) count++;
    }
    return count;
  }

  /** We start or stop sending media (no media flows here; the key agreement acts as if it did). */
  setSending(sending: boolean): void {
    this.handle({ type: 'sending', sending });
  }

  observe(observer: ActionObserver): () => void {
    this.#observers.add(observer);
    return () => this.#observers.delete(observer);
  }

  handle(input: Input): void {
    if (!this.#machine) {
      this.#early.push(input);
      return;
    }
    this.#apply(this.#machine.handle({ ...input, now: performance.now() } as AgreementInput));
  }

  async request<K extends ClientRequestName>(name: K, payload: RequestOf<K>): Promise<unknown> {
    const raw: unknown = await this.#socket.timeout(10_000).emitWithAck(name, payload);
    const envelope = ReplyEnvelopeSchema.parse(raw);
    if (!envelope.ok) throw new Error(`${name}: ${envelope.error.code}: ${envelope.error.message}`);
    return envelope.data;
  }

  /** Hangs up (the server removes us at once). */
  leave(): void {
    clearTimeout(this.#timer);
    this.#socket.disconnect();
  }

  #wire(): void {
    this.#on('participantJoined', (participant) => this.handle({ type: 'memberJoined', participant }));
    this.#on('participantUpdated', (participant) => this.handle({ type: 'memberUpdated', participant }));
    this.#on('peerLeft', ({ peerId }) => this.handle({ type: 'memberLeft', peerId }));
    this.#on('e2eeAnnounced', ({ peerId, ...announcement }) =>
      this.handle({ type: 'announced', peerId, announcement }),
    );
    this.#on('e2eeRelayed', ({ boxes }) => {
      for (const { from, box } of boxes) this.handle({ type: 'boxReceived', from, box });
    });
  }

  /** As the browser does (CallKeys): the boxes of one task go out together. */
  #relay(send: AgreementAction): void {
    if (this.#outgoing.push(send) > 1) return;
    queueMicrotask(() => {
      // A box the server refuses shows up as a missing key on the other side; tests check outcomes.
      for (const boxes of relayBatches(this.#outgoing.splice(0)))
        this.request('relayE2ee', { boxes }).catch(() => (this.relayFailures += boxes.length));
    });
  }

  #on<K extends ServerEventName>(name: K, listener: (event: ServerEventOf<K>) => void): void {
    this.#socket.on(name as string, (payload: unknown) => {
      const parsed = serverEvents[name].safeParse(payload);
      if (parsed.success) listener(parsed.data as ServerEventOf<K>);
    });
  }

  #apply(actions: AgreementAction[]): void {
    const at = performance.now();
    for (const action of actions) {
      for (const observer of this.#observers) observer(action, at);
      switch (action.type) {
        case 'send':
          this.#relay(action);
          break;
        case 'setReceiveKey': {
          this.#slots.set(action.peerId, action.slot);
          const keys = this.keptKeys.get(action.peerId) ?? new Map<number, Uint8Array<ArrayBuffer>>();
          keys.set(action.epoch, action.key);
          this.keptKeys.set(action.peerId, keys);
          break;
        }
        case 'alert':
          this.alerts.push({ alert: action.alert, peerId: action.peerId });
          break;
        case 'setSendKey':
        case 'forgetMember':
        case 'receivedKey':
        case 'changed':
          break; // no media, and this client keeps every key on purpose
      }
    }
    clearTimeout(this.#timer);
    const wake = this.#machine?.nextWakeAt;
    if (wake !== undefined)
      this.#timer = setTimeout(() => this.handle({ type: 'tick' }), Math.max(0, wake - performance.now()));
  }
}
