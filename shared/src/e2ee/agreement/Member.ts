// One person in the call as the key agreement knows them: what the server
// said about them (fixed at admission: account and key slot), the keys they
// announced, and the state of the boxes between us.
import type { Participant } from '../../protocol/index.js';
import type { PeerKeys } from './AgreementCrypto.js';

/**
 * awaiting-keys: in the call, no valid announcement yet (gets no key from us).
 * keyed: announced keys whose signature checks out; receives our keys.
 * changed: announced different keys (or the server changed their account or
 *   slot) while present: receives nothing more from us until the person
 *   verifies the new keys or the member rejoins.
 * invalid: only announcements whose signature does not check out.
 */
export type KeyStatus = 'awaiting-keys' | 'keyed' | 'changed' | 'invalid';

/** What views (participant list, tiles, security code, tests) see of a member. */
export type MemberView = Readonly<{
  peerId: string;
  accountId: string;
  slot: number;
  displayName: string;
  isHost: boolean;
  status: KeyStatus;
  /** The keys we accepted: the ones the call security code covers. */
  keys: PeerKeys | undefined;
  /** Different keys announced later, waiting for the person to verify them. */
  changedKeys: PeerKeys | undefined;
  /** We hold a key of theirs. */
  receiving: boolean;
  /** We gave them one of our keys. */
  hasOurKey: boolean;
}>;

/** Epochs of a member's keys remembered (by fingerprint) to spot a second, different key for one epoch. */
const rememberedEpochs = 8;
/** Boxes kept for a member whose announcement has not arrived yet. */
const maxEarlyBoxes = 8;

export class Member {
  displayName: string;
  isHost: boolean;
  status: KeyStatus = 'awaiting-keys';
  keys: PeerKeys | undefined;
  changedKeys: PeerKeys | undefined;
  /** Last sequence number used on a box to them / accepted on a box from them. */
  seqOut = 0;
  seqIn = 0;
  /** The first of our epochs they were given: they may have that key and later ones, never earlier ones. */
  firstEpoch: number | undefined;
  lastKeyRequestAt = -Infinity;
  lastAnswerAt = -Infinity;
  readonly #receivedEpochs = new Map<number, string>();
  readonly #earlyBoxes: string[] = [];

  constructor(
    readonly peerId: string,
    /** From the admission; never changes while the member is present. */
    readonly accountId: string,
    readonly slot: number,
    info: Pick<Participant, 'displayName' | 'isHost'>,
  ) {
    this.displayName = info.displayName;
    this.isHost = info.isHost;
  }

  get receiving(): boolean {
    return this.#receivedEpochs.size > 0;
  }

  /** Records their key for `epoch`: 'new', 'known' (the same key again) or 'conflict' (a different one). */
  recordKey(epoch: number, fingerprint: string): 'new' | 'known' | 'conflict' {
    const held = this.#receivedEpochs.get(epoch);
    if (held !== undefined) return held === fingerprint ? 'known' : 'conflict';
    this.#receivedEpochs.set(epoch, fingerprint);
    if (this.#receivedEpochs.size > rememberedEpochs) {
      this.#receivedEpochs.delete(Math.min(...this.#receivedEpochs.keys()));
    }
    return 'new';
  }

  keepEarlyBox(box: string): void {
    if (this.#earlyBoxes.length < maxEarlyBoxes) this.#earlyBoxes.push(box);
  }

  takeEarlyBoxes(): string[] {
    return this.#earlyBoxes.splice(0);
  }

  /** A new box channel (their accepted call key changed): sequence numbers start over. */
  resetChannel(): void {
    this.seqIn = 0;
    this.seqOut = 0;
    this.firstEpoch = undefined;
  }

  view(): MemberView {
    return {
      peerId: this.peerId,
      accountId: this.accountId,
      slot: this.slot,
      displayName: this.displayName,
      isHost: this.isHost,
      status: this.status,
      keys: this.keys,
      changedKeys: this.changedKeys,
      receiving: this.receiving,
      hasOurKey: this.firstEpoch !== undefined,
    };
  }
}
