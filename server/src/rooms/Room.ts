// A call: one mediasoup router and the peers in it. Rooms live in memory only
// and close when the last peer leaves; nothing about a call is written down.
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import {
  RtpCapabilitiesSchema,
  RtpParametersSchema,
  type RemoteProducer,
  type RequestOf,
  type ResponseOf,
} from '@parley/shared';
import { ClientError, LimitError, NotFoundError } from '../errors.js';
import { createLogger } from '../logging/index.js';
import { limits } from './limits.js';
import type { Peer, ProducerAppData } from './Peer.js';

const log = createLogger('rooms.Room');

export type MediaNetwork = {
  listenIp: string;
  announcedAddress: string | undefined;
  minPort: number;
  maxPort: number;
};

export type RoomEvents = { close: [] };

export class Room extends EventEmitter<RoomEvents> {
  readonly #peers = new Map<string, Peer>();
  #closed = false;

  constructor(
    readonly id: string,
    private readonly router: types.Router,
    private readonly network: MediaNetwork,
  ) {
    super();
    router.on('workerclose', () => {
      log.warn('media worker of a room died; closing the room');
      this.close();
    });
  }

  get peerCount(): number {
    return this.#peers.size;
  }

  join(peer: Peer): ResponseOf<'join'> {
    if (this.#closed) throw new NotFoundError('room');
    if (this.#peers.size >= limits.peersPerRoom) throw new LimitError('participants per room', limits.peersPerRoom);
    this.#peers.set(peer.id, peer);
    return {
      peerId: peer.id,
      // mediasoup types codec parameters loosely; our schema is the contract.
      routerRtpCapabilities: RtpCapabilitiesSchema.parse(this.router.rtpCapabilities),
      producers: [...this.#peers.values()].filter((other) => other !== peer).flatMap(describeProducers),
    };
  }

  leave(peer: Peer): void {
    if (!this.#peers.delete(peer.id)) return;
    peer.close();
    for (const other of this.#peers.values()) other.notify('peerLeft', { peerId: peer.id });
    if (this.#peers.size === 0) this.close();
  }

  async createTransport(peer: Peer): Promise<ResponseOf<'createTransport'>> {
    const portRange = { min: this.network.minPort, max: this.network.maxPort };
    const listen = { ip: this.network.listenIp, announcedAddress: this.network.announcedAddress, portRange };
    const transport = await this.router.createWebRtcTransport({
      listenInfos: [
        { protocol: 'udp', ...listen },
        { protocol: 'tcp', ...listen },
      ],
      preferUdp: true,
    });
    peer.addTransport(transport);
    return {
      transportId: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  async connectTransport(peer: Peer, request: RequestOf<'connectTransport'>): Promise<ResponseOf<'connectTransport'>> {
    await peer.transport(request.transportId).connect({ dtlsParameters: request.dtlsParameters });
    return {};
  }

  async produce(peer: Peer, request: RequestOf<'produce'>): Promise<ResponseOf<'produce'>> {
    peer.assertCanProduce();
    const transport = peer.transport(request.transportId);
    const appData: ProducerAppData = { peerId: peer.id, source: request.source };
    const producer = await transport.produce({ kind: request.kind, rtpParameters: request.rtpParameters, appData });
    peer.addProducer(producer);
    const announcement = describeProducer(producer);
    for (const other of this.#peers.values()) if (other !== peer) other.notify('producerAdded', announcement);
    return { producerId: producer.id };
  }

  async consume(peer: Peer, request: RequestOf<'consume'>): Promise<ResponseOf<'consume'>> {
    peer.assertCanConsume();
    const transport = peer.transport(request.transportId);
    const producer = this.#findProducer(request.producerId);
    if (producer.appData.peerId === peer.id)
      throw new ClientError('invalid_message', 'cannot consume your own producer');
    if (!this.router.canConsume({ producerId: producer.id, rtpCapabilities: request.rtpCapabilities })) {
      throw new ClientError('media_error', 'your browser cannot receive this stream');
    }
    // Created paused: the client resumes once its consumer exists, so the
    // keyframe it needs is not sent before it can be decoded.
    const consumer = await transport.consume({
      producerId: producer.id,
      rtpCapabilities: request.rtpCapabilities,
      paused: true,
    });
    peer.addConsumer(consumer);
    return {
      consumerId: consumer.id,
      producerId: producer.id,
      kind: consumer.kind,
      rtpParameters: RtpParametersSchema.parse(consumer.rtpParameters),
    };
  }

  async resumeConsumer(peer: Peer, request: RequestOf<'resumeConsumer'>): Promise<ResponseOf<'resumeConsumer'>> {
    await peer.consumer(request.consumerId).resume();
    return {};
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of this.#peers.values()) peer.close();
    this.#peers.clear();
    this.router.close();
    this.emit('close');
  }

  #findProducer(producerId: string): types.Producer<ProducerAppData> {
    for (const peer of this.#peers.values()) {
      for (const producer of peer.producers) if (producer.id === producerId) return producer;
    }
    throw new NotFoundError('producer');
  }
}

function describeProducer(producer: types.Producer<ProducerAppData>): RemoteProducer {
  return {
    producerId: producer.id,
    peerId: producer.appData.peerId,
    kind: producer.kind,
    source: producer.appData.source,
  };
}

function describeProducers(peer: Peer): RemoteProducer[] {
  return [...peer.producers].map(describeProducer);
}
