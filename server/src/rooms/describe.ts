// What other participants are told about a peer and its producers: the
// shapes of the protocol, built from server state only.
import type { types } from 'mediasoup';
import type { Participant, RemoteProducer } from '@parley/shared';
import type { Peer, ProducerAppData } from './Peer.js';

export function describeProducer(producer: types.Producer<ProducerAppData>): RemoteProducer {
  return {
    producerId: producer.id,
    peerId: producer.appData.peerId,
    kind: producer.kind,
    source: producer.appData.source,
  };
}

/** `isHost` comes from the room's roster: host rights belong to users, not peers. */
export function describeParticipant(peer: Peer, isHost: boolean): Participant {
  return {
    peerId: peer.id,
    displayName: peer.displayName,
    identity: peer.identity,
    isHost,
    accountId: peer.userId,
    keySlot: peer.keySlot,
    handRaised: peer.handRaised,
    permissions: peer.permissions,
    ...(peer.e2ee ? { e2ee: peer.e2ee } : {}),
  };
}

export function describeProducers(peer: Peer): RemoteProducer[] {
  return [...peer.producers].map(describeProducer);
}
