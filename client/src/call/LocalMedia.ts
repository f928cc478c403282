// What we send: microphone, camera (simulcast, three layers) and screen, each
// a mediasoup producer. Mute pauses the microphone (here and on the server);
// camera off also releases the camera (its light goes out) and camera on
// takes it again; the devices can be switched during the call. Whether we
// send anything at all is told to the key agreement before the first frame
// goes out and after the last: only a sender hands out a key.
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

/** What the person brings into the call from the pre-join screen. */
export type LocalStart = {
  tracks: MediaStreamTrack[];
  microphoneOn: boolean;
  cameraOn: boolean;
  devices: DeviceChoice;
};

export class LocalMedia {
  readonly #producers = new Map<MediaSource, types.Producer>();
  #mutedByHost = false;
  /** What the key agreement was last told: some producer is live (not paused). */
  #sending = false;
  #devices: DeviceChoice = {};
  #state: LocalState;
  #transport: types.Transport;

  constructor(
    private readonly signaling: SignalingClient,
    transport: types.Transport,
    private readonly onChange: () => void,
    /** Attaches end-to-end encryption to a sender before it carries a frame. */
    private readonly protect: (sender: RTCRtpSender, kind: 'audio' | 'video') => void,
    /** We start sending (before the first frame) or stopped (after the last). */
    private readonly onSending: (sending: boolean) => void,
  ) {
    this.#transport = transport;
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
    // A disabled track makes the producer start paused (silence or black until resumed).
    track.enabled = !paused;
    if (!paused) this.#willSend();
    const producer = await this.#transport.produce({
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
    this.#mayHaveStopped();
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
    this.#mayHaveStopped();
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
    this.#mayHaveStopped();
    await this.signaling.request('closeProducer', { producerId: producer.id });
  }

  /**
   * The server's media worker died and our producers with it: send the same
   * tracks again on `transport`, paused where they were (muted, or muted by a
   * host). A camera that was off had released its track; camera on takes it again.
   */
  async moveTo(transport: types.Transport): Promise<void> {
    this.#transport = transport;
    const previous = [...this.#producers];
    this.#producers.clear();
    for (const [source, producer] of previous) {
      producer.close(); // closed with its transport already; idempotent
      const track = producer.track;
      if (track?.readyState === 'live') await this.publish(track, source, producer.paused);
    }
    this.#changed();
  }

  /**
   * Stops sending without stopping the microphone and camera: their tracks,
   * for the same call joined again after a server restart. A shared screen ends.
   */
  releaseTracks(): MediaStreamTrack[] {
    const kept: MediaStreamTrack[] = [];
    for (const [source, producer] of this.#producers) {
      producer.close();
      const track = producer.track;
      if (!track) continue;
      if (source !== 'screen' && track.readyState === 'live') kept.push(track);
      else track.stop();
    }
    this.#producers.clear();
    return kept;
  }

  /** Bytes sent per producer (all simulcast layers), for diagnostics and benchmarks. */
  async outboundStats(): Promise<OutboundStat[]> {
    const rows: OutboundStat[] = [];
    for (const producer of this.#producers.values()) {
      if (producer.closed) continue; // its transport died with the media worker; sent again shortly (moveTo)
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
    this.#mayHaveStopped();
    await this.signaling.request('pauseProducer', { producerId: producer.id });
  }

  async #resume(producer: types.Producer): Promise<void> {
    this.#willSend();
    producer.resume();
    this.#changed();
    await this.signaling.request('resumeProducer', { producerId: producer.id });
  }

  /** Before a frame goes out: the key agreement hands out a fresh key first if we sent nothing until now. */
  #willSend(): void {
    if (this.#sending) return;
    this.#sending = true;
    this.onSending(true);
  }

  #mayHaveStopped(): void {
    if (!this.#sending || [...this.#producers.values()].some((p) => !p.paused && !p.closed)) return;
    this.#sending = false;
    this.onSending(false);
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
