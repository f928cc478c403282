// What a host does to other people in the call: admit or deny knocks, mute,
// remove, lower a hand, allow a guest's media, appoint a co-host, end the
// call for everyone. Requests only: the server checks the right to each, and
// what changes comes back as events the call's view follows.
import type { Permissions } from '@parley/shared';
import type { SignalingClient } from '../signaling/SignalingClient.js';

export class HostActions {
  constructor(private readonly signaling: SignalingClient) {}

  async admit(peerId: string): Promise<void> {
    await this.signaling.request('admit', { peerId });
  }

  async deny(peerId: string): Promise<void> {
    await this.signaling.request('deny', { peerId });
  }

  async muteParticipant(peerId: string): Promise<void> {
    await this.signaling.request('muteParticipant', { peerId });
  }

  async remove(peerId: string): Promise<void> {
    await this.signaling.request('removePeer', { peerId });
  }

  async lowerHand(peerId: string): Promise<void> {
    await this.signaling.request('lowerHand', { peerId });
  }

  /** Sensitive calls: what a guest may send (camera and microphone: speak; screen: share). */
  async allowMedia(peerId: string, permissions: Permissions): Promise<void> {
    await this.signaling.request('allowMedia', { peerId, ...permissions });
  }

  async makeHost(peerId: string): Promise<void> {
    await this.signaling.request('appointHost', { peerId });
  }

  async endCall(): Promise<void> {
    await this.signaling.request('endCall', {});
  }
}
