// Joining helpers: waiting for admission, and a mediasoup-client transport
// wired to signaling (connect, produce, ICE restart).
import type { Device } from 'mediasoup-client';
import { RtpParametersSchema, type ServerEventOf } from '@parley/shared';
import type { SignalingClient } from '../signaling/SignalingClient.js';
import { testingIceTransportPolicy } from '../testing/iceTestSwitch.js';
import { LeftCallError } from './LeftCallError.js';

/** Resolves when a host lets us in; rejects when we are turned away. */
export function admission(signaling: SignalingClient) {
  return new Promise<ServerEventOf<'admitted'>>((resolve, reject) => {
    const stop = [
      signaling.on('admitted', (admitted) => (stop.forEach((off) => off()), resolve(admitted))),
      signaling.on('leftCall', ({ reason }) => (stop.forEach((off) => off()), reject(new LeftCallError(reason)))),
    ];
  });
}

/**
 * Where a call is: a room we were given the id of (with a rejoin ticket after
 * a server restart: RejoinTickets), or a meeting link.
 */
export type CallTarget =
  { kind: 'room'; roomId: string; rejoinTicket?: string } | { kind: 'link'; linkId: string; secret: string };

export type JoinProgress = {
  /** A meeting link's call has not started: we wait for its host (and join by ourselves when they start it). */
  onWaitingForHost: () => void;
  /** In the lobby: a host decides. */
  onWaiting: () => void;
};

/** Into the call (through the lobby and, for a link, the wait for its host); the admission and the room's id. */
export async function enterCall(
  signaling: SignalingClient,
  target: CallTarget,
  displayName: string,
  progress: JoinProgress,
): Promise<{ joined: ServerEventOf<'admitted'>; roomId: string }> {
  if (target.kind === 'room') {
    const { roomId, rejoinTicket } = target;
    const reply = await signaling.request('join', { roomId, displayName, ...(rejoinTicket ? { rejoinTicket } : {}) });
    const joined = reply.status === 'admitted' ? reply : (progress.onWaiting(), await admission(signaling));
    return { joined, roomId: target.roomId };
  }
  const request = { linkId: target.linkId, secret: target.secret, displayName };
  for (;;) {
    const started = new Promise<void>((resolve) => {
      const off = signaling.on('callStarted', () => (off(), resolve()));
    });
    const reply = await signaling.request('joinLink', request);
    if (reply.status === 'waitingForHost') {
      progress.onWaitingForHost();
      await started;
      continue;
    }
    const joined = reply.status === 'admitted' ? reply : (progress.onWaiting(), await admission(signaling));
    return { joined, roomId: reply.roomId };
  }
}

export async function createTransport(
  signaling: SignalingClient,
  device: Device,
  direction: 'send' | 'recv',
  iceServers: RTCIceServer[],
  insertableStreams: boolean,
) {
  const created = await signaling.request('createTransport', { direction });
  const relayOnly = __PARLEY_TEST_BUILD__ ? testingIceTransportPolicy() : undefined;
  const options = {
    id: created.transportId,
    iceParameters: created.iceParameters,
    iceCandidates: created.iceCandidates,
    dtlsParameters: created.dtlsParameters,
    // No STUN: the SFU's own candidates are all a browser needs. TURN only
    // when the operator configured a relay.
    iceServers,
    ...(relayOnly ? { iceTransportPolicy: relayOnly } : {}),
    ...(insertableStreams
      ? { additionalSettings: { encodedInsertableStreams: true } as Partial<RTCConfiguration> }
      : {}),
  };
  const transport = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
  // When the network changes under us, ICE fails: ask the server for new ICE
  // credentials and restart, without leaving the call.
  transport.on('connectionstatechange', (state) => {
    if (state !== 'failed') return;
    signaling
      .request('restartIce', { transportId: transport.id })
      .then(({ iceParameters }) => transport.restartIce({ iceParameters }))
      .catch(() => undefined); // the connection indicator shows the failed state meanwhile
  });
  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    signaling
      .request('connectTransport', { transportId: transport.id, dtlsParameters })
      .then(() => callback(), errback);
  });
  if (direction === 'send') {
    transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      const source = appData.source === 'screen' ? 'screen' : kind === 'audio' ? 'microphone' : 'camera';
      // Checked against the protocol here too, so a browser quirk fails loudly on our side.
      const parsed = RtpParametersSchema.safeParse(rtpParameters);
      if (!parsed.success) return errback(new Error('the browser produced unexpected RTP parameters'));
      signaling
        .request('produce', { transportId: transport.id, kind, source, rtpParameters: parsed.data })
        .then(({ producerId }) => callback({ id: producerId }), errback);
    });
  }
  return transport;
}
