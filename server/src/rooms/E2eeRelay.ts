// The server's part in end-to-end encryption: relay public keys and opaque
// boxes, nothing more. Receivers check signatures themselves and the server
// cannot open a box; what the server must still get right is who a message
// comes from (the session, never the client) and who it goes to.
import type { RequestOf, ResponseOf } from '@parley/shared';
import { NotFoundError } from '../errors.js';
import type { Peer } from './Peer.js';
import type { RoomHooks } from './RoomOptions.js';
import type { Roster } from './Roster.js';

export class E2eeRelay {
  constructor(
    private readonly roster: Roster,
    private readonly hooks: RoomHooks,
  ) {}

  /**
   * E2EE keys: public keys only, relayed as they are. Receivers check the
   * signature themselves; the server records the identity key for the account.
   */
  async announce(peer: Peer, announcement: RequestOf<'announceE2ee'>): Promise<ResponseOf<'announceE2ee'>> {
    this.roster.assertAdmitted(peer);
    await this.hooks.rememberIdentityKey(peer.userId, announcement.identityKey);
    const { identityKey, callKey, signature } = announcement;
    peer.e2ee = { identityKey, callKey, signature };
    this.roster.broadcast('e2eeAnnounced', { ...peer.e2ee, peerId: peer.id }, peer);
    return {};
  }

  /** An opaque box for one participant (sender keys, receipts): the server cannot open it. */
  relay(peer: Peer, request: RequestOf<'relayE2ee'>): ResponseOf<'relayE2ee'> {
    this.roster.assertAdmitted(peer);
    const target = this.roster.admitted.get(request.to);
    if (!target || target === peer) throw new NotFoundError('participant');
    target.notify('e2eeRelayed', { from: peer.id, box: request.box });
    return {};
  }
}
