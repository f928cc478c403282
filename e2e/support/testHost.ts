// A separate network host for the server under test: a Linux network namespace
// joined to this one by a veth pair. Browsers then reach Parley the way they
// reach a real server, over a non-loopback interface. It is needed because
// Firefox never pairs ICE candidates with loopback addresses (its
// media.peerconnection.ice.loopback pref is ignored by Firefox ESR 153), so a
// server listening on 127.0.0.1 is unreachable for its media.
// Creating namespaces needs root (CAP_NET_ADMIN); CI runs as root.
import { execFileSync } from 'node:child_process';

export type TestHost = {
  /** The namespace's address: where the server listens, what browsers dial. */
  readonly address: string;
  /** The address the browsers' traffic comes from, as the server sees it. */
  readonly clientAddress: string;
  /** The command and arguments that run `command` inside the namespace. */
  wrap(command: string, args: string[]): [string, string[]];
  /** Cuts every established TCP connection to `port` inside the host, as a network failure would (ss -K). */
  cutTcp(port: number): void;
  remove(): void;
};

const prefix = 'parley-e2e-';
/** Hosts made by this process so far: a test file may start several servers one after another. */
let made = 0;

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Namespaces left by runs that died without cleaning up. */
function removeStale(): void {
  for (const line of ip('netns', 'list').split('\n')) {
    const name = line.split(' ')[0] ?? '';
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && isAlive(pid)) continue;
    ip('netns', 'del', name);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false; // ESRCH: no such process
  }
}

export function createTestHost(): TestHost {
  if (process.getuid?.() !== 0) {
    throw new Error('the browser tests create a network namespace for the server and need root (CAP_NET_ADMIN)');
  }
  removeStale();
  // Names, interfaces and subnets are per process and per host: parallel runs
  // do not collide, and neither does a second host in the same process whose
  // predecessor's veth pair the kernel is still tearing down (it does so
  // after the namespace is gone). Interface names are at most 15 characters.
  const seq = made++ % 50;
  const name = `${prefix}${process.pid}-${seq}`;
  const tag = `${process.pid % 100_000}${String.fromCharCode(97 + (seq % 26))}${Math.floor(seq / 26)}`;
  const outside = `pe${tag}o`;
  const inside = `pe${tag}i`;
  const subnet = `10.${200 + seq}.${process.pid % 250}`;
  const address = `${subnet}.2`;
  ip('netns', 'add', name);
  try {
    ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside, 'netns', name);
    ip('addr', 'add', `${subnet}.1/30`, 'dev', outside);
    ip('link', 'set', outside, 'up');
    ip('-n', name, 'addr', 'add', `${address}/30`, 'dev', inside);
    ip('-n', name, 'link', 'set', inside, 'up');
    ip('-n', name, 'link', 'set', 'lo', 'up');
  } catch (error) {
    ip('netns', 'del', name);
    throw error;
  }
  return {
    address,
    clientAddress: `${subnet}.1`,
    wrap: (command, args) => ['ip', ['netns', 'exec', name, command, ...args]],
    cutTcp: (port) => void ip('netns', 'exec', name, 'ss', '-K', 'state', 'established', `( sport = :${port} )`),
    remove: () => {
      // Deleting the namespace deletes the veth pair with it.
      if (ip('netns', 'list').includes(name)) ip('netns', 'del', name);
    },
  };
}
