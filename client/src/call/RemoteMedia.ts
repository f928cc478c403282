// What we receive: one mediasoup consumer per remote producer, created paused
// and resumed once it exists (so the keyframe it needs is not sent before it
// can be decoded), each protected by the E2EE worker before its first frame.
import type { types } from 'mediasoup-client';
import { RtpCapabilitiesSchema, type InboundStat, type MediaSource, type RemoteProducer } from '@parley/shared';
import type { SignalingClient } from '../signaling/SignalingClient.js';

/** How well a member's media reaches us: from packet loss and jitter over the last few seconds. */
export type Quality = 'good' | 'fair' | 'poor';

export type RemoteTrack = { peerId: string; source: MediaSource; track: MediaStreamTrack; consumerId: string };

type Entry = { consumer: types.Consumer; peerId: string; source: MediaSource };

export class RemoteMedia {
  readonly #consumers = new Map<string, Entry>();
  readonly #pausedProducers = new Set<string>();
  readonly #preferredLayers = new Map<string, number>();
  /** Packet counters at the last quality check, per consumer. */
  readonly #lastCounts = new Map<string, { received: number; lost: number }>();
  /** Producers whose consumer is being set up: asked once, however often they are offered. */
  readonly #pending = new Set<string>();
  #closed = false;

  constructor(
    private readonly signaling: SignalingClient,
    private readonly device: { recvRtpCapabilities: unknown },
    /** Replaced when the server's media worker dies (CallSession). */
    public transport: types.Transport,
    /** Attaches end-to-end decryption to a receiver before it delivers a frame. */
    private readonly protect: (receiver: RTCRtpReceiver, kind: 'audio' | 'video', peerId: string) => void,
    private readonly onChange: () => void,
  ) {}

  get tracks(): RemoteTrack[] {
    return [...this.#consumers.values()].map(({ consumer, peerId, source }) => ({
      peerId,
      source,
      track: consumer.track,
      consumerId: consumer.id,
    }));
  }

  /** Whether this member's microphone is off: paused (by them or a host), or not sent at all. */
  audioMuted(peerId: string): boolean {
    const audio = [...this.#consumers.values()].filter((e) => e.peerId === peerId && e.consumer.kind === 'audio');
    return audio.length === 0 || audio.every((e) => this.#pausedProducers.has(e.consumer.producerId));
  }

  /** Whether this member sends no camera picture: none at all, or paused (camera off). */
  cameraOff(peerId: string): boolean {
    const camera = [...this.#consumers.values()].find((e) => e.peerId === peerId && e.source === 'camera');
    return !camera || this.#pausedProducers.has(camera.consumer.producerId);
  }

  producerPaused(producerId: string, paused: boolean): void {
    if (paused) this.#pausedProducers.add(producerId);
    else this.#pausedProducers.delete(producerId);
    this.onChange();
  }

  /** The producers we consume, by id (to reconcile after a resume). */
  get producerIds(): Set<string> {
    return new Set([...this.#consumers.values()].map((e) => e.consumer.producerId));
  }

  async consume(producer: RemoteProducer): Promise<void> {
    const { producerId } = producer;
    if (this.#closed || this.#pending.has(producerId) || this.producerIds.has(producerId)) return;
    this.#pending.add(producerId);
    try {
      await this.#consume(producer);
    } finally {
      this.#pending.delete(producerId);
    }
  }

  async #consume(producer: RemoteProducer): Promise<void> {
    const transport = this.transport;
    const offer = await this.signaling.request('consume', {
      transportId: transport.id,
      producerId: producer.producerId,
      rtpCapabilities: RtpCapabilitiesSchema.parse(this.device.recvRtpCapabilities),
    });
    const consumer = await transport.consume({
      id: offer.consumerId,
      producerId: offer.producerId,
      kind: offer.kind,
      rtpParameters: offer.rtpParameters,
      onRtpReceiver: (receiver: RTCRtpReceiver) => this.protect(receiver, offer.kind, producer.peerId),
    });
    // The call ended, or a media restart replaced the transport while we asked: this consumer is already dead.
    if (this.#closed || transport !== this.transport || transport.closed) return consumer.close();
    this.#consumers.set(consumer.id, { consumer, peerId: producer.peerId, source: producer.source });
    await this.signaling.request('resumeConsumer', { consumerId: consumer.id });
    this.onChange();
  }

  drop(match: (entry: { producerId: string; peerId: string }) => boolean): void {
    for (const [id, entry] of this.#consumers) {
      if (!match({ producerId: entry.consumer.producerId, peerId: entry.peerId })) continue;
      entry.consumer.close();
      this.#consumers.delete(id);
      this.#preferredLayers.delete(id);
      this.#lastCounts.delete(id);
    }
    this.onChange();
  }

  /** Asks for the simulcast layer that fits a tile `width` CSS pixels wide. */
  preferLayerFor(consumerId: string, width: number): void {
    const layer = width < 240 ? 0 : width < 480 ? 1 : 2;
    if (this.#preferredLayers.get(consumerId) === layer) return;
    this.#preferredLayers.set(consumerId, layer);
    this.signaling.request('setPreferredLayers', { consumerId, spatialLayer: layer }).catch(() => {
      // Only a sharper or blurrier picture than ideal; asked again when the tile resizes.
      this.#preferredLayers.delete(consumerId);
    });
  }

  /** After we get someone's key: their next keyframe lets the picture start at once. */
  requestKeyFrames(peerId: string): void {
    for (const { consumer, peerId: owner } of this.#consumers.values()) {
      if (owner !== peerId || consumer.kind !== 'video') continue;
      // Without it the picture starts at their next regular keyframe instead.
      this.signaling.request('requestKeyFrame', { consumerId: consumer.id }).catch(() => undefined);
    }
  }

  /** Per member, the worst of their streams since the last call (about every 2 s). */
  async quality(): Promise<Map<string, Quality>> {
    const byPeer = new Map<string, Quality>();
    const rank: Record<Quality, number> = { good: 0, fair: 1, poor: 2 };
    for (const { consumer, peerId } of this.#consumers.values()) {
      if (consumer.paused || consumer.track.readyState !== 'live') continue;
      for (const stat of (await consumer.getStats()).values()) {
        if (stat.type !== 'inbound-rtp') continue;
        const received = Number(stat.packetsReceived ?? 0);
        const lost = Math.max(0, Number(stat.packetsLost ?? 0));
        const last = this.#lastCounts.get(consumer.id) ?? { received: 0, lost: 0 };
        this.#lastCounts.set(consumer.id, { received, lost });
        const newReceived = received - last.received;
        const newLost = lost - last.lost;
        if (newReceived + newLost <= 0) continue; // nothing arrived: paused, not a bad line
        const loss = newLost / (newReceived + newLost);
        const jitterMs = Number(stat.jitter ?? 0) * 1000;
        const quality: Quality =
          loss > 0.08 || jitterMs > 100 ? 'poor' : loss > 0.02 || jitterMs > 40 ? 'fair' : 'good';
        const worst = byPeer.get(peerId);
        if (!worst || rank[quality] > rank[worst]) byPeer.set(peerId, quality);
      }
    }
    return byPeer;
  }

  async inboundStats(): Promise<InboundStat[]> {
    const rows: InboundStat[] = [];
    for (const { consumer } of this.#consumers.values()) {
      // A consumer closing under us has no statistics; it leaves the map when dropped.
      const report = consumer.closed ? undefined : await consumer.getStats().catch(() => undefined);
      if (!report) continue;
      for (const stat of report.values()) {
        if (stat.type !== 'inbound-rtp') continue;
        rows.push({
          kind: consumer.kind,
          framesDecoded: Number(stat.framesDecoded ?? 0),
          audioLevel: Number(stat.audioLevel ?? 0),
          bytesReceived: Number(stat.bytesReceived ?? 0),
          jitterBufferDelay: Number(stat.jitterBufferDelay ?? 0),
          jitterBufferEmittedCount: Number(stat.jitterBufferEmittedCount ?? 0),
        });
      }
    }
    return rows;
  }

  close(): void {
    this.#closed = true;
    for (const { consumer } of this.#consumers.values()) consumer.close();
    this.#consumers.clear();
  }
}
