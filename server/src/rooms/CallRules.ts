// The rules a call was created with, enforced here rather than trusted to
// the page: how many people may be in it, what guests of a sensitive call
// may send (nothing, until a host allows it), and that a sensitive call does
// not go on without a host. See docs/sensitive-calls.md for the reasons.
// Protects: children, patients and pupils in calls meant to be supervised,
// against a guest who modifies their client, and against an unattended room.
import type { CallPolicy, MediaSource, Permissions } from '@parley/shared';
import { ClientError, LimitError, NotFoundError } from '../errors.js';
import { createLogger } from '../logging/index.js';
import type { RoomTimings } from './limits.js';
import { allMedia, type Peer } from './Peer.js';
import type { Roster } from './Roster.js';

const log = createLogger('rooms.CallRules');

const nothing: Permissions = { speak: false, share: false };

/** What the rules need from their room. */
export type RuledRoom = {
  readonly roster: Roster;
  /** Stops what a peer sends that it may no longer send. */
  closeProducers(peer: Peer, sources: MediaSource[]): void;
  close(): void;
};

export class CallRules {
  #noHostTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly policy: CallPolicy,
    private readonly room: RuledRoom,
    private readonly timings: RoomTimings,
  ) {}

  get sensitive(): boolean {
    return this.policy.profile === 'sensitive';
  }

  /** Before anyone enters or knocks: the call's size limit (those waiting count too). */
  assertRoomFor(): void {
    if (this.room.roster.size >= this.policy.maxParticipants)
      throw new LimitError('people in this call', this.policy.maxParticipants);
  }

  /** A newcomer's permissions: guests of a sensitive call start with camera, microphone and screen off. */
  permissionsFor(peer: Peer): Permissions {
    return this.sensitive && peer.isGuest ? nothing : allMedia;
  }

  /** Before a peer sends (or resumes) a stream from `source`. */
  assertMaySend(peer: Peer, source: MediaSource): void {
    const allowed = source === 'screen' ? peer.permissions.share : peer.permissions.speak;
    if (allowed) return;
    throw new ClientError(
      'not_allowed',
      source === 'screen'
        ? 'A host has not allowed you to share your screen in this call.'
        : 'A host has not allowed you to turn on your camera or microphone yet. Raise your hand to ask.',
    );
  }

  /**
   * Chat follows the host's permissions in a sensitive call: texts (and file
   * offers, which the server cannot tell apart) need `speak`, file chunks
   * need `share` too — a guest who may not show their screen may not hand
   * everyone a file either. Everyone else holds both from the start.
   */
  assertMayChat(peer: Peer, kind: 'message' | 'chunk'): void {
    if (peer.permissions.speak && (kind === 'message' || peer.permissions.share)) return;
    throw new ClientError(
      'not_allowed',
      kind === 'message'
        ? 'A host has not allowed you to speak in this call yet, in the chat either. Raise your hand to ask.'
        : 'A host has not allowed you to share files in this call.',
    );
  }

  /** A host lets a participant (in practice a guest) speak and share, or takes it back. */
  allowMedia(host: Peer, peerId: string, permissions: Permissions): void {
    const { roster } = this.room;
    roster.assertHost(host);
    const target = roster.admitted.get(peerId);
    if (!target) throw new NotFoundError('participant');
    target.permissions = { speak: permissions.speak, share: permissions.share };
    const revoked: MediaSource[] = [
      ...(permissions.speak ? [] : (['microphone', 'camera'] as const)),
      ...(permissions.share ? [] : (['screen'] as const)),
    ];
    this.room.closeProducers(target, revoked);
    roster.broadcast('participantUpdated', roster.describe(target));
  }

  /**
   * After anyone enters or leaves (or loses host rights): a sensitive call with
   * people but no host ends after a warning, unless a host comes back in time.
   */
  checkHosts(): void {
    if (!this.sensitive) return;
    const { roster } = this.room;
    const hostPresent = [...roster.admitted.values()].some((peer) => roster.isHost(peer));
    if (hostPresent || roster.admitted.size === 0) {
      if (!this.#noHostTimer) return;
      clearTimeout(this.#noHostTimer);
      this.#noHostTimer = undefined;
      roster.broadcast('callContinues', {});
      return;
    }
    if (this.#noHostTimer) return;
    const seconds = Math.round(this.timings.noHostGraceMs / 1000);
    roster.broadcast('callEnding', { reason: 'no_host', endsInSeconds: seconds });
    this.#noHostTimer = setTimeout(() => {
      log.info('a sensitive call ended: no host came back');
      for (const peer of [...roster.admitted.values(), ...roster.waiting.values()])
        peer.notify('leftCall', { reason: 'no_host' });
      this.room.close();
    }, this.timings.noHostGraceMs);
    this.#noHostTimer.unref();
  }

  close(): void {
    clearTimeout(this.#noHostTimer);
    this.#noHostTimer = undefined;
  }
}

/** A guest may not become a host: only an account's identity is vouched for. */
export function assertMayHost(peer: Peer): void {
  if (peer.isGuest) throw new ClientError('not_allowed', 'A guest cannot be made a host; only account holders can.');
}
