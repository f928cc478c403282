// The server's side of E2EE key agreement, against a real server: each peer
// announces its keys once (a second, different announcement would let a
// malicious server-side actor or a hijacked socket swap keys mid-call), and
// boxes addressed to a peer whose socket dropped wait for its resume.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyServer } from '../src/ParleyServer.js';
import { callHelpers, fakeAnnouncement, sleep } from './support/calls.js';
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
});
