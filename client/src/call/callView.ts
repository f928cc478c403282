// What the call page shows, derived in one place from the call's one roster
// (the key agreement's members), the media we receive, and what we send.
// Every admitted member gets an entry — also one who sends no media — so
// nobody can hold our key without being on every screen.
import type { Admission, CallPolicy, Identity, MediaSource, Permissions } from '@parley/shared';
import type { KeyStatus } from '@parley/shared/e2ee/agreement';
import type { KeyedMember } from '../e2ee/CallKeys.js';
import type { E2eeView } from '../e2ee/CallEncryption.js';
import type { LeftReason } from './LeftCallError.js';
import type { LocalState } from './LocalMedia.js';
import type { RemoteMedia } from './RemoteMedia.js';

/** What the server says of a member that the key agreement's roster does not keep. */
export type MemberDetails = { handRaised: boolean; identity: Identity; permissions: Permissions };

export type RemoteParticipant = {
  peerId: string;
  displayName: string;
  isHost: boolean;
  /** Their microphone is off: paused (by them or a host), or not sent at all. */
  audioMuted: boolean;
  /** Their camera is off: paused, or not sent at all. */
  cameraOff: boolean;
  keyStatus: KeyStatus;
  handRaised: boolean;
  /** An account (with the username the server verified) or a guest. */
  identity: Identity;
  permissions: Permissions;
  tracks: { source: MediaSource; track: MediaStreamTrack; consumerId: string }[];
};

/** What the call page shows; a new object whenever anything in it changes. */
export type CallView = {
  /** Everyone else in the call, in order of arrival. */
  participants: RemoteParticipant[];
  /** People waiting to be let in (hosts only), and who they are. */
  lobby: { peerId: string; displayName: string; identity: Identity }[];
  /** The call's rules (standard or sensitive, how many people). */
  call: CallPolicy;
  /** What we may send (guests of a sensitive call: nothing until a host allows it). */
  permissions: Permissions;
  /** Sensitive calls: no host is left, and the call ends at this time (Unix ms) unless one returns. */
  endingAt: number | undefined;
  isHost: boolean;
  /** Our own hand is raised. */
  handRaised: boolean;
  locked: boolean;
  local: LocalState;
  /** The peer mediasoup's observer last named the dominant speaker. */
  activeSpeaker: string | undefined;
  /** The server offers a newer client: the page should suggest reloading. */
  updateAvailable: boolean;
  /** Set when we are out of the call: removed, or the host ended it. */
  left: LeftReason | undefined;
  /** Streams we could not set up (counted; shown as a notice). */
  receiveFailures: number;
  /** End-to-end encryption: lock states, security code, verification, key alerts. */
  e2ee: E2eeView;
};

export function initialView(joined: Admission, updateAvailable: boolean, e2ee: E2eeView, local: LocalState): CallView {
  return {
    participants: [],
    lobby: [],
    call: joined.call,
    permissions: joined.permissions,
    endingAt: undefined,
    isHost: joined.isHost,
    handRaised: false,
    locked: false,
    local,
    activeSpeaker: undefined,
    updateAvailable,
    left: undefined,
    receiveFailures: 0,
    e2ee,
  };
}

export function deriveView(
  base: CallView,
  members: KeyedMember[],
  /** What the server says of each member beyond the roster (hand, identity, permissions), by peer id. */
  hands: Map<string, MemberDetails>,
  remote: RemoteMedia,
  local: LocalState,
  e2ee: E2eeView,
  updateAvailable: boolean,
): CallView {
  const tracks = remote.tracks;
  return {
    ...base,
    local,
    e2ee,
    updateAvailable,
    participants: members.map((member) => ({
      peerId: member.peerId,
      displayName: member.displayName,
      isHost: member.isHost,
      audioMuted: remote.audioMuted(member.peerId),
      cameraOff: remote.cameraOff(member.peerId),
      keyStatus: member.status,
      handRaised: hands.get(member.peerId)?.handRaised ?? false,
      identity: hands.get(member.peerId)?.identity ?? { kind: 'guest' },
      permissions: hands.get(member.peerId)?.permissions ?? { speak: true, share: true },
      tracks: tracks
        .filter((t) => t.peerId === member.peerId)
        .map(({ source, track, consumerId }) => ({ source, track, consumerId })),
    })),
  };
}
