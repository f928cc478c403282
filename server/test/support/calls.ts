// Helpers for signaling tests: fresh users with open sockets, raw requests
// (as a hostile client could send them), awaiting server events, and the
// usual call set-ups (a host in a new room, a guest knocking or admitted).
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { connectSocket, rawRequest, type TestSocket } from './startTestServer.js';
import { post, registerUser, sessionCookieOf, type TestUser } from './users.js';

export type Reply = {
  ok: boolean;
  data?: Record<string, unknown>;
  error?: { code: string; message: string };
};

type Untyped = {
  once: (event: string, listener: (payload: unknown) => void) => void;
  on: (event: string, listener: (payload: unknown) => void) => void;
};

/** An E2EE announcement with the right shape (the server does not check signatures). */
export function fakeAnnouncement(seed: string): { identityKey: string; callKey: string; signature: string } {
  const fill = (length: number) => seed.repeat(length).slice(0, length);
  return { identityKey: fill(43), callKey: fill(43).split('').reverse().join(''), signature: fill(86) };
}

/** Another session for `user` (another browser), logged in with one of its recovery codes. */
export async function anotherSession(baseUrl: string, user: TestUser, codeIndex: number): Promise<string> {
  const first = await post(baseUrl, '/api/login', { username: user.username, password: user.password });
  const { loginId } = (await first.json()) as { loginId: string };
  const verified = await post(baseUrl, '/api/login/verify', { loginId, recoveryCode: user.recoveryCodes[codeIndex] });
  return sessionCookieOf(verified);
}

export function callHelpers(baseUrl: () => string) {
  const sockets: TestSocket[] = [];

  /** A new socket for an existing user (by session cookie). */
  const connectAs = async (cookie: string) => {
    const socket = await connectSocket(baseUrl(), cookie);
    sockets.push(socket);
    return socket;
  };
  /** A fresh user with an open socket. */
  const connectUser = async () => {
    const user = await registerUser(baseUrl());
    return { user, socket: await connectAs(user.cookie) };
  };
  const connect = async () => (await connectUser()).socket;
  const request = (socket: TestSocket, event: string, payload: unknown) =>
    rawRequest(socket, event, payload) as Promise<Reply>;
  const next = (socket: TestSocket, event: string) =>
    new Promise<unknown>((resolve) => (socket as unknown as Untyped).once(event, resolve));
  /** The first `event` from now on that satisfies `test`. */
  const nextWhere = <T>(socket: TestSocket, event: string, test: (payload: T) => boolean) =>
    new Promise<T>((resolve) => {
      const listener = (payload: unknown) => {
        if (!test(payload as T)) return;
        (socket as unknown as { off: (e: string, l: (p: unknown) => void) => void }).off(event, listener);
        resolve(payload as T);
      };
      (socket as unknown as Untyped).on(event, listener);
    });
  /** Every `event` the socket receives from now on, in order. */
  const collect = (socket: TestSocket, event: string) => {
    const seen: unknown[] = [];
    (socket as unknown as Untyped).on(event, (payload) => seen.push(payload));
    return seen;
  };
  /** A host in a new room, and the room's id. */
  const hostRoom = async () => {
    const { user, socket: host } = await connectUser();
    const { data } = await request(host, 'createRoom', {});
    const roomId = String(data?.roomId);
    const joined = await request(host, 'join', { roomId, displayName: 'Host' });
    expect(joined).toMatchObject({ ok: true, data: { status: 'admitted', isHost: true } });
    return { host, roomId, hostUser: user, hostPeerId: String(joined.data?.peerId) };
  };
  /** `guest` knocks on `roomId`; returns the peer id the server gave it. */
  const knockWith = async (guest: TestSocket, roomId: string, host: TestSocket, displayName = 'Guest') => {
    const lobby = next(host, 'lobbyChanged');
    const reply = await request(guest, 'join', { roomId, displayName });
    expect(reply).toMatchObject({ ok: true, data: { status: 'waiting' } });
    const peerId = String(reply.data?.peerId);
    expect(await lobby).toMatchObject({
      waiting: expect.arrayContaining([expect.objectContaining({ peerId, displayName })]),
    });
    return peerId;
  };
  /** A fresh guest knocking on `roomId`, and the peer id the server gave it. */
  const knock = async (roomId: string, host: TestSocket) => {
    const { user, socket: guest } = await connectUser();
    return { guest, user, peerId: await knockWith(guest, roomId, host) };
  };
  /** A fresh guest, knocked and admitted: its admission carries the resume token. */
  const admitted = async (roomId: string, host: TestSocket) => {
    const { guest, user, peerId } = await knock(roomId, host);
    const admission = next(guest, 'admitted') as Promise<{ resumeToken: string; keySlot: number }>;
    expect(await request(host, 'admit', { peerId })).toMatchObject({ ok: true });
    return { guest, user, peerId, admission: await admission };
  };
  /** The socket's network drops without a goodbye: the server sees a transport close. */
  const dropNetwork = (socket: TestSocket) =>
    (socket as unknown as { io: { engine: { close: () => void } } }).io.engine.close();
  const closeAll = () => {
    for (const socket of sockets) socket.close();
  };

  return {
    sockets,
    connect,
    connectUser,
    connectAs,
    request,
    next,
    nextWhere,
    collect,
    hostRoom,
    knock,
    knockWith,
    admitted,
    dropNetwork,
    closeAll,
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Hosts a new room, announces random E2EE keys there, hangs up; returns the identity key as stored. */
export async function announceIdentityKey(baseUrl: string, cookie: string, origin = baseUrl): Promise<string> {
  const socket = await connectSocket(baseUrl, cookie, origin);
  try {
    const ask = async (event: string, payload: unknown) => {
      const reply = (await rawRequest(socket, event, payload)) as Reply;
      if (!reply.ok) throw new Error(`${event} failed: ${JSON.stringify(reply.error)}`);
      return reply.data ?? {};
    };
    const { roomId } = await ask('createRoom', {});
    await ask('join', { roomId, displayName: 'Device' });
    const identityKey = randomBytes(32).toString('base64url');
    await ask('announceE2ee', {
      identityKey,
      callKey: randomBytes(32).toString('base64url'),
      signature: randomBytes(64).toString('base64url'),
    });
    return identityKey;
  } finally {
    socket.close();
  }
}
