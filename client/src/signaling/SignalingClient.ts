// The client's end of the typed socket. Requests wait for an acknowledgement
// with a timeout; every reply and every server event is validated against its
// schema in @parley/shared before the app sees it.
import { io, type Socket } from 'socket.io-client';
import {
  ReplyEnvelopeSchema,
  clientVersion,
  compareVersions,
  clientRequests,
  serverEvents,
  type ClientRequestName,
  type ClientToServerEvents,
  type ErrorCode,
  type RequestOf,
  type ResponseOf,
  type ServerEventName,
  type ServerEventOf,
  type ServerToClientEvents,
} from '@parley/shared';

const requestTimeoutMs = 10_000;

export class RequestError extends Error {
  constructor(
    readonly code: ErrorCode | 'timeout' | 'bad_reply' | 'client_outdated',
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

export class SignalingClient {
  readonly #socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  #refused: RequestError | undefined;
  /** Set when the server offers a newer client than this page. */
  updateAvailable = false;
  readonly #reconnectListeners = new Set<() => void>();
  #connectedBefore = false;

  /** `guest`: no account, a meeting link (and this browser's guest token) instead of a session. */
  constructor(guest?: { link: { id: string; secret: string }; guestToken: string }) {
    // Same origin only; WebSocket from the start (no long-polling fallback).
    // The version lets the server turn away a stale cached page.
    this.#socket = io({ transports: ['websocket'], autoConnect: true, auth: { clientVersion, ...guest } });
    this.#socket.on('connect_error', (error) => {
      if (error.message === 'client_outdated') {
        this.#refused = new RequestError(
          'client_outdated',
          'This page is out of date. Reload it to get the current version of Parley.',
        );
      } else if (error.message === 'unauthenticated') {
        this.#refused = new RequestError('unauthenticated', 'Your session has ended. Please log in again.');
      } else if (error.message === 'link_unusable') {
        this.#refused = new RequestError(
          'link_unusable',
          'This meeting link has expired, was revoked, or was already used. Ask for a new one.',
        );
      } else if (error.message === 'limit_reached') {
        this.#refused = new RequestError(
          'limit_reached',
          'Too many open connections: close another tab or device first.',
        );
      }
      if (this.#refused) this.#socket.close();
    });
    this.#socket.on('connect', () => {
      if (this.#connectedBefore) for (const listener of this.#reconnectListeners) listener();
      this.#connectedBefore = true;
    });
    this.on('serverInfo', ({ currentClientVersion }) => {
      this.updateAvailable = compareVersions(clientVersion, currentClientVersion) < 0;
    });
  }

  async request<K extends ClientRequestName>(name: K, payload: RequestOf<K>): Promise<ResponseOf<K>> {
    if (this.#refused) throw this.#refused;
    let raw: unknown;
    try {
      const emit = this.#socket.timeout(requestTimeoutMs).emitWithAck.bind(this.#socket.timeout(requestTimeoutMs));
      raw = await (emit as (event: string, payload: unknown) => Promise<unknown>)(name, payload);
    } catch {
      throw this.#refused ?? new RequestError('timeout', `${name}: no reply from the server`);
    }
    const envelope = ReplyEnvelopeSchema.safeParse(raw);
    if (!envelope.success) throw new RequestError('bad_reply', `${name}: malformed reply`);
    if (!envelope.data.ok) throw new RequestError(envelope.data.error.code, envelope.data.error.message);
    const data = clientRequests[name].response.safeParse(envelope.data.data);
    if (!data.success) throw new RequestError('bad_reply', `${name}: unexpected reply`);
    return data.data as ResponseOf<K>;
  }

  /** Listens to a server event (validated against its schema); returns the unsubscribe. */
  on<K extends ServerEventName>(name: K, listener: (event: ServerEventOf<K>) => void): () => void {
    const schema = serverEvents[name];
    const handler = (payload: unknown) => {
      const parsed = schema.safeParse(payload);
      // A server event that does not match the protocol is ignored, not trusted.
      if (parsed.success) listener(parsed.data as ServerEventOf<K>);
    };
    const socket = this.#socket as unknown as {
      on: (event: string, listener: (payload: unknown) => void) => void;
      off: (event: string, listener: (payload: unknown) => void) => void;
    };
    socket.on(name, handler);
    return () => socket.off(name, handler);
  }

  /** Called each time the socket comes back after a drop (socket.io reconnects by itself); returns the unsubscribe. */
  onReconnect(listener: () => void): () => void {
    this.#reconnectListeners.add(listener);
    return () => this.#reconnectListeners.delete(listener);
  }

  close(): void {
    this.#socket.close();
  }
}
