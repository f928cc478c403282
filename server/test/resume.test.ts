// Resuming a call on a new socket, against a real server with a short grace
// period: the new socket takes the peer over for good, so nothing the old
// socket does or suffers afterwards (a late time-out, a request) touches it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyServer } from '../src/ParleyServer.js';
import { callHelpers, sleep } from './support/calls.js';
import { startTestServer } from './support/startTestServer.js';

const graceMs = 400;

describe('resume', () => {
  let server: ParleyServer;
  let baseUrl = '';
  const call = callHelpers(() => baseUrl);
  const { request, collect } = call;

  beforeAll(async () => {
    ({ server, baseUrl } = await startTestServer({}, { roomTimings: { reconnectGraceMs: graceMs } }));
  });
  afterAll(async () => {
    call.closeAll();
    await server.close();
  });

  it('detaches the old socket: its later drop does not evict the resumed peer', async () => {
    const { host, roomId } = await call.hostRoom();
    const member = await call.admitted(roomId, host);
    const left = collect(host, 'peerLeft');
    const oldSocket = member.guest;
    const oldGone = new Promise<string>((resolve) => oldSocket.once('disconnect', resolve));

    // The client thinks its socket died and resumes on a new one; the server
    // has not noticed yet (the old socket is still open).
    const back = await call.connectAs(member.user.cookie);
    expect(
      await request(back, 'resume', { roomId, peerId: member.peerId, resumeToken: member.admission.resumeToken }),
    ).toMatchObject({ ok: true });

    // Later the old socket's connection goes (or the server times it out).
    call.dropNetwork(oldSocket);
    await sleep(graceMs + 400);
    expect(left).toEqual([]);
    expect(await request(back, 'createTransport', { direction: 'send' })).toMatchObject({ ok: true });
    expect(await request(host, 'muteParticipant', { peerId: member.peerId })).toMatchObject({ ok: true });
    // The server itself hung up on the old socket when the new one took over.
    expect(await Promise.race([oldGone, sleep(200).then(() => 'still connected')])).toBe('io server disconnect');
  });

  it('still lets a dropped peer go once the grace period is over', async () => {
    const { host, roomId } = await call.hostRoom();
    const member = await call.admitted(roomId, host);
    const left = collect(host, 'peerLeft');
    call.dropNetwork(member.guest);
    await sleep(graceMs + 400);
    expect(left).toEqual([{ peerId: member.peerId }]);
  });
});
