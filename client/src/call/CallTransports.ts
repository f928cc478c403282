// The call's two mediasoup-client transports (send and receive) on one
// Device. When the server's media worker dies, the call moves to a new router
// and both transports are dead: `renew` replaces them. The new router has the
// same codecs (one list, server/src/sfu/mediaCodecs.ts), so the loaded Device
// stays valid and nothing about the call's encryption changes.
import type { Device, types } from 'mediasoup-client';
import type { SignalingClient } from '../signaling/SignalingClient.js';
import { createTransport } from './joinHelpers.js';

type Options = {
  signaling: SignalingClient;
  device: Device;
  iceServers: RTCIceServer[];
  /** Whether transports need `encodedInsertableStreams` (the older Chromium E2EE API). */
  insertableStreams: boolean;
};

export class CallTransports {
  #send: types.Transport;
  #recv: types.Transport;
  #closed = false;

  private constructor(
    private readonly options: Options,
    [send, recv]: [types.Transport, types.Transport],
  ) {
    this.#send = send;
    this.#recv = recv;
  }

  /** Both transports, or neither: a send transport made before the receive one failed is closed. */
  static async create(options: Options): Promise<CallTransports> {
    return new CallTransports(options, await CallTransports.#pair(options));
  }

  get device(): Device {
    return this.options.device;
  }

  get send(): types.Transport {
    return this.#send;
  }

  get recv(): types.Transport {
    return this.#recv;
  }

  /** The old transports died with the server's media worker: new ones on the call's new router. */
  async renew(): Promise<void> {
    this.#send.close();
    this.#recv.close();
    const [send, recv] = await CallTransports.#pair(this.options);
    if (this.#closed) {
      send.close();
      recv.close();
      return;
    }
    this.#send = send;
    this.#recv = recv;
  }

  close(): void {
    this.#closed = true;
    this.#send.close();
    this.#recv.close();
  }

  static async #pair(options: Options): Promise<[types.Transport, types.Transport]> {
    const { signaling, device, iceServers, insertableStreams } = options;
    const send = await createTransport(signaling, device, 'send', iceServers, insertableStreams);
    try {
      return [send, await createTransport(signaling, device, 'recv', iceServers, insertableStreams)];
    } catch (error) {
      send.close();
      throw error;
    }
  }
}
