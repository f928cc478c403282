// Meeting links, guests and the sensitive-call profile against a real server,
// with raw sockets playing guests (and hostile clients): what a link stores,
// who may use it and when, how a guest looks to the host, and every rule of a
// sensitive call enforced by the server, not only by the page.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyServer } from '../src/ParleyServer.js';
import { callHelpers, sleep, type Reply } from './support/calls.js';
import { connectGuest } from './support/guests.js';
import { startTestServer, type TestSocket } from './support/startTestServer.js';
import { post, registerUser, type TestUser } from './support/users.js';

type Link = { id: string; secret: string; profile: string; singleUse: boolean; expiresAt: number };

describe('meeting links and guests', () => {
  let server: ParleyServer;
  let baseUrl = '';
  let dataDir = '';
  const call = callHelpers(() => baseUrl);
  const { request, next, collect } = call;
  const guests: TestSocket[] = [];
  const guest = async (link: { id: string; secret: string }, token?: string, address?: string) => {
    const socket = await connectGuest(baseUrl, link, token, address);
    guests.push(socket);
    return socket;
  };

  beforeAll(async () => {
    ({ server, baseUrl, dataDir } = await startTestServer({}, { roomTimings: { noHostGraceMs: 400 } }));
  });
  afterEach(() => {
    for (const socket of guests.splice(0)) socket.close();
  });
  afterAll(async () => {
    call.closeAll();
    await server.close();
  });

  const makeLink = async (user: TestUser, body: Record<string, unknown>): Promise<Link> => {
    const response = await post(baseUrl, '/api/links', body, user.cookie);
    expect(response.status).toBe(200);
    return (await response.json()) as Link;
  };

  it('stores only a hash of a link’s secret, no name and no guest; lists, and lets only its owner revoke', async () => {
    const { user } = await call.connectUser();
    const link = await makeLink(user, { profile: 'sensitive', singleUse: true, maxParticipants: 4, validDays: 7 });
    expect(link).toMatchObject({ profile: 'sensitive', singleUse: true, maxParticipants: 4, validDays: 7 });
    const db = new Database(join(dataDir, 'parley.sqlite'), { readonly: true });
    const row = db.prepare('select * from meeting_links where id = ?').get(link.id) as Record<string, unknown>;
    db.close();
    expect(Object.keys(row).sort()).toEqual(
      [
        'created_at',
        'expires_at',
        'id',
        'max_participants',
        'owner_id',
        'profile',
        'secret_hash',
        'single_use',
        'valid_days',
      ].sort(),
    );
    expect(JSON.stringify(row)).not.toContain(link.secret);
    // The owner lists it, with the whole link (on any device); someone else cannot revoke it.
    const listed = (await (await fetch(`${baseUrl}/api/links`, { headers: { Cookie: user.cookie } })).json()) as {
      links: Link[];
    };
    expect(listed.links.map((l) => [l.id, l.secret])).toEqual([[link.id, link.secret]]);
    const stranger = await registerUser(baseUrl);
    expect((await post(baseUrl, `/api/links/${link.id}/revoke`, {}, stranger.cookie)).status).toBe(404);
    expect((await post(baseUrl, `/api/links/${link.id}/revoke`, {}, user.cookie)).status).toBe(200);
    await expect(guest(link)).rejects.toThrow('link_unusable');
  });

  it('refuses a wrong secret, an expired link, a revoked link and an unknown one alike, changing nothing', async () => {
    const { user } = await call.connectUser();
    const link = await makeLink(user, { profile: 'standard' });
    await expect(guest({ id: link.id, secret: 'A'.repeat(43) })).rejects.toThrow('link_unusable');
    await expect(guest({ id: 'B'.repeat(22), secret: link.secret })).rejects.toThrow('link_unusable');
    const db = new Database(join(dataDir, 'parley.sqlite'));
    db.prepare('update meeting_links set expires_at = ? where id = ?').run(Math.floor(Date.now() / 1000) - 1, link.id);
    db.close();
    await expect(guest(link)).rejects.toThrow('link_unusable');
    // Bad input: a malformed body is refused and nothing is made.
    expect((await post(baseUrl, '/api/links', { profile: 'party' }, user.cookie)).status).toBe(400);
    expect((await post(baseUrl, '/api/links', { profile: 'standard', validDays: 5000 }, user.cookie)).status).toBe(400);
  });

  it('keeps a guest waiting for the host, starts the call when its owner opens it, and shows the guest as a guest', async () => {
    const { user: owner, socket: host } = await call.connectUser();
    const link = await makeLink(owner, { profile: 'standard' });
    const patient = await guest(link);
    expect(
      await request(patient, 'joinLink', { linkId: link.id, secret: link.secret, displayName: 'Dr Smith (host)' }),
    ).toMatchObject({
      ok: true,
      data: { status: 'waitingForHost' },
    });
    const started = next(patient, 'callStarted');
    const lobby = next(host, 'lobbyChanged');
    expect(
      await request(host, 'joinLink', { linkId: link.id, secret: link.secret, displayName: 'Host' }),
    ).toMatchObject({
      ok: true,
      data: { status: 'admitted', isHost: true },
    });
    expect(await started).toEqual({ linkId: link.id });
    const knock = (await request(patient, 'joinLink', {
      linkId: link.id,
      secret: link.secret,
      displayName: 'Dr Smith (host)',
    })) as Reply;
    expect(knock).toMatchObject({ ok: true, data: { status: 'waiting' } });
    // The host sees a guest, not an account, whatever name they chose.
    expect(await lobby).toMatchObject({ waiting: [{ displayName: 'Dr Smith (host)', identity: { kind: 'guest' } }] });
    // An account holder knocking through the same link shows the username the server verified.
    const { user: member, socket: memberSocket } = await call.connectUser();
    const lobby2 = next(host, 'lobbyChanged');
    const memberKnock = (await request(memberSocket, 'joinLink', {
      linkId: link.id,
      secret: link.secret,
      displayName: 'Anyone',
    })) as Reply;
    expect(await lobby2).toMatchObject({
      waiting: expect.arrayContaining([
        expect.objectContaining({ identity: { kind: 'account', username: member.username } }),
      ]),
    });
    // Admitted, the guest is a guest to everyone, and a guest cannot be made a host.
    const peerId = String(knock.data?.peerId);
    await request(host, 'admit', { peerId: String(memberKnock.data?.peerId) });
    const joined = next(memberSocket, 'participantJoined');
    await request(host, 'admit', { peerId });
    expect(await joined).toMatchObject({ peerId, identity: { kind: 'guest' } });
    expect(await request(host, 'appointHost', { peerId })).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    // A guest's socket cannot start calls, nor walk into another by its id.
    expect(await request(patient, 'createRoom', {})).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
  });

  it('strips hidden characters from names: a bidi override cannot disguise one', async () => {
    const { user: owner, socket: host } = await call.connectUser();
    const link = await makeLink(owner, { profile: 'standard' });
    await request(host, 'joinLink', { linkId: link.id, secret: link.secret, displayName: 'Host' });
    const lobby = next(host, 'lobbyChanged');
    const tricky = await guest(link);
    await request(tricky, 'joinLink', {
      linkId: link.id,
      secret: link.secret,
      displayName: 'Eve\u202E)tsoh(\u200B nurse',
    });
    expect(await lobby).toMatchObject({ waiting: [{ displayName: 'Eve)tsoh( nurse' }] });
    expect(
      await request(tricky, 'joinLink', { linkId: link.id, secret: link.secret, displayName: '\u200B\u202E' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid_message' },
    });
  });

  it('lets a single-use link admit one guest: the others waiting on it are told, and the link is gone', async () => {
    const { user: owner, socket: host } = await call.connectUser();
    const link = await makeLink(owner, { profile: 'sensitive', singleUse: true });
    await request(host, 'joinLink', { linkId: link.id, secret: link.secret, displayName: 'Doctor' });
    const first = await guest(link, undefined, '10.9.1.1');
    const second = await guest(link, undefined, '10.9.1.2');
    const a = (await request(first, 'joinLink', {
      linkId: link.id,
      secret: link.secret,
      displayName: 'Patient',
    })) as Reply;
    await request(second, 'joinLink', { linkId: link.id, secret: link.secret, displayName: 'Someone else' });
    const turnedAway = next(second, 'leftCall');
    expect(await request(host, 'admit', { peerId: String(a.data?.peerId) })).toMatchObject({ ok: true });
    expect(await turnedAway).toEqual({ reason: 'link_used' });
    await sleep(100);
    await expect(guest(link, undefined, '10.9.1.3')).rejects.toThrow('link_unusable');
  });

  describe('a sensitive call, enforced by the server', () => {
    const sensitiveCall = async () => {
      const { user: owner, socket: host } = await call.connectUser();
      const link = await makeLink(owner, { profile: 'sensitive', maxParticipants: 3 });
      const started = (await request(host, 'joinLink', {
        linkId: link.id,
        secret: link.secret,
        displayName: 'Teacher',
      })) as Reply;
      expect(started).toMatchObject({ ok: true, data: { call: { profile: 'sensitive', maxParticipants: 3 } } });
      return { owner, host, link, roomId: String(started.data?.roomId) };
    };
    const admitGuest = async (host: TestSocket, link: Link, name: string, address: string) => {
      const socket = await guest(link, undefined, address);
      const admitted = next(socket, 'admitted');
      const knock = (await request(socket, 'joinLink', {
        linkId: link.id,
        secret: link.secret,
        displayName: name,
      })) as Reply;
      expect(knock).toMatchObject({ ok: true, data: { status: 'waiting' } });
      await request(host, 'admit', { peerId: String(knock.data?.peerId) });
      const admission = (await admitted) as { peerId: string; permissions: { speak: boolean; share: boolean } };
      return { socket, admission };
    };

    it('makes everyone knock, even by the room’s id; a guest cannot skip the lobby', async () => {
      const { roomId, link } = await sensitiveCall();
      const pupil = await guest(link, undefined, '10.9.2.1');
      expect(await request(pupil, 'join', { roomId, displayName: 'Pupil' })).toMatchObject({
        ok: false,
        error: { code: 'not_allowed' },
      });
      const { socket: member } = await call.connectUser();
      expect(await request(member, 'join', { roomId, displayName: 'Parent' })).toMatchObject({
        ok: true,
        data: { status: 'waiting' },
      });
    });

    it('lets a guest send nothing (microphone, camera, screen) until a host allows it, and stop when it is taken back', async () => {
      const { host, link } = await sensitiveCall();
      const { socket: pupil, admission } = await admitGuest(host, link, 'Pupil', '10.9.3.1');
      expect(admission.permissions).toEqual({ speak: false, share: false });
      const transport = (await request(pupil, 'createTransport', { direction: 'send' })) as Reply;
      const transportId = String(transport.data?.transportId);
      const produce = (source: string, kind: string) =>
        request(pupil, 'produce', { transportId, kind, source, rtpParameters: opusParameters() });
      expect(await produce('microphone', 'audio')).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
      expect(await produce('screen', 'video')).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
      // Chat follows the same permissions: texts need speak, files need share too.
      const chat = (kind: 'message' | 'chunk') =>
        request(pupil, 'relayChat', {
          envelope: {
            v: 1,
            to: '*',
            epoch: 0,
            seq: 1,
            kind,
            ...(kind === 'chunk' ? { file: { id: 'AAAAAAAAAAAAAAAAAAAAAA', index: 0, last: true } } : {}),
            ct: 'c2VhbGVk',
          },
        });
      expect(await chat('message')).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
      // A host allows speaking (not sharing): the microphone works, the screen still does not.
      const told = collect(pupil, 'participantUpdated');
      expect(await request(host, 'allowMedia', { peerId: admission.peerId, speak: true, share: false })).toMatchObject({
        ok: true,
      });
      await sleep(100);
      expect(told).toContainEqual(
        expect.objectContaining({ peerId: admission.peerId, permissions: { speak: true, share: false } }),
      );
      const mic = (await produce('microphone', 'audio')) as Reply;
      expect(mic).toMatchObject({ ok: true });
      expect(await produce('screen', 'video')).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
      expect(await chat('message')).toMatchObject({ ok: true });
      expect(await chat('chunk')).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
      // Taken back: the microphone is closed, and resuming it is refused.
      expect(await request(host, 'allowMedia', { peerId: admission.peerId, speak: false, share: false })).toMatchObject(
        { ok: true },
      );
      expect(await request(pupil, 'resumeProducer', { producerId: String(mic.data?.producerId) })).toMatchObject({
        ok: false,
      });
      // Only a host may allow: the pupil cannot allow themself.
      expect(await request(pupil, 'allowMedia', { peerId: admission.peerId, speak: true, share: true })).toMatchObject({
        ok: false,
        error: { code: 'not_host' },
      });
    });

    it('holds no more people than the organiser set (waiting ones count)', async () => {
      const { host, link } = await sensitiveCall();
      await admitGuest(host, link, 'One', '10.9.4.1');
      const third = await guest(link, undefined, '10.9.4.2');
      await request(third, 'joinLink', { linkId: link.id, secret: link.secret, displayName: 'Two' });
      const fourth = await guest(link, undefined, '10.9.4.3');
      expect(
        await request(fourth, 'joinLink', { linkId: link.id, secret: link.secret, displayName: 'Three' }),
      ).toMatchObject({
        ok: false,
        error: { code: 'limit_reached' },
      });
    });

    it('ends for everyone after a warning when the last host leaves, unless a host comes back', async () => {
      const { host, link } = await sensitiveCall();
      const { socket: pupil } = await admitGuest(host, link, 'Pupil', '10.9.5.1');
      const warned = next(pupil, 'callEnding');
      const ended = next(pupil, 'leftCall');
      host.disconnect(); // the teacher hangs up
      expect(await warned).toEqual({ reason: 'no_host', endsInSeconds: 0 });
      expect(await ended).toEqual({ reason: 'no_host' });
      // The pupil's socket is out of any call now.
      expect(await request(pupil, 'createTransport', { direction: 'send' })).toMatchObject({ ok: false });
    });

    it('goes on when a host returns within the warning', async () => {
      const { owner, host, link } = await sensitiveCall();
      const { socket: pupil } = await admitGuest(host, link, 'Pupil', '10.9.6.1');
      const warned = next(pupil, 'callEnding');
      host.disconnect();
      await warned;
      const back = await call.connectAs(owner.cookie);
      const continues = next(pupil, 'callContinues');
      expect(
        await request(back, 'joinLink', { linkId: link.id, secret: link.secret, displayName: 'Teacher' }),
      ).toMatchObject({
        ok: true,
        data: { status: 'admitted' },
      });
      await continues;
      await sleep(600);
      expect(await request(pupil, 'raiseHand', { raised: true })).toMatchObject({ ok: true });
    });
  });

  it('keeps links across a server restart', async () => {
    const { user } = await call.connectUser();
    const link = await makeLink(user, { profile: 'standard' });
    call.closeAll();
    await server.close();
    ({ server, baseUrl } = await startTestServer(
      { PARLEY_DATA_DIR: dataDir },
      { roomTimings: { noHostGraceMs: 400 } },
    ));
    const host = await call.connectAs(user.cookie);
    expect(
      await request(host, 'joinLink', { linkId: link.id, secret: link.secret, displayName: 'Host' }),
    ).toMatchObject({
      ok: true,
      data: { status: 'admitted' },
    });
    const visitor = await guest(link);
    expect(
      await request(visitor, 'joinLink', { linkId: link.id, secret: link.secret, displayName: 'Visitor' }),
    ).toMatchObject({
      ok: true,
      data: { status: 'waiting' },
    });
  });
});

/** Opus RTP parameters a browser would send (what the server's codec list accepts). */
function opusParameters() {
  return {
    mid: '0',
    codecs: [
      { mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] },
    ],
    headerExtensions: [],
    encodings: [{ ssrc: 11111111 }],
    rtcp: { cname: 'guest', reducedSize: true },
  };
}
