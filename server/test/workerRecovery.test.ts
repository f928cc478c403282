// A call's media worker is killed (SIGKILL, as a crash would): against a real
// server, the call moves to the replacement worker instead of ending. Everyone
// is told (mediaRestarted), the roster, key slots, host rights and E2EE
// announcements are unchanged, the dead media objects' slots are free again,
// and a peer that was away at the time hears of it when it resumes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyServer } from '../src/ParleyServer.js';
import { callHelpers, fakeAnnouncement, sleep } from './support/calls.js';
import { startTestServer, type TestSocket } from './support/startTestServer.js';

const microphone = {
  kind: 'audio',
  source: 'microphone',
  rtpParameters: {
    codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
    encodings: [{ ssrc: 22222222 }],
  },
};

type Restarted = { routerRtpCapabilities: { codecs: unknown[] }; producers: { producerId: string }[] };

describe('recovery from a media worker crash', () => {
  let server: ParleyServer;
  let baseUrl = '';
  const call = callHelpers(() => baseUrl);
  const { request, next, collect } = call;

  beforeAll(async () => {
    ({ server, baseUrl } = await startTestServer({}, { roomTimings: { reconnectGraceMs: 5000 } }));
  });
  afterAll(async () => {
    call.closeAll();
    await server.close();
  });

  const killWorker = async () => {
    const [pid] = server.workerPool.workerPids;
    const replaced = new Promise<number>((resolve) => server.workerPool.once('workerreplaced', resolve));
    process.kill(pid ?? -1, 'SIGKILL');
    return { dead: pid, replacement: await replaced };
  };

  const produceMicrophone = async (socket: TestSocket) => {
    const transport = await request(socket, 'createTransport', { direction: 'send' });
    const produced = await request(socket, 'produce', {
      transportId: String(transport.data?.transportId),
      ...microphone,
    });
    expect(produced).toMatchObject({ ok: true });
    return { transportId: String(transport.data?.transportId), producerId: String(produced.data?.producerId) };
  };

  it('moves the call to a live worker and tells everyone, keeping roster, slots and keys', async () => {
    const { host, roomId, hostPeerId } = await call.hostRoom();
    const member = await call.admitted(roomId, host);
    expect(await request(host, 'announceE2ee', fakeAnnouncement('h'))).toMatchObject({ ok: true });
    expect(await request(member.guest, 'announceE2ee', fakeAnnouncement('g'))).toMatchObject({ ok: true });
    const before = await produceMicrophone(member.guest);
    // Fill the guest's transport slots: after the crash they must be free again.
    for (let i = 0; i < 3; i++)
      expect(await request(member.guest, 'createTransport', { direction: 'recv' })).toMatchObject({ ok: true });
    expect(await request(member.guest, 'createTransport', { direction: 'recv' })).toMatchObject({
      error: { code: 'limit_reached' },
    });
    const left = collect(host, 'peerLeft');
    const hostTold = next(host, 'mediaRestarted') as Promise<Restarted>;
    const guestTold = next(member.guest, 'mediaRestarted') as Promise<Restarted>;

    const { dead, replacement } = await killWorker();
    expect(replacement).not.toBe(dead);
    const [toHost, toGuest] = await Promise.all([hostTold, guestTold]);
    expect(toHost.routerRtpCapabilities.codecs.length).toBeGreaterThan(0);
    expect(toHost.producers).toEqual([]);
    expect(toGuest.producers).toEqual([]);

    // The old media objects are gone; the slots they held are free.
    expect(
      await request(member.guest, 'connectTransport', {
        transportId: before.transportId,
        dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] },
      }),
    ).toMatchObject({
      error: { code: 'not_found' },
    });
    const again = await produceMicrophone(member.guest);
    expect(again.producerId).not.toBe(before.producerId);
    for (let i = 0; i < 3; i++)
      expect(await request(member.guest, 'createTransport', { direction: 'recv' })).toMatchObject({ ok: true });

    // Nobody left; the roster, slots, host rights and announced keys are as they were.
    const newcomer = await call.admitted(roomId, host);
    const view = newcomer.admission as unknown as {
      participants: { peerId: string; keySlot: number; isHost: boolean; e2ee?: unknown }[];
      producers: { producerId: string }[];
    };
    expect(left).toEqual([]);
    expect(view.participants).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ peerId: hostPeerId, keySlot: 0, isHost: true, e2ee: fakeAnnouncement('h') }),
        expect.objectContaining({ peerId: member.peerId, keySlot: 1, isHost: false, e2ee: fakeAnnouncement('g') }),
      ]),
    );
    expect(view.producers).toEqual([expect.objectContaining({ producerId: again.producerId })]);
  });

  it('tells a peer that was away when it resumes, with the producers there are by then', async () => {
    const { host, roomId } = await call.hostRoom();
    const member = await call.admitted(roomId, host);
    call.dropNetwork(member.guest);
    await sleep(200);
    await killWorker();
    await next(host, 'mediaRestarted');
    const hostMicrophone = await produceMicrophone(host);

    const back = await call.connectAs(member.user.cookie);
    const told = next(back, 'mediaRestarted') as Promise<Restarted>;
    expect(
      await request(back, 'resume', { roomId, peerId: member.peerId, resumeToken: member.admission.resumeToken }),
    ).toMatchObject({ ok: true });
    expect((await told).producers).toEqual([expect.objectContaining({ producerId: hostMicrophone.producerId })]);
  });

  it('keeps creating calls after the crash', async () => {
    await call.hostRoom();
  });
});
