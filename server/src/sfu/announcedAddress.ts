// Checks at start that the address browsers are told to send media to can
// work. A server that would announce an unreachable address says so and
// stops, rather than starting and failing in every call later: the usual
// cause of "it works with two people on the LAN, and with nobody from home".
// Assumes: a container's own addresses on its Docker network are private
// (the stack uses a bridge network; with host networking, see deploy.md).
import { lookup } from 'node:dns/promises';
import { existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import ipaddr from 'ipaddr.js';

export class AnnouncedAddressError extends Error {
  override name = 'AnnouncedAddressError';
}

/** What the check needs to know about where it runs; tests pass their own. */
export type HostFacts = {
  inContainer: boolean;
  /** This host's (or container's) own addresses, loopback excluded. */
  ownAddresses: string[];
  resolve: (name: string) => Promise<string[]>;
};

const resolveTimeoutMs = 5000;

export function hostFacts(): HostFacts {
  return {
    inContainer: existsSync('/.dockerenv') || existsSync('/run/.containerenv'),
    ownAddresses: Object.values(networkInterfaces())
      .flatMap((entries) => entries ?? [])
      .filter((entry) => !entry.internal)
      .map((entry) => entry.address),
    resolve: async (name) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${resolveTimeoutMs / 1000} s`)), resolveTimeoutMs);
      });
      try {
        const found = await Promise.race([lookup(name, { all: true }), timeout]);
        return found.map((entry) => entry.address);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

const variable = 'PARLEY_RTC_ANNOUNCED_ADDRESS';

/** Why browsers elsewhere could not use `address`, or undefined if they could. */
function unusable(address: string, listenIp: string, facts: HostFacts): string | undefined {
  const range = ipaddr.process(address).range();
  if (['unspecified', 'multicast', 'broadcast', 'linkLocal'].includes(range))
    return `${address} is a ${range} address, which no browser can send media to`;
  if (range === 'loopback' && ipaddr.process(listenIp).range() !== 'loopback')
    return `${address} is a loopback address: only browsers on this very machine could reach it`;
  if (facts.inContainer && range !== 'unicast' && facts.ownAddresses.includes(address))
    return (
      `${address} is this container's own address on its Docker network, which browsers on other machines ` +
      `cannot reach: announce the host's public address instead (PARLEY_PUBLIC_IP in .env)`
    );
  return undefined;
}

export async function checkAnnouncedAddress(
  media: { listenIp: string; announcedAddress: string | undefined },
  facts: HostFacts = hostFacts(),
): Promise<void> {
  const { listenIp, announcedAddress } = media;
  if (announcedAddress === undefined) {
    if (ipaddr.process(listenIp).range() === 'unspecified')
      throw new AnnouncedAddressError(
        `PARLEY_RTC_LISTEN_IP is ${listenIp} (every interface), so browsers must be told where to send media: ` +
          `set ${variable} to the address they reach this server at (its public IP, or a name for it)`,
      );
    return; // browsers are told the listen address itself
  }
  let addresses: string[];
  if (ipaddr.isValid(announcedAddress)) addresses = [announcedAddress];
  else {
    try {
      addresses = await facts.resolve(announcedAddress);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new AnnouncedAddressError(`${variable} ${announcedAddress} does not resolve (${reason})`);
    }
  }
  const problems = addresses.map((address) => unusable(address, listenIp, facts));
  const usable = problems.filter((problem) => problem === undefined).length;
  if (addresses.length === 0 || usable === 0)
    throw new AnnouncedAddressError(
      `${variable} ${announcedAddress} cannot work: ${problems.join('; ') || 'no address'}`,
    );
}
