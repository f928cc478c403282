// Signaling against a real server and mediasoup worker: valid requests work,
// invalid or out-of-order ones get an error reply and change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyServer } from '../src/ParleyServer.js';
import { connectSocket, rawRequest, startTestServer, type TestSocket } from './support/startTestServer.js';
import { post, registerUser } from './support/users.js';

const roomId = 'integration-room-0001';

describe('signaling', () => {
  let server: ParleyServer;
  let baseUrl: string;
  let cookie: string;
  const sockets: TestSocket[] = [];
  const connect = async () => {
    const socket = await connectSocket(baseUrl, cookie);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    ({ server, baseUrl } = await startTestServer());
    ({ cookie } = await registerUser(baseUrl));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server.close();
  });

  it('refuses a socket whose Origin is another site, even with a valid session', async () => {
    await expect(connectSocket(baseUrl, cookie, 'https://evil.example.org')).rejects.toThrow();
  });

  it('refuses a socket without a session, or with a forged one', async () => {
    await expect(connectSocket(baseUrl, '')).rejects.toThrow(/unauthenticated/);
    const forged = cookie.replace(/\.(.)/, (_m, c: string) => `.${c === 'A' ? 'B' : 'A'}`);
    await expect(connectSocket(baseUrl, forged)).rejects.toThrow(/unauthenticated/);
  });

  it('answers a join with the router capabilities and the producers already there', async () => {
    const socket = await connect();
    const reply = await rawRequest(socket, 'join', { roomId });
    expect(reply).toMatchObject({
      ok: true,
      data: { peerId: expect.stringMatching(/^[0-9a-f-]{36}$/), producers: [] },
    });
    const codecs = (reply as { data: { routerRtpCapabilities: { codecs: { mimeType: string }[] } } }).data
      .routerRtpCapabilities.codecs;
    expect(codecs.map((codec) => codec.mimeType)).toContain('video/VP8');
  });

  it('ignores a peer id the client tries to choose', async () => {
    const socket = await connect();
    const reply = await rawRequest(socket, 'join', { roomId, peerId: '00000000-0000-4000-8000-000000000000' });
    expect(reply).toMatchObject({ ok: true });
    expect((reply as { data: { peerId: string } }).data.peerId).not.toBe('00000000-0000-4000-8000-000000000000');
  });

  it.each([
    ['a string', 'join', 'hello'],
    ['a short room id', 'join', { roomId: 'short' }],
    ['a room id with slashes', 'join', { roomId: '../../etc/passwd/aaaaaaa' }],
    ['an oversized room id', 'join', { roomId: 'a'.repeat(10_000) }],
    ['an unknown direction', 'createTransport', { direction: 'sideways' }],
    ['a non-uuid transport id', 'connectTransport', { transportId: 'x', dtlsParameters: { fingerprints: [] } }],
  ])('replies invalid_message to %s', async (_label, event, payload) => {
    const socket = await connect();
    const reply = await rawRequest(socket, event, payload);
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
  });

  it('replies not_joined to media requests before join, and already_joined to a second join', async () => {
    const socket = await connect();
    expect(await rawRequest(socket, 'createTransport', { direction: 'send' })).toMatchObject({
      ok: false,
      error: { code: 'not_joined' },
    });
    expect(await rawRequest(socket, 'join', { roomId })).toMatchObject({ ok: true });
    expect(await rawRequest(socket, 'join', { roomId })).toMatchObject({
      ok: false,
      error: { code: 'already_joined' },
    });
  });

  it('creates transports up to the per-peer limit and names no other peer’s objects', async () => {
    const socket = await connect();
    await rawRequest(socket, 'join', { roomId });
    const created = await rawRequest(socket, 'createTransport', { direction: 'send' });
    expect(created).toMatchObject({ ok: true, data: { iceCandidates: expect.any(Array) } });

    const other = await connect();
    await rawRequest(other, 'join', { roomId });
    const transportId = (created as { data: { transportId: string } }).data.transportId;
    const hijack = await rawRequest(other, 'connectTransport', {
      transportId,
      dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD' }] },
    });
    expect(hijack).toMatchObject({ ok: false, error: { code: 'not_found' } });

    const replies = [];
    for (let i = 0; i < 5; i++) replies.push(await rawRequest(socket, 'createTransport', { direction: 'recv' }));
    expect(replies.filter((reply) => (reply as { ok: boolean }).ok)).toHaveLength(3);
    expect(replies.at(-1)).toMatchObject({ ok: false, error: { code: 'limit_reached' } });
  });

  it('disconnects the sockets of a session the moment it is revoked', async () => {
    const other = await registerUser(baseUrl);
    const socket = await connectSocket(baseUrl, other.cookie);
    sockets.push(socket);
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const loggedOut = await post(baseUrl, '/api/logout', {}, other.cookie);
    expect(loggedOut.status).toBe(200);
    expect(await disconnected).toBe('io server disconnect');
    await expect(connectSocket(baseUrl, other.cookie)).rejects.toThrow(/unauthenticated/);
  });

  it('stays up after all that: a new client can still join', async () => {
    const socket = await connect();
    expect(await rawRequest(socket, 'join', { roomId: 'integration-room-0002' })).toMatchObject({ ok: true });
  });
});
