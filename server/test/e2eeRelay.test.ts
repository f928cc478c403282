// The server's side of E2EE key agreement, against a real server: each peer
// announces its keys once (a second, different announcement would let a
// malicious server-side actor or a hijacked socket swap keys mid-call), and
// boxes addressed to a peer whose socket dropped wait for its resume.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyServer } from '../src/ParleyServer.js';
import { callHelpers, fakeAnnouncement, sleep, type Reply } from './support/calls.js';
import { startTestServer } from './support/startTestServer.js';

describe('E2EE relay', () => {
  let server: ParleyServer;
  let baseUrl = '';
  const call = callHelpers(() => baseUrl);
  const { request, collect } = call;

  beforeAll(async () => {
    ({ server, baseUrl } = await startTestServer());
  });
  afterAll(async () => {
    call.closeAll();
    await server.close();
  });

  const exportedIdentityKeys = async (cookie: string) => {
    const response = await fetch(`${baseUrl}/api/account/export`, { headers: { Cookie: cookie, Origin: baseUrl } });
    const body = (await response.json()) as { deviceIdentityKeys: { publicKey: string }[] };
    return body.deviceIdentityKeys.map((row) => row.publicKey);
  };

  it('accepts one announcement per peer: a second is refused, not relayed and not recorded', async () => {
    const { host, roomId } = await call.hostRoom();
    const member = await call.admitted(roomId, host);
    const relayed = collect(host, 'e2eeAnnounced');
    const first = fakeAnnouncement('a');
    const second = fakeAnnouncement('b');

    expect(await request(member.guest, 'announceE2ee', first)).toMatchObject({ ok: true });
    expect(await request(member.guest, 'announceE2ee', second)).toMatchObject({
      ok: false,
      error: { code: 'already_announced' },
    });
    // The same keys again are refused too: the rule is "once", not "unchanged".
    expect(await request(member.guest, 'announceE2ee', first)).toMatchObject({
      ok: false,
      error: { code: 'already_announced' },
    });

    // Parallel announcements from a peer that has not announced yet: exactly one wins.
    const racer = await call.admitted(roomId, host);
    const replies = await Promise.all(
      'cdefghijkl'.split('').map((seed) => request(racer.guest, 'announceE2ee', fakeAnnouncement(seed))),
    );
    expect(replies.filter((reply) => reply.ok)).toHaveLength(1);
    for (const reply of replies.filter((r) => !r.ok)) expect(reply.error?.code).toBe('already_announced');

    await sleep(200);
    expect(relayed).toEqual([{ ...first, peerId: member.peerId }, expect.objectContaining({ peerId: racer.peerId })]);
    // A later joiner is told the first keys; the account has only the first identity key.
    const late = await call.admitted(roomId, host);
    const seen = (late.admission as unknown as { participants: { peerId: string; e2ee?: unknown }[] }).participants;
    expect(seen.find((p) => p.peerId === member.peerId)?.e2ee).toEqual(first);
    expect(await exportedIdentityKeys(member.user.cookie)).toEqual([first.identityKey]);
  });

  it('keeps boxes for a peer whose socket dropped and delivers them, in order, right after its resume reply', async () => {
    const { host, roomId, hostUser } = await call.hostRoom();
    // Several senders (the host on four devices), so no one sender's rate limit is the bound.
    const senders = [host];
    for (let i = 0; i < 3; i++) {
      const device = await call.connectAs(hostUser.cookie);
      expect(await request(device, 'join', { roomId, displayName: `Host ${i}` })).toMatchObject({ ok: true });
      senders.push(device);
    }
    const member = await call.admitted(roomId, host);
    const peerIds = new Map<number, string>();
    call.dropNetwork(member.guest);
    await sleep(300);

    // More than the 256 the server keeps: the oldest are dropped.
    const sent: { fromIndex: number; box: string }[] = [];
    for (let i = 0; i < 300; i++) {
      const fromIndex = i % senders.length;
      const sender = senders[fromIndex] ?? host;
      const box = `box${i}`;
      expect(await request(sender, 'relayE2ee', { boxes: [{ to: member.peerId, box }] })).toMatchObject({ ok: true });
      sent.push({ fromIndex, box });
    }
    const back = await call.connectAs(member.user.cookie);
    // One log of what arrives, in arrival order: the reply first, so the
    // client knows the participants before their boxes.
    const arrivals: unknown[] = [];
    (back as unknown as { on: (e: string, l: (p: { boxes: unknown[] }) => void) => void }).on(
      'e2eeRelayed',
      ({ boxes }) => arrivals.push(...boxes),
    );
    const resumed = await new Promise<Reply>((resolve) => {
      const emit = back.emit.bind(back) as (event: string, payload: unknown, ack: (reply: Reply) => void) => void;
      emit('resume', { roomId, peerId: member.peerId, resumeToken: member.admission.resumeToken }, (reply) => {
        arrivals.push('reply');
        resolve(reply);
      });
    });
    expect(resumed).toMatchObject({ ok: true });
    expect(arrivals[0]).toBe('reply');
    // Each sender's peer id, as the guest knows it: from its participant list.
    const hostPeers = (resumed.data?.participants as { peerId: string; displayName: string }[]).filter((p) =>
      p.displayName.startsWith('Host'),
    );
    for (const [index, name] of ['Host', 'Host 0', 'Host 1', 'Host 2'].entries())
      peerIds.set(index, hostPeers.find((p) => p.displayName === name)?.peerId ?? '');
    for (let waited = 0; arrivals.length < 257 && waited < 3000; waited += 50) await sleep(50);
    await sleep(100);
    expect(arrivals.slice(1)).toEqual(
      sent.slice(-256).map(({ fromIndex, box }) => ({ from: peerIds.get(fromIndex), box })),
    );
  });
});
