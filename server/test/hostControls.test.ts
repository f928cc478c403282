// Host rights against a real server: they belong to users, are fixed for the
// organiser, and removal takes them away for the rest of the call. What
// others are told about a participant never changes who it is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyServer } from '../src/ParleyServer.js';
import { callHelpers, fakeAnnouncement, sleep } from './support/calls.js';
import { startTestServer } from './support/startTestServer.js';

type Participant = { peerId: string; accountId: string; keySlot: number; isHost: boolean };

describe('host controls', () => {
  let server: ParleyServer;
  let baseUrl = '';
  const call = callHelpers(() => baseUrl);
  const { request, collect, next } = call;

  beforeAll(async () => {
    ({ server, baseUrl } = await startTestServer());
  });
  afterAll(async () => {
    call.closeAll();
    await server.close();
  });

  it('never changes a participant’s account or key slot in participantUpdated', async () => {
    const { host, roomId } = await call.hostRoom();
    const joined = collect(host, 'participantJoined') as Participant[];
    const updated = collect(host, 'participantUpdated') as Participant[];
    // One person on two devices, and a second person.
    const first = await call.admitted(roomId, host);
    const secondDevice = await call.connectAs(first.user.cookie);
    const secondPeerId = await call.knockWith(secondDevice, roomId, host);
    const admittedAgain = next(secondDevice, 'admitted') as Promise<{ resumeToken: string }>;
    await request(host, 'admit', { peerId: secondPeerId });
    const { resumeToken } = await admittedAgain;
    const other = await call.admitted(roomId, host);

    expect(await request(host, 'appointHost', { peerId: first.peerId })).toMatchObject({ ok: true });
    expect(await request(first.guest, 'announceE2ee', fakeAnnouncement('k'))).toMatchObject({ ok: true });
    call.dropNetwork(secondDevice);
    await sleep(200);
    const back = await call.connectAs(first.user.cookie);
    expect(await request(back, 'resume', { roomId, peerId: secondPeerId, resumeToken })).toMatchObject({ ok: true });
    expect(await request(host, 'appointHost', { peerId: other.peerId })).toMatchObject({ ok: true });
    expect(await request(host, 'removePeer', { peerId: first.peerId })).toMatchObject({ ok: true });
    await sleep(200);

    const atAdmission = new Map(joined.map((p) => [p.peerId, { accountId: p.accountId, keySlot: p.keySlot }]));
    expect(atAdmission.size).toBe(3);
    expect(updated.length).toBeGreaterThanOrEqual(3);
    for (const update of updated) {
      expect({ accountId: update.accountId, keySlot: update.keySlot }).toEqual(atAdmission.get(update.peerId));
    }
  });

  it('takes host rights from a removed co-host for the rest of the call: they knock again, and a lock keeps them out', async () => {
    const { host, roomId } = await call.hostRoom();
    const cohost = await call.admitted(roomId, host);
    // The same person on a second device, which stays in the call.
    const otherDevice = await call.connectAs(cohost.user.cookie);
    const otherDeviceId = await call.knockWith(otherDevice, roomId, host);
    expect(await request(host, 'admit', { peerId: otherDeviceId })).toMatchObject({ ok: true });
    expect(await request(host, 'appointHost', { peerId: cohost.peerId })).toMatchObject({ ok: true });

    const updates = collect(host, 'participantUpdated') as Participant[];
    const left = next(cohost.guest, 'leftCall');
    expect(await request(host, 'removePeer', { peerId: cohost.peerId })).toMatchObject({ ok: true });
    expect(await left).toEqual({ reason: 'removed' });

    // Back on the same socket: the lobby, like anyone else.
    const rejoined = await request(cohost.guest, 'join', { roomId, displayName: 'Back' });
    expect(rejoined).toMatchObject({ ok: true, data: { status: 'waiting' } });
    expect(await request(host, 'deny', { peerId: String(rejoined.data?.peerId) })).toMatchObject({ ok: true });

    // Their device still in the call is no host any more either, and everyone is told.
    const late = await call.knock(roomId, host);
    expect(await request(otherDevice, 'admit', { peerId: late.peerId })).toMatchObject({
      error: { code: 'not_host' },
    });
    expect(updates).toContainEqual(expect.objectContaining({ peerId: otherDeviceId, isHost: false }));

    // Locked: refused outright, whoever they were.
    expect(await request(host, 'lockRoom', { locked: true })).toMatchObject({ ok: true });
    const thirdDevice = await call.connectAs(cohost.user.cookie);
    expect(await request(thirdDevice, 'join', { roomId, displayName: 'Again' })).toMatchObject({
      error: { code: 'room_locked' },
    });
  });

  it('does not let a co-host remove the organiser', async () => {
    const { host, roomId, hostPeerId, hostUser } = await call.hostRoom();
    const cohost = await call.admitted(roomId, host);
    expect(await request(host, 'appointHost', { peerId: cohost.peerId })).toMatchObject({ ok: true });
    const organiserDevice = await call.connectAs(hostUser.cookie);
    const second = await request(organiserDevice, 'join', { roomId, displayName: 'Host again' });
    expect(second).toMatchObject({ ok: true, data: { status: 'admitted', isHost: true } });

    for (const peerId of [hostPeerId, String(second.data?.peerId)]) {
      const reply = await request(cohost.guest, 'removePeer', { peerId });
      expect(reply).toMatchObject({ ok: false, error: { code: 'not_host' } });
      expect(reply.error?.message).toMatch(/organiser/);
    }
    // Still there, still the host.
    const other = await call.knock(roomId, host);
    expect(await request(host, 'admit', { peerId: other.peerId })).toMatchObject({ ok: true });
  });

  it('shows a raised hand to everyone; the owner or a host lowers it, nobody else', async () => {
    const { host, roomId } = await call.hostRoom();
    const guest = await call.admitted(roomId, host);
    const other = await call.admitted(roomId, host);
    const seenByOther = collect(other.guest, 'participantUpdated') as (Participant & { handRaised?: boolean })[];
    expect(await request(guest.guest, 'raiseHand', { raised: true })).toMatchObject({ ok: true });
    await sleep(100);
    expect(seenByOther.filter((p) => p.peerId === guest.peerId).map((p) => p.handRaised)).toEqual([true]);
    // Another participant may not lower it; a host may.
    expect(await request(other.guest, 'lowerHand', { peerId: guest.peerId })).toMatchObject({
      ok: false,
      error: { code: 'not_host' },
    });
    expect(await request(host, 'lowerHand', { peerId: guest.peerId })).toMatchObject({ ok: true });
    await sleep(100);
    expect(seenByOther.filter((p) => p.peerId === guest.peerId).map((p) => p.handRaised)).toEqual([true, false]);
    // Someone still in the lobby cannot raise a hand in the call.
    const waiting = await call.connect();
    await request(waiting, 'join', { roomId, displayName: 'Waiting' });
    expect(await request(waiting, 'raiseHand', { raised: true })).toMatchObject({
      ok: false,
      error: { code: 'not_admitted' },
    });
  });
});
