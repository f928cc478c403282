// What we send: microphone, camera (simulcast, three layers) and screen, each
// a mediasoup producer that can be paused (mute, camera off) or closed.
import type { types } from 'mediasoup-client';
import type { MediaSource, OutboundStat } from '@parley/shared';
import type { SignalingClient } from '../signaling/SignalingClient.js';

/**
 * Three spatial layers so each receiver gets the size its tile needs: the SFU
 * forwards one layer per consumer instead of the sender encoding per viewer.
 */
const cameraEncodings: RTCRtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];

export type LocalState = { micMuted: boolean; cameraOff: boolean; sharingScreen: boolean; mutedByHost: boolean };

export class LocalMedia {
  readonly #producers = new Map<MediaSource, types.Producer>();
  #mutedByHost = false;

  constructor(
    private readonly signaling: SignalingClient,
    private readonly transport: types.Transport,
    private readonly onChange: () => void,
    /** Attaches end-to-end encryption to a sender before it carries a frame. */
    private readonly protect: ((sender: RTCRtpSender, kind: 'audio' | 'video') => void) | undefined,
  ) {}

  get state(): LocalState {
    return {
      micMuted: this.#producers.get('microphone')?.paused ?? true,
      cameraOff: this.#producers.get('camera')?.paused ?? true,
      sharingScreen: this.#producers.has('screen'),
      mutedByHost: this.#mutedByHost,
    };
  }

  async publish(track: MediaStreamTrack, source: MediaSource): Promise<void> {
    const producer = await this.transport.produce({
      track,
      appData: { source },
      ...(this.protect
        ? { onRtpSender: (sender: RTCRtpSender) => this.protect?.(sender, track.kind === 'audio' ? 'audio' : 'video') }
        : {}),
      ...(source === 'camera' ? { encodings: cameraEncodings } : {}),
    });
    this.#producers.set(source, producer);
    // The browser's own "stop sharing" button ends the track.
    producer.on('trackended', () => void this.stop(source));
    this.onChange();
  }

  /** Bytes sent per producer (all simulcast layers), for diagnostics and benchmarks. */
  async outboundStats(): Promise<OutboundStat[]> {
    const rows: OutboundStat[] = [];
    for (const producer of this.#producers.values()) {
      let bytesSent = 0;
      for (const stat of (await producer.getStats()).values())
        if (stat.type === 'outbound-rtp') bytesSent += Number(stat.bytesSent ?? 0);
      rows.push({ kind: producer.kind, bytesSent });
    }
    return rows;
  }

  /** Mute/unmute or camera off/on: paused here and on the server, so nothing is sent. */
  async setPaused(source: 'microphone' | 'camera', paused: boolean): Promise<void> {
    const producer = this.#producers.get(source);
    if (!producer) return;
    if (paused) producer.pause();
    else producer.resume();
    if (source === 'microphone' && !paused) this.#mutedByHost = false;
    this.onChange();
    await this.signaling.request(paused ? 'pauseProducer' : 'resumeProducer', { producerId: producer.id });
  }

  /** A host paused our microphone on the server; reflect it and stop sending. */
  pausedByHost(producerId: string): void {
    const producer = this.#producers.get('microphone');
    if (producer?.id !== producerId) return;
    producer.pause();
    this.#mutedByHost = true;
    this.onChange();
  }

  async startScreenShare(): Promise<void> {
    if (this.#producers.has('screen')) return;
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    const [track] = stream.getVideoTracks();
    if (track) await this.publish(track, 'screen');
  }

  async stop(source: MediaSource): Promise<void> {
    const producer = this.#producers.get(source);
    if (!producer) return;
    this.#producers.delete(source);
    producer.close();
    producer.track?.stop();
    this.onChange();
    await this.signaling.request('closeProducer', { producerId: producer.id });
  }

  close(): void {
    for (const producer of this.#producers.values()) {
      producer.close();
      producer.track?.stop();
    }
    this.#producers.clear();
  }
}
