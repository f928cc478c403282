// One call of headless participants against the real server, for bench:keys:
// a host, participants let in from a pool of accounts, and the three changes
// the benchmark times — someone leaves, someone joins, a listener starts
// sending — each measured from the moment it happens until every remaining
// sender sends under the new key and every receiver holds it.
import type { E2eUser } from '../../support/accounts.js';
import { HeadlessParticipant } from '../../support/HeadlessParticipant.js';
import { treeCpuSeconds } from '../../support/processCpu.js';
import type { RunningServer } from '../../support/startServer.js';
import { KeyWatch } from './KeyWatch.js';

export type ChangeKind = 'leave' | 'join' | 'start sending';

export type Change = {
  kind: ChangeKind;
  /** People in the call before the change (a join: after it). */
  participants: number;
  senders: number;
  /** From the change to the new keys in use and held everywhere; NaN if not within the time-out. */
  ms: number;
  /** Boxes relayed (each one request in, one event out). */
  boxes: number;
  boxBytes: number;
  /** Every socket.io byte on every participant's socket (both ways), E2EE and the rest. */
  wireBytes: number;
  /** CPU time of the server (its Node process and media workers), during the change. */
  serverCpuMs: number;
  /** CPU time of this process, which runs every participant's key agreement. */
  participantsCpuMs: number;
  /** The leaver holds none of the new keys (leaves only). */
  leaverLocked?: boolean;
};

const timeoutMs = Number(process.env.BENCH_TIMEOUT_MS ?? 60_000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class KeyCall {
  readonly watch = new KeyWatch();
  readonly members: HeadlessParticipant[] = [];
  /** Everyone who was ever in the call (their sockets' bytes count). */
  readonly #everyone: HeadlessParticipant[] = [];
  /** Changes whose keys did not reach everyone in time, and what was missing. */
  readonly failures: string[] = [];
  #joined = 0;

  private constructor(
    private readonly server: RunningServer,
    private readonly accounts: E2eUser[],
    readonly roomId: string,
    readonly host: HeadlessParticipant,
  ) {}

  /** A new call hosted by the first of `accounts` (who sends); the rest are used by those who join. */
  static async open(server: RunningServer, accounts: E2eUser[]): Promise<KeyCall> {
    const account = accounts.shift();
    if (!account) throw new Error('no account for the host');
    const host = await HeadlessParticipant.connect(server.baseUrl, 'Host', account);
    const { roomId } = (await host.request('createRoom', { profile: 'standard' })) as { roomId: string };
    const call = new KeyCall(server, accounts, roomId, host);
    call.watch.watch(host);
    call.#everyone.push(host);
    await host.join(roomId);
    host.setSending(true);
    call.members.push(host);
    return call;
  }

  get senders(): HeadlessParticipant[] {
    return this.members.filter((m) => m.machine?.sending);
  }

  /** Lets people in until the call has `size` members, `batch` knocking at once. */
  async growTo(size: number, options: { sending: boolean; batch?: number }): Promise<void> {
    while (this.members.length < size) {
      const count = Math.min(options.batch ?? 10, size - this.members.length);
      const joined = await Promise.all(Array.from({ length: count }, () => this.#admit()));
      for (const participant of joined) if (options.sending) participant.setSending(true);
    }
    await this.quiet();
  }

  /** Waits until no box has been sent for `ms` and no participant's key agreement has a timer due. */
  async quiet(ms = 300): Promise<void> {
    for (;;) {
      await sleep(ms / 3);
      const idle = performance.now() - this.watch.lastBoxAt > ms;
      if (idle && this.members.every((m) => m.machine?.nextWakeAt === undefined)) return;
    }
  }

  async measureLeave(leaver: HeadlessParticipant): Promise<Change> {
    await this.quiet();
    const remaining = this.members.filter((m) => m !== leaver);
    const senders = remaining.filter((m) => m.machine?.sending).map(peerIdOf);
    const after = new Map(senders.map((s) => [s, this.watch.current(s)]));
    const done = this.watch.keysEverywhere(senders, remaining.map(peerIdOf), after, timeoutMs);
    const result = await this.#measure('leave', this.members.length, senders.length, () => {
      leaver.leave();
      this.members.splice(this.members.indexOf(leaver), 1);
      this.#release(leaver);
      return done;
    });
    result.leaverLocked = senders.every((sender) => !leaver.keptKeys.get(sender)?.has(this.watch.current(sender)));
    return result;
  }

  async measureJoin(sending: boolean): Promise<Change> {
    await this.quiet();
    const newcomer = await this.#connect();
    const senders = this.senders.map(peerIdOf);
    const others = this.members.map(peerIdOf);
    return this.#measure('join', this.members.length + 1, senders.length + (sending ? 1 : 0), async () => {
      await newcomer.join(this.roomId, (peerId) => void this.host.request('admit', { peerId }));
      this.members.push(newcomer);
      const self = peerIdOf(newcomer);
      const after = new Map([[self, this.watch.current(self)]]);
      // As a browser does: it publishes its microphone and camera once admitted.
      if (sending) newcomer.setSending(true);
      const times = await Promise.all([
        this.watch.holderHasCurrent(self, senders, timeoutMs),
        sending ? this.watch.keysEverywhere([self], others, after, timeoutMs) : 0,
      ]);
      return Math.max(...times);
    });
  }

  async measureStartSending(listener: HeadlessParticipant): Promise<Change> {
    await this.quiet();
    const self = peerIdOf(listener);
    const after = new Map([[self, this.watch.current(self)]]);
    const done = this.watch.keysEverywhere([self], this.members.map(peerIdOf), after, timeoutMs);
    return this.#measure('start sending', this.members.length, this.senders.length + 1, () => {
      listener.setSending(true);
      return done;
    });
  }

  /** Everyone hangs up; their accounts may join another call. */
  close(): void {
    for (const member of this.members.splice(0)) {
      member.leave();
      this.#release(member);
    }
  }

  /** Runs `change`, which resolves with the moment its new keys are in use and held everywhere. */
  async #measure(
    kind: ChangeKind,
    participants: number,
    senders: number,
    change: () => Promise<number>,
  ): Promise<Change> {
    const traffic = { ...this.watch.traffic };
    const wire = this.#wireBytes();
    const serverCpu = treeCpuSeconds(this.server.pid);
    const ownCpu = process.cpuUsage();
    const started = performance.now();
    let ms = NaN;
    try {
      ms = (await change()) - started;
    } catch (error) {
      // Not within the time-out: reported as NaN, and the run's summary says so.
      this.failures.push(`${kind} at ${participants}: ${String(error)}`);
    }
    await this.quiet(); // the receipts that trail the switch belong to the change too
    const cpu = process.cpuUsage(ownCpu);
    return {
      kind,
      participants,
      senders,
      ms: Math.round(ms),
      boxes: this.watch.traffic.boxes - traffic.boxes,
      boxBytes: this.watch.traffic.boxBytes - traffic.boxBytes,
      wireBytes: this.#wireBytes() - wire,
      serverCpuMs: Math.round((treeCpuSeconds(this.server.pid) - serverCpu) * 1000),
      participantsCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    };
  }

  #wireBytes(): number {
    return this.#everyone.reduce((sum, m) => sum + m.wire.sent + m.wire.received, 0);
  }

  async #connect(): Promise<HeadlessParticipant> {
    const account = this.accounts.shift();
    if (!account) throw new Error('the benchmark ran out of accounts');
    const participant = await HeadlessParticipant.connect(this.server.baseUrl, `P${++this.#joined}`, account);
    this.watch.watch(participant);
    this.#everyone.push(participant);
    return participant;
  }

  async #admit(): Promise<HeadlessParticipant> {
    const participant = await this.#connect();
    await participant.join(this.roomId, (peerId) => void this.host.request('admit', { peerId }));
    this.members.push(participant);
    return participant;
  }

  /** A leaver's account may join again later (its socket is closed). */
  #release(participant: HeadlessParticipant): void {
    this.accounts.push(participant.account);
  }
}

function peerIdOf(participant: HeadlessParticipant): string {
  const id = participant.peerId;
  if (!id) throw new Error(`${participant.name} is not in the call`);
  return id;
}
