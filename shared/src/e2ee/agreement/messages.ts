// What goes into the key agreement and what comes out of it. The machine
// does no I/O: a driver feeds it events (from signaling, the E2EE worker and
// a timer) and carries out the actions it returns (relay a box, hand a key to
// the worker, show a warning), in order.
import type { E2eeAnnouncement, Participant } from '../../protocol/index.js';
import type { Bytes } from '../../sframe/bytes.js';

export type AgreementInput = { now: number } & (
  | /** Someone is in the call (participantJoined, or the admission's list). */ {
      type: 'memberJoined';
      participant: Participant;
    }
  | /** The server says something about a member changed (host status, name). */ {
      type: 'memberUpdated';
      participant: Participant;
    }
  | { type: 'memberLeft'; peerId: string }
  | /** The whole roster as the server sees it now (after a socket resume): reconciled as joins and leaves. */ {
      type: 'resynced';
      participants: Participant[];
    }
  | { type: 'announced'; peerId: string; announcement: E2eeAnnouncement }
  | { type: 'boxReceived'; from: string; box: string }
  | /**
     * Whether we send media now (a producer that is not paused): only then do
     * we hand out a sender key. Starting moves us to a fresh key at once.
     */ {
      type: 'sending';
      sending: boolean;
    }
  | /** The worker keeps receiving this member's frames under a key we do not hold. */ {
      type: 'keyMissing';
      peerId: string;
    }
  | /** The worker sees this member's frames fail authentication at an alarming rate. */ {
      type: 'forgerySuspected';
      peerId: string;
    }
  | /** Our key has carried so many frames that its counters should start over. */ { type: 'wantsRatchet' }
  | /** The person compared the emoji of this member's new keys and says they match. */ {
      type: 'changedKeysVerified';
      peerId: string;
    }
  | { type: 'tick' }
);

export type AgreementAlert =
  /** A member present in the call announced different keys: possibly someone in the middle. */
  | 'keys-changed'
  /** The server said a present member now belongs to another account or key slot. */
  | 'identity-changed'
  /** An announcement whose signature does not check out. */
  | 'invalid-announcement'
  /** A member sent two different keys for one epoch. */
  | 'conflicting-key';

export type AgreementAction =
  | { type: 'send'; to: string; box: string }
  | { type: 'setSendKey'; epoch: number; key: Bytes }
  | { type: 'setReceiveKey'; peerId: string; slot: number; epoch: number; key: Bytes }
  | { type: 'forgetMember'; peerId: string }
  /** A key of this member arrived (ask for a keyframe so their picture starts at once). */
  | { type: 'receivedKey'; peerId: string }
  | { type: 'alert'; alert: AgreementAlert; peerId: string }
  /** The roster or someone's key state changed: views derive again. */
  | { type: 'changed' };
