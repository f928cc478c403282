// The server's part in chat and file sharing: relay sealed envelopes at once,
// to everyone in the call or to one participant, and keep nothing. The
// server cannot read them (shared/src/chat); what it must still get right
// is who an envelope comes from (the session), who it goes to (only people
// admitted now: nobody who joins later, nobody whose socket is away), and
// that one sender's files cannot take the server or the others' sockets
// hostage: a per-file ceiling (PARLEY_MAX_FILE_MB), a few files at a time
// per sender, chunks in order, a byte rate (limits.ts `chat`), and
// back-pressure — a chunk for a recipient whose socket has not drained what
// it was given is refused with `busy`, so the sender waits instead of the
// server buffering a file.
import { chatLimits, type ChatEnvelope, type ResponseOf } from '@parley/shared';
import { ClientError, LimitError, NotFoundError } from '../errors.js';
import type { CallRules } from './CallRules.js';
import { chatBacklogBytes, type PeerRateKind } from './limits.js';
import type { Peer } from './Peer.js';
import type { RoomHooks } from './RoomOptions.js';
import type { Roster } from './Roster.js';

/** A file's chunks are relayed in order; one not finished for this long no longer counts against its sender. */
const idleFileMs = 60_000;

type Sending = { next: number; lastAt: number };

export class ChatRelay {
  /** Per sender: files whose last chunk has not passed yet. */
  readonly #files = new WeakMap<Peer, Map<string, Sending>>();
  readonly #maxChunks: number;

  constructor(
    private readonly roster: Roster,
    private readonly rules: CallRules,
    private readonly room: { charge(peer: Peer, kind: PeerRateKind, cost?: number): void },
    private readonly maxFileBytes: number,
    private readonly hooks: Pick<RoomHooks, 'onChatRelayed'> = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#maxChunks = Math.max(1, Math.ceil(maxFileBytes / chatLimits.chunkBytes));
  }

  relay(peer: Peer, envelope: ChatEnvelope): ResponseOf<'relayChat'> {
    this.roster.assertAdmitted(peer);
    this.rules.assertMayChat(peer, envelope.kind);
    const targets = this.#targets(peer, envelope.to);
    if (envelope.kind === 'message') this.room.charge(peer, 'chatMessages');
    else this.#admitChunk(peer, envelope, targets);
    this.hooks.onChatRelayed?.(peer.id, envelope);
    for (const target of targets) target.notify('chatRelayed', { from: peer.id, envelope });
    return { delivered: targets.length };
  }

  #targets(peer: Peer, to: ChatEnvelope['to']): Peer[] {
    if (to === '*') return this.roster.others(peer);
    const target = this.roster.admitted.get(to);
    if (!target || target === peer) throw new NotFoundError('participant');
    return [target];
  }

  /** Size, order and files at once; then back-pressure. Everything is checked before anything is recorded. */
  #admitChunk(peer: Peer, envelope: ChatEnvelope, targets: Peer[]): void {
    const file = envelope.file;
    if (!file) throw new ClientError('invalid_message', 'a file chunk names its file');
    if (file.index >= this.#maxChunks) {
      throw new LimitError(`MB per file`, Math.round(this.maxFileBytes / (1024 * 1024)));
    }
    let files = this.#files.get(peer);
    if (!files) {
      files = new Map();
      this.#files.set(peer, files);
    }
    const now = this.now();
    const sending = files.get(file.id);
    if (!sending) {
      if (file.index !== 0) throw new ClientError('invalid_message', 'a file starts with its first chunk');
      for (const [id, other] of files) if (now - other.lastAt > idleFileMs) files.delete(id);
      if (files.size >= chatLimits.filesInFlight) throw new LimitError('files sent at once', chatLimits.filesInFlight);
    } else if (file.index !== sending.next) {
      throw new ClientError('invalid_message', 'file chunks are sent in order');
    }
    if (targets.some((target) => target.backlogBytes > chatBacklogBytes)) {
      throw new ClientError('busy', 'a recipient is still receiving earlier chunks: send this one again shortly');
    }
    if (file.last) files.delete(file.id);
    else files.set(file.id, { next: file.index + 1, lastAt: now });
  }
}
