// A room's media: its mediasoup routers (RouterGroup: one, or several when
// the call outgrows a worker), and the requests with which admitted peers
// send and receive through them. Every object is looked up through the
// requesting peer's own maps, so nobody can touch another peer's transports.
import type { types } from 'mediasoup';
import { RtpParametersSchema, type RequestOf, type ResponseOf } from '@parley/shared';
import type { RouterGroup } from '../sfu/RouterGroup.js';
import { ClientError, NotFoundError } from '../errors.js';
import { createLogger } from '../logging/index.js';
import type { Peer, ProducerAppData } from './Peer.js';
import type { RoomContext } from './RoomOptions.js';
import type { Roster } from './Roster.js';
import { describeProducer } from './describe.js';
import { media } from './mediaErrors.js';

const log = createLogger('rooms.RoomMedia');

export class RoomMedia {
  /** Undefined if it could not be created: the call works without a dominant speaker. */
  readonly #speakerObserver: Promise<types.ActiveSpeakerObserver | undefined>;
  #activeSpeaker: string | undefined;

  constructor(
    readonly routers: RouterGroup,
    private readonly roster: Roster,
    private readonly context: RoomContext,
  ) {
    const router = routers.main;
    this.#speakerObserver = router.createActiveSpeakerObserver({ interval: 300 }).then(
      (observer) => {
        observer.on('dominantspeaker', ({ producer }) => {
          const peerId = (producer.appData as Partial<ProducerAppData>).peerId;
          if (!peerId) return;
          this.#activeSpeaker = peerId;
          roster.broadcast('activeSpeaker', { peerId });
        });
        return observer;
      },
      (error: unknown) => {
        log.warn({ err: error }, 'no active speaker observer for this room');
        return undefined;
      },
    );
  }

  /** The router everyone sends to (and most receive from). */
  get router(): types.Router {
    return this.routers.main;
  }

  /** The dominant speaker, if still in the call. */
  get activeSpeaker(): string | undefined {
    return this.#activeSpeaker && this.roster.admitted.has(this.#activeSpeaker) ? this.#activeSpeaker : undefined;
  }

  /** Sending goes to the main router; receiving to whichever router of the call has room (RouterGroup). */
  async createTransport(peer: Peer, request: RequestOf<'createTransport'>): Promise<ResponseOf<'createTransport'>> {
    this.roster.assertAdmitted(peer);
    const { network, transportsPerUser } = this.context;
    const portRange = { min: network.minPort, max: network.maxPort };
    const listen = { ip: network.listenIp, announcedAddress: network.announcedAddress, portRange };
    const transport = await peer.createTransport(
      async () => {
        const router = request.direction === 'recv' ? await this.routers.forReceiving() : this.router;
        return media('create a transport', () =>
          router.createWebRtcTransport({
            listenInfos: [
              { protocol: 'udp', ...listen },
              { protocol: 'tcp', ...listen },
            ],
            preferUdp: true,
            appData: { routerId: router.id },
          }),
        );
      },
      () => transportsPerUser.reserve(peer.userId),
    );
    return {
      transportId: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  async connectTransport(peer: Peer, request: RequestOf<'connectTransport'>): Promise<ResponseOf<'connectTransport'>> {
    const transport = peer.transport(request.transportId);
    await media('connect the transport', () => transport.connect({ dtlsParameters: request.dtlsParameters }));
    return {};
  }

  async produce(peer: Peer, request: RequestOf<'produce'>): Promise<ResponseOf<'produce'>> {
    this.roster.assertAdmitted(peer);
    const transport = peer.transport(request.transportId);
    const appData: ProducerAppData = { peerId: peer.id, source: request.source };
    const producer = await peer.createProducer(() =>
      media('send this stream', () =>
        transport.produce({ kind: request.kind, rtpParameters: request.rtpParameters, appData }),
      ),
    );
    this.context.hooks.onProducer?.(this.router, producer);
    if (request.source === 'microphone') {
      const observer = await this.#speakerObserver;
      // Fails if the client closed the producer meanwhile.
      if (observer) await media('watch this microphone', () => observer.addProducer({ producerId: producer.id }));
    }
    this.roster.broadcast('producerAdded', describeProducer(producer), peer);
    return { producerId: producer.id };
  }

  async consume(peer: Peer, request: RequestOf<'consume'>): Promise<ResponseOf<'consume'>> {
    this.roster.assertAdmitted(peer);
    const transport = peer.transport(request.transportId);
    const producer = this.#findProducer(request.producerId);
    if (producer.appData.peerId === peer.id)
      throw new ClientError('invalid_message', 'cannot consume your own producer');
    const router = this.routers.router(String(transport.appData.routerId)) ?? this.router;
    await media('receive this stream', () => this.routers.bring(producer.id, router));
    if (!router.canConsume({ producerId: producer.id, rtpCapabilities: request.rtpCapabilities })) {
      throw new ClientError('media_error', 'your browser cannot receive this stream');
    }
    // Created paused: the client resumes once its consumer exists, so the
    // keyframe it needs is not sent before it can be decoded.
    const consumer = await peer.createConsumer(() =>
      media('receive this stream', () =>
        transport.consume({ producerId: producer.id, rtpCapabilities: request.rtpCapabilities, paused: true }),
      ),
    );
    // mediasoup types these loosely; our schema is the contract. A mismatch is
    // the server's problem (reported as internal), and must not leave the consumer behind.
    const rtpParameters = RtpParametersSchema.safeParse(consumer.rtpParameters);
    if (!rtpParameters.success) {
      consumer.close();
      throw rtpParameters.error;
    }
    return { consumerId: consumer.id, producerId: producer.id, kind: consumer.kind, rtpParameters: rtpParameters.data };
  }

  /** Pauses or resumes one of `owner`'s producers and tells everyone. */
  async setPaused(owner: Peer, producerId: string, paused: boolean): Promise<void> {
    const producer = owner.producer(producerId);
    if (paused) await media('pause this stream', () => producer.pause());
    else await media('resume this stream', () => producer.resume());
    this.roster.broadcast('producerPaused', { producerId, paused });
  }

  async setPreferredLayers(
    peer: Peer,
    request: RequestOf<'setPreferredLayers'>,
  ): Promise<ResponseOf<'setPreferredLayers'>> {
    const consumer = peer.consumer(request.consumerId);
    if (consumer.type === 'simulcast')
      await media('change the layer', () => consumer.setPreferredLayers({ spatialLayer: request.spatialLayer }));
    return {};
  }

  async restartIce(peer: Peer, request: RequestOf<'restartIce'>): Promise<ResponseOf<'restartIce'>> {
    this.roster.assertAdmitted(peer);
    const transport = peer.transport(request.transportId);
    return { iceParameters: await media('restart ICE', () => transport.restartIce()) };
  }

  async resumeConsumer(peer: Peer, request: RequestOf<'resumeConsumer'>): Promise<ResponseOf<'resumeConsumer'>> {
    const consumer = peer.consumer(request.consumerId);
    await media('resume this stream', () => consumer.resume());
    return {};
  }

  async requestKeyFrame(peer: Peer, request: RequestOf<'requestKeyFrame'>): Promise<ResponseOf<'requestKeyFrame'>> {
    const consumer = peer.consumer(request.consumerId);
    if (consumer.kind === 'video') await media('request a keyframe', () => consumer.requestKeyFrame());
    return {};
  }

  close(): void {
    this.routers.close();
  }

  #findProducer(producerId: string): types.Producer<ProducerAppData> {
    for (const peer of this.roster.admitted.values()) {
      for (const producer of peer.producers) if (producer.id === producerId) return producer;
    }
    throw new NotFoundError('producer');
  }
}
