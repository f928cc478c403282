// What we send: microphone, camera (simulcast, three layers) and screen, each
// a mediasoup producer. Mute pauses the microphone (here and on the server);
// camera off also releases the camera (its light goes out) and camera on
// takes it again; the devices can be switched during the call.
import type { types } from 'mediasoup-client';
import type { MediaSource, OutboundStat } from '@parley/shared';
import type { SignalingClient } from '../signaling/SignalingClient.js';
import { cameraTrack, microphoneTrack, type DeviceChoice } from './media/devices.js';

/**
 * Three spatial layers so each receiver gets the size its tile needs: the SFU
 * forwards one layer per consumer instead of the sender encoding per viewer.
 */
const cameraEncodings: RTCRtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];

export type LocalState = {
  micMuted: boolean;
  cameraOff: boolean;
  sharingScreen: boolean;
  mutedByHost: boolean;
  /** Our own camera, for the self view (undefined when off). */
  cameraTrack: MediaStreamTrack | undefined;
  devices: DeviceChoice;
};

export class LocalMedia {
  readonly #producers = new Map<MediaSource, types.Producer>();
  #mutedByHost = false;
  #devices: DeviceChoice = {};
  #state: LocalState;

  constructor(
    private readonly signaling: SignalingClient,
    private readonly transport: types.Transport,
    private readonly onChange: () => void,
    /** Attaches end-to-end encryption to a sender before it carries a frame. */
    private readonly protect: (sender: RTCRtpSender, kind: 'audio' | 'video') => void,
  ) {
    this.#state = this.#snapshot();
  }

  /** The same object until something changes (React compares it). */
  get state(): LocalState {
    return this.#state;
  }

  set devices(devices: DeviceChoice) {
    this.#devices = devices;
    this.#changed();
  }

  /** Starts sending `track`; `paused` sends nothing until resumed (joining muted). */
  async publish(track: MediaStreamTrack, source: MediaSource, paused = false): Promise<void> {
    track.enabled = true; // muting is the producer's job from here on
    const producer = await this.transport.produce({
      track,
      appData: { source },
      stopTracks: false,
      onRtpSender: (sender: RTCRtpSender) => this.protect(sender, track.kind === 'audio' ? 'audio' : 'video'),
      ...(source === 'camera' ? { encodings: cameraEncodings } : {}),
    });
    this.#producers.set(source, producer);
    // The browser's own "stop sharing" button ends the track.
    producer.on('trackended', () => void (source === 'screen' ? this.stop('screen') : this.#changed()));
    if (paused) await this.#pause(producer);
    this.#changed();
  }

  async setMicrophoneMuted(muted: boolean): Promise<void> {
    const producer = this.#producers.get('microphone');
    if (!producer) {
      if (!muted) await this.publish(await microphoneTrack(this.#devices.microphoneId), 'microphone');
      return;
    }
    if (muted) await this.#pause(producer);
    else {
      this.#mutedByHost = false;
      await this.#resume(producer);
    }
  }

  /** Camera off releases the camera; camera on takes it again (the chosen one). */
  async setCameraOff(off: boolean): Promise<void> {
    const producer = this.#producers.get('camera');
    if (off) {
      if (!producer) return;
      await this.#pause(producer);
      producer.track?.stop();
      await producer.replaceTrack({ track: null });
      return this.#changed();
    }
    const track = await cameraTrack(this.#devices.cameraId);
    if (!producer) return this.publish(track, 'camera');
    await producer.replaceTrack({ track });
    await this.#resume(producer);
  }

  /** Uses another camera or microphone from now on. */
  async switchDevice(kind: 'camera' | 'microphone', deviceId: string): Promise<void> {
    this.#devices = { ...this.#devices, [kind === 'camera' ? 'cameraId' : 'microphoneId']: deviceId };
    const producer = this.#producers.get(kind);
    const live = producer?.track && producer.track.readyState === 'live';
    if (producer && live) {
      const track = kind === 'camera' ? await cameraTrack(deviceId) : await microphoneTrack(deviceId);
      const old = producer.track;
      await producer.replaceTrack({ track });
      old?.stop();
    }
    this.#changed();
  }

  /** A host paused our microphone on the server; reflect it and stop sending. */
  pausedByHost(producerId: string): void {
    const producer = this.#producers.get('microphone');
    if (producer?.id !== producerId) return;
    producer.pause();
    this.#mutedByHost = true;
    this.#changed();
  }

  async startScreenShare(): Promise<void> {
    if (this.#producers.has('screen')) return;
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    const [track] = stream.getVideoTracks();
    if (track) await this.publish(track, 'screen');
  }

  /** The server closed these (a host took the permission back): let them go here, without asking it again. */
  dropClosed(sources: MediaSource[]): void {
    for (const source of sources) {
      const producer = this.#producers.get(source);
      if (!producer) continue;
      this.#producers.delete(source);
      producer.close();
      producer.track?.stop();
    }
    this.#changed();
  }

  async stop(source: MediaSource): Promise<void> {
    const producer = this.#producers.get(source);
    if (!producer) return;
    this.#producers.delete(source);
    producer.close();
    producer.track?.stop();
    this.#changed();
    await this.signaling.request('closeProducer', { producerId: producer.id });
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

  close(): void {
    for (const producer of this.#producers.values()) {
      producer.close();
      producer.track?.stop();
    }
    this.#producers.clear();
  }

  async #pause(producer: types.Producer): Promise<void> {
    producer.pause();
    this.#changed();
    await this.signaling.request('pauseProducer', { producerId: producer.id });
  }

  async #resume(producer: types.Producer): Promise<void> {
    producer.resume();
    this.#changed();
    await this.signaling.request('resumeProducer', { producerId: producer.id });
  }

  #snapshot(): LocalState {
    const camera = this.#producers.get('camera');
    const cameraOff = camera?.paused ?? true;
    return {
      micMuted: this.#producers.get('microphone')?.paused ?? true,
      cameraOff,
      sharingScreen: this.#producers.has('screen'),
      mutedByHost: this.#mutedByHost,
      cameraTrack: cameraOff ? undefined : (camera?.track ?? undefined),
      devices: this.#devices,
    };
  }

  #changed(): void {
    this.#state = this.#snapshot();
    this.onChange();
  }
}
