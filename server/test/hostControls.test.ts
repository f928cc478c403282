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
});
