// A server restart forgets every call; rejoin tickets bring people back.
// Against real servers, one after the other on the same data directory (so
// the same server key): a participant comes back into the same call id
// without knocking, the host comes back as its host, and nobody else gets in
// without a host: a stranger knocks, and so does someone holding another
// person's ticket, an altered one, or one issued by the running server
// (someone removed in this very call). A draining server refuses new calls.
import { afterEach, describe, expect, it } from 'vitest';
import type { ParleyServer } from '../src/ParleyServer.js';
import { callHelpers } from './support/calls.js';
import { connectGuest, guestToken } from './support/guests.js';
import { startTestServer } from './support/startTestServer.js';
import { post, registerUser } from './support/users.js';

type Admitted = { rejoinTicket: string; permissions: { speak: boolean; share: boolean } };

describe('coming back after a server restart', () => {
  let server: ParleyServer | undefined;
  let baseUrl = '';
  const call = callHelpers(() => baseUrl);
  const { request } = call;
  const guest = async (link: { id: string; secret: string }, token: string, address: string) => {
    const socket = await connectGuest(baseUrl, link, token, address);
    call.sockets.push(socket);
    return socket;
  };
  afterEach(async () => {
    call.closeAll();
    await server?.close();
  });

  it('re-creates the call under its id: participants need not knock, hosts are hosts, others knock', async () => {
    let dataDir: string;
    ({ server, baseUrl, dataDir } = await startTestServer());
    const hostUser = await registerUser(baseUrl);
    const host = await call.connectAs(hostUser.cookie);
    const roomId = String((await request(host, 'createRoom', {})).data?.roomId);
    const hostJoined = await request(host, 'join', { roomId, displayName: 'Host' });
    const hostTicket = String(hostJoined.data?.rejoinTicket);
    const member = await call.admitted(roomId, host);
    const memberTicket = (member.admission as unknown as Admitted).rejoinTicket;
    const removed = await call.admitted(roomId, host);
    const removedTicket = (removed.admission as unknown as Admitted).rejoinTicket;

    // Removed in this process: their ticket does not get them back while it runs.
    expect(await request(host, 'removePeer', { peerId: removed.peerId })).toMatchObject({ ok: true });
    const back = await call.connectAs(removed.user.cookie);
    expect(await request(back, 'join', { roomId, displayName: 'Removed', rejoinTicket: removedTicket })).toMatchObject({
      ok: true,
      data: { status: 'waiting' },
    });
    call.closeAll();
    await server.close();

    ({ server, baseUrl } = await startTestServer({ PARLEY_DATA_DIR: dataDir }));
    // Without a ticket, the call is gone.
    const stranger = await call.connect();
    expect(await request(stranger, 'join', { roomId, displayName: 'Stranger' })).toMatchObject({
      error: { code: 'not_found' },
    });
    // The participant comes back first: the call is re-created under its id, and they are in.
    const memberBack = await call.connectAs(member.user.cookie);
    expect(
      await request(memberBack, 'join', { roomId, displayName: 'Guest', rejoinTicket: memberTicket }),
    ).toMatchObject({ ok: true, data: { status: 'admitted', isHost: false } });
    // A ticket is for its own account and call only, and cannot be altered.
    const thief = await call.connect();
    expect(await request(thief, 'join', { roomId, displayName: 'Thief', rejoinTicket: memberTicket })).toMatchObject({
      ok: true,
      data: { status: 'waiting' },
    });
    const [body = '', mac = ''] = memberTicket.split('.');
    const raised = Buffer.from(body, 'base64url').toString().replace('"host":false', '"host":true');
    const forged = `${Buffer.from(raised).toString('base64url')}.${mac}`;
    const forger = await call.connectAs(member.user.cookie);
    expect(await request(forger, 'join', { roomId, displayName: 'Forger', rejoinTicket: forged })).toMatchObject({
      ok: true,
      data: { status: 'waiting' },
    });
    // The host comes back as the host, by account, and sees who knocked meanwhile.
    const hostBack = await call.connectAs(hostUser.cookie);
    expect(await request(hostBack, 'join', { roomId, displayName: 'Host', rejoinTicket: hostTicket })).toMatchObject({
      ok: true,
      data: { status: 'admitted', isHost: true },
    });
    // The removed person's ticket was issued before this process started: it works now (the documented limit).
    const removedBack = await call.connectAs(removed.user.cookie);
    expect(
      await request(removedBack, 'join', { roomId, displayName: 'Removed', rejoinTicket: removedTicket }),
    ).toMatchObject({ ok: true, data: { status: 'admitted' } });
  });

  it('brings a guest back through its meeting link, and a sensitive call still keeps it silent until allowed', async () => {
    let dataDir: string;
    ({ server, baseUrl, dataDir } = await startTestServer());
    const owner = await registerUser(baseUrl);
    const linkReply = await post(baseUrl, '/api/links', { profile: 'sensitive' }, owner.cookie);
    const link = (await linkReply.json()) as { id: string; secret: string };
    const host = await call.connectAs(owner.cookie);
    const started = await request(host, 'joinLink', { linkId: link.id, secret: link.secret, displayName: 'Teacher' });
    const roomId = String(started.data?.roomId);
    const hostTicket = String(started.data?.rejoinTicket);
    const token = guestToken();
    const pupil = await guest(link, token, '10.9.7.1');
    const admitted = call.next(pupil, 'admitted') as Promise<Admitted>;
    const knock = await request(pupil, 'joinLink', { linkId: link.id, secret: link.secret, displayName: 'Pupil' });
    await request(host, 'admit', { peerId: String(knock.data?.peerId) });
    const pupilTicket = (await admitted).rejoinTicket;
    expect(
      await request(host, 'allowMedia', { peerId: String(knock.data?.peerId), speak: true, share: false }),
    ).toMatchObject({ ok: true });
    call.closeAll();
    await server.close();

    ({ server, baseUrl } = await startTestServer({ PARLEY_DATA_DIR: dataDir }));
    // The guest is first back, from the same browser (its token) through the same link: in, without knocking,
    // and the call is the link's call again. What a host allowed it is not in the ticket: it is asked again.
    const back = await guest(link, token, '10.9.7.1');
    expect(await request(back, 'join', { roomId, displayName: 'Pupil', rejoinTicket: pupilTicket })).toMatchObject({
      ok: true,
      data: { status: 'admitted', isHost: false, permissions: { speak: false, share: false } },
    });
    // Another browser with the pupil's ticket is another guest: guests do not join calls by id.
    const other = await guest(link, guestToken(), '10.9.7.2');
    expect(await request(other, 'join', { roomId, displayName: 'Pupil', rejoinTicket: pupilTicket })).toMatchObject({
      ok: false,
      error: { code: 'not_allowed' },
    });
    // Through the link it knocks, in the call the link leads to (the re-created one), as everyone must here.
    expect(
      await request(other, 'joinLink', { linkId: link.id, secret: link.secret, displayName: 'Pupil' }),
    ).toMatchObject({ ok: true, data: { status: 'waiting', roomId } });
    // The owner comes back as the host.
    const hostBack = await call.connectAs(owner.cookie);
    expect(await request(hostBack, 'join', { roomId, displayName: 'Teacher', rejoinTicket: hostTicket })).toMatchObject(
      { ok: true, data: { status: 'admitted', isHost: true } },
    );
  });

  it('refuses new calls and joins while draining, and tells everyone it is restarting', async () => {
    ({ server, baseUrl } = await startTestServer());
    const { host, roomId } = await call.hostRoom();
    const told = call.next(host, 'serverRestarting');
    const newcomer = await call.connect();
    const draining = server.drain();
    expect(await told).toEqual({});
    expect(await request(newcomer, 'createRoom', {})).toMatchObject({ error: { code: 'busy' } });
    expect(await request(newcomer, 'join', { roomId, displayName: 'Late' })).toMatchObject({ error: { code: 'busy' } });
    await draining;
    server = undefined;
  });
});
