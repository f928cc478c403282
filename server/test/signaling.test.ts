// Signaling against a real server and mediasoup worker: rooms, the lobby and
// host controls work; invalid, out-of-order or unauthorised requests get an
// error reply and change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { clientVersion } from '@parley/shared';
import type { ParleyServer } from '../src/ParleyServer.js';
import { callHelpers } from './support/calls.js';
import { connectSocket, rawRequest, startTestServer } from './support/startTestServer.js';
import { post, registerUser } from './support/users.js';

describe('signaling', () => {
  let server: ParleyServer;
  let baseUrl = '';
  const call = callHelpers(() => baseUrl);
  const { sockets, connect, request, next, hostRoom, knock } = call;

  beforeAll(async () => {
    ({ server, baseUrl } = await startTestServer());
  });
  afterAll(async () => {
    call.closeAll();
    await server.close();
  });

  it('refuses a socket whose Origin is another site, even with a valid session', async () => {
    const { cookie } = await registerUser(baseUrl);
    await expect(connectSocket(baseUrl, cookie, 'https://evil.example.org')).rejects.toThrow();
  });

  it('refuses a socket without a session, or with a forged one', async () => {
    const { cookie } = await registerUser(baseUrl);
    await expect(connectSocket(baseUrl, '')).rejects.toThrow(/unauthenticated/);
    const forged = cookie.replace(/\.(.)/, (_m, c: string) => `.${c === 'A' ? 'B' : 'A'}`);
    await expect(connectSocket(baseUrl, forged)).rejects.toThrow(/unauthenticated/);
  });

  it('refuses a client below the minimum version and tells newer ones the current version', async () => {
    const { cookie } = await registerUser(baseUrl);
    await expect(connectSocket(baseUrl, cookie, baseUrl, '0.0.1')).rejects.toThrow(/client_outdated/);
    const socket = io(baseUrl, {
      transports: ['websocket'],
      auth: { clientVersion },
      extraHeaders: { Origin: baseUrl, Cookie: cookie },
      reconnection: false,
    });
    sockets.push(socket);
    expect(await new Promise((resolve) => socket.once('serverInfo', resolve))).toEqual({
      currentClientVersion: clientVersion,
    });
  });

  it('lets a host mute a participant server-side and appoint a second host', async () => {
    const { host, roomId } = await hostRoom();
    const member = await knock(roomId, host);
    await request(host, 'admit', { peerId: member.peerId });
    expect(await request(member.guest, 'muteParticipant', { peerId: member.peerId })).toMatchObject({
      error: { code: 'not_host' },
    });
    const updated = next(member.guest, 'participantUpdated');
    expect(await request(host, 'appointHost', { peerId: member.peerId })).toMatchObject({ ok: true });
    expect(await updated).toMatchObject({ peerId: member.peerId, displayName: 'Guest', isHost: true, keySlot: 1 });
    const late = await knock(roomId, host);
    expect(await request(member.guest, 'admit', { peerId: late.peerId })).toMatchObject({ ok: true });
    expect(
      await request(member.guest, 'pauseProducer', { producerId: '00000000-0000-4000-8000-000000000000' }),
    ).toMatchObject({
      error: { code: 'not_found' },
    });
  });

  it('creates rooms with 128-bit random ids; the creator joins as host with the router capabilities', async () => {
    const host = await connect();
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) ids.add(String((await request(host, 'createRoom', {})).data?.roomId));
    expect(ids.size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const reply = await request(host, 'join', { roomId: [...ids][0], displayName: '  Ada  ' });
    expect(reply).toMatchObject({
      ok: true,
      data: { status: 'admitted', isHost: true, producers: [], participants: [] },
    });
    const codecs = (reply.data?.routerRtpCapabilities as { codecs: { mimeType: string }[] }).codecs;
    expect(codecs.map((codec) => codec.mimeType)).toContain('video/VP8');
  });

  it('answers not_found for a room that does not exist', async () => {
    const socket = await connect();
    expect(await request(socket, 'join', { roomId: 'AAAAAAAAAAAAAAAAAAAAAA', displayName: 'x' })).toMatchObject({
      error: { code: 'not_found' },
    });
  });

  it('keeps guests in the lobby until a host admits them, and ignores a peer id the client picks', async () => {
    const { host, roomId } = await hostRoom();
    const guest = await connect();
    const reply = await request(guest, 'join', {
      roomId,
      displayName: 'Guest',
      peerId: '00000000-0000-4000-8000-000000000000',
    });
    const peerId = String(reply.data?.peerId);
    expect(peerId).not.toBe('00000000-0000-4000-8000-000000000000');
    expect(await request(guest, 'createTransport', { direction: 'send' })).toMatchObject({
      error: { code: 'not_admitted' },
    });
    expect(await request(guest, 'admit', { peerId })).toMatchObject({ error: { code: 'not_host' } });

    const admitted = next(guest, 'admitted');
    const joined = next(host, 'participantJoined');
    expect(await request(host, 'admit', { peerId })).toMatchObject({ ok: true });
    expect(await admitted).toMatchObject({
      peerId,
      isHost: false,
      participants: [{ displayName: 'Host', isHost: true }],
    });
    expect(await joined).toMatchObject({ peerId, displayName: 'Guest', isHost: false, keySlot: 1 });
    expect(await request(guest, 'createTransport', { direction: 'send' })).toMatchObject({ ok: true });
  });

  it('lets a host deny, lock, remove and end the call', async () => {
    const { host, roomId } = await hostRoom();
    const denied = await knock(roomId, host);
    const left = next(denied.guest, 'leftCall');
    expect(await request(host, 'deny', { peerId: denied.peerId })).toMatchObject({ ok: true });
    expect(await left).toEqual({ reason: 'denied' });
    expect(await request(denied.guest, 'createTransport', { direction: 'send' })).toMatchObject({
      error: { code: 'not_joined' },
    });

    const member = await knock(roomId, host);
    await request(host, 'admit', { peerId: member.peerId });
    expect(await request(host, 'lockRoom', { locked: true })).toMatchObject({ ok: true });
    const late = await connect();
    expect(await request(late, 'join', { roomId, displayName: 'Late' })).toMatchObject({
      error: { code: 'room_locked' },
    });

    const removed = next(member.guest, 'leftCall');
    const peerLeft = next(host, 'peerLeft');
    expect(await request(host, 'removePeer', { peerId: member.peerId })).toMatchObject({ ok: true });
    expect(await removed).toEqual({ reason: 'removed' });
    expect(await peerLeft).toEqual({ peerId: member.peerId });
    expect(await request(member.guest, 'createTransport', { direction: 'send' })).toMatchObject({
      error: { code: 'not_joined' },
    });

    await request(host, 'lockRoom', { locked: false });
    const waiting = await knock(roomId, host);
    const ended = next(waiting.guest, 'leftCall');
    expect(await request(host, 'endCall', {})).toMatchObject({ ok: true });
    expect(await ended).toEqual({ reason: 'ended_by_host' });
    expect(await request(late, 'join', { roomId, displayName: 'Late' })).toMatchObject({
      error: { code: 'not_found' },
    });
  });

  it.each([
    ['a string', 'join', 'hello'],
    ['a short room id', 'join', { roomId: 'short', displayName: 'x' }],
    ['a room id with slashes', 'join', { roomId: '../../etc/passwd/aaaaaaa', displayName: 'x' }],
    ['an oversized room id', 'join', { roomId: 'a'.repeat(10_000), displayName: 'x' }],
    ['no display name', 'join', { roomId: 'AAAAAAAAAAAAAAAAAAAAAA' }],
    ['a 41-character display name', 'join', { roomId: 'AAAAAAAAAAAAAAAAAAAAAA', displayName: 'n'.repeat(41) }],
    ['an unknown direction', 'createTransport', { direction: 'sideways' }],
    ['a non-uuid transport id', 'connectTransport', { transportId: 'x', dtlsParameters: { fingerprints: [] } }],
    ['a non-uuid peer id', 'admit', { peerId: 'me' }],
  ])('replies invalid_message to %s', async (_label, event, payload) => {
    const socket = await connect();
    expect(await request(socket, event, payload)).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
  });

  it('replies not_joined before join and already_joined to a second join', async () => {
    const socket = await connect();
    expect(await request(socket, 'createTransport', { direction: 'send' })).toMatchObject({
      error: { code: 'not_joined' },
    });
    const roomId = String((await request(socket, 'createRoom', {})).data?.roomId);
    expect(await request(socket, 'join', { roomId, displayName: 'A' })).toMatchObject({ ok: true });
    expect(await request(socket, 'join', { roomId, displayName: 'A' })).toMatchObject({
      error: { code: 'already_joined' },
    });
  });

  it('creates transports up to the per-peer limit and names no other peer’s objects', async () => {
    const { host, roomId } = await hostRoom();
    const created = await request(host, 'createTransport', { direction: 'send' });
    expect(created).toMatchObject({ ok: true, data: { iceCandidates: expect.any(Array) } });

    const other = await knock(roomId, host);
    await request(host, 'admit', { peerId: other.peerId });
    const hijack = await request(other.guest, 'connectTransport', {
      transportId: created.data?.transportId,
      dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD' }] },
    });
    expect(hijack).toMatchObject({ ok: false, error: { code: 'not_found' } });

    const replies = [];
    for (let i = 0; i < 5; i++) replies.push(await request(host, 'createTransport', { direction: 'recv' }));
    expect(replies.filter((reply) => reply.ok)).toHaveLength(3);
    expect(replies.at(-1)).toMatchObject({ ok: false, error: { code: 'limit_reached' } });
  });

  it('restarts ICE on request with fresh credentials, for the requester’s own transport only', async () => {
    const { host, roomId } = await hostRoom();
    const created = await request(host, 'createTransport', { direction: 'recv' });
    const transportId = created.data?.transportId;
    const restarted = await request(host, 'restartIce', { transportId });
    expect(restarted).toMatchObject({ ok: true, data: { iceParameters: { usernameFragment: expect.any(String) } } });
    expect(restarted.data?.iceParameters).not.toEqual(created.data?.iceParameters);
    const other = await knock(roomId, host);
    await request(host, 'admit', { peerId: other.peerId });
    expect(await request(other.guest, 'restartIce', { transportId })).toMatchObject({ error: { code: 'not_found' } });
  });

  it('answers a request with more than one payload with an error (found by fuzzing: it went unanswered)', async () => {
    const socket = await connect();
    expect(await rawRequest(socket, 'createRoom', {}, 'extra')).toMatchObject({
      ok: false,
      error: { code: 'invalid_message', message: 'invalid createRoom: a request carries one payload' },
    });
    expect(await rawRequest(socket, 'createRoom', {})).toMatchObject({ ok: true });
  });

  it('drops a socket that sends an oversized message, and stays up for everyone else', async () => {
    const { host, roomId } = await hostRoom();
    const flooder = await connect();
    const dropped = new Promise<string>((resolve) => flooder.once('disconnect', resolve));
    const emit = flooder.emit.bind(flooder) as (event: string, payload: unknown) => void;
    emit('join', { roomId, displayName: 'x'.repeat(200_000) });
    expect(await dropped).toMatch(/transport/);
    expect(await request(host, 'createTransport', { direction: 'send' })).toMatchObject({ ok: true });
  });

  it('keeps a dropped peer’s place so a new socket can resume it, but only with its token', async () => {
    const { host, roomId } = await hostRoom();
    const { cookie } = await registerUser(baseUrl);
    const guest = await connectSocket(baseUrl, cookie);
    sockets.push(guest);
    const waiting = await request(guest, 'join', { roomId, displayName: 'Roamer' });
    const peerId = String(waiting.data?.peerId);
    const admitted = next(guest, 'admitted') as Promise<{ resumeToken: string }>;
    await request(host, 'admit', { peerId });
    const { resumeToken } = await admitted;

    // A microphone, which the host mutes while the guest's network is down.
    const transport = await request(guest, 'createTransport', { direction: 'send' });
    const produced = await request(guest, 'produce', {
      transportId: String(transport.data?.transportId),
      kind: 'audio',
      source: 'microphone',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc: 11111111 }],
      },
    });
    const microphone = String(produced.data?.producerId);
    expect(produced).toMatchObject({ ok: true });

    let leftEarly = false;
    (host as unknown as { once: (e: string, l: () => void) => void }).once('peerLeft', () => (leftEarly = true));
    // The network drops (not a hang-up): the server sees a transport close.
    (guest as unknown as { io: { engine: { close: () => void } } }).io.engine.close();
    expect(await request(host, 'muteParticipant', { peerId })).toMatchObject({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 300));

    const back = await connectSocket(baseUrl, cookie);
    sockets.push(back);
    expect(
      await request(back, 'resume', {
        roomId,
        peerId,
        resumeToken:
          resumeToken.replace(/^./, 'A') === resumeToken ? `B${resumeToken.slice(1)}` : `A${resumeToken.slice(1)}`,
      }),
    ).toMatchObject({
      error: { code: 'not_found' },
    });
    const stranger = await connect();
    expect(await request(stranger, 'resume', { roomId, peerId, resumeToken })).toMatchObject({
      error: { code: 'not_found' },
    });
    const remindedOfMute = next(back, 'mutedByHost');
    const resumed = await request(back, 'resume', { roomId, peerId, resumeToken });
    expect(resumed).toMatchObject({ ok: true, data: { peerId, participants: [{ displayName: 'Host' }] } });
    // The host's mute went to the dead socket; the resumed one hears of it.
    expect(await remindedOfMute).toEqual({ producerId: microphone });
    expect(leftEarly).toBe(false);
    expect(await request(back, 'createTransport', { direction: 'send' })).toMatchObject({ ok: true });

    // Hanging up on purpose leaves at once.
    const left = next(host, 'peerLeft');
    back.close();
    expect(await left).toEqual({ peerId });
  });

  it('disconnects the sockets of a session the moment it is revoked', async () => {
    const other = await registerUser(baseUrl);
    const socket = await connectSocket(baseUrl, other.cookie);
    sockets.push(socket);
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    expect((await post(baseUrl, '/api/logout', {}, other.cookie)).status).toBe(200);
    expect(await disconnected).toBe('io server disconnect');
    await expect(connectSocket(baseUrl, other.cookie)).rejects.toThrow(/unauthenticated/);
  });

  it('stays up after all that: a new host can still create and join a call', async () => {
    await hostRoom();
  });
});
