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
   * E2EE keys: public keys only, relayed as they are, once per peer. Receivers
   * check the signature themselves; the server records the identity key for
   * the account (a database transaction, one more reason to allow only one).
   */
  async announce(peer: Peer, announcement: RequestOf<'announceE2ee'>): Promise<ResponseOf<'announceE2ee'>> {
    this.roster.assertAdmitted(peer);
    peer.reserveAnnouncement();
    const { identityKey, callKey, signature } = announcement;
    try {
      // Only accounts' devices are remembered; a guest leaves nothing behind.
      if (!peer.isGuest) await this.hooks.rememberIdentityKey(peer.userId, identityKey);
    } catch (error) {
      peer.abandonAnnouncement();
      throw error;
    }
    peer.completeAnnouncement({ identityKey, callKey, signature });
    // Removed while the key was being recorded: nobody is to hear of it.
    if (this.roster.isAdmitted(peer))
      this.roster.broadcast('e2eeAnnounced', { identityKey, callKey, signature, peerId: peer.id }, peer);
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
