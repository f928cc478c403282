// Which client a request (HTTP or a socket.io handshake) comes from, for
// throttling in memory: never stored, never logged.
// Protects: the per-address throttles, against a client that forges
// X-Forwarded-For to look like many clients (or like someone else).
// Assumes: PARLEY_TRUSTED_PROXIES lists exactly the reverse proxies in front
// of Parley, and each of them appends the address it saw to X-Forwarded-For
// (nginx: $proxy_add_x_forwarded_for; Caddy and HAProxy do by default).
// The header is believed only from such a proxy, and read from the right:
// the first address that is not itself a trusted proxy is the client.
// Entries further left were written by the client and prove nothing.
import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';
import proxyAddr from 'proxy-addr';

/** Whether an address (at a hop counted from the server) is a trusted proxy. */
export type ProxyTrust = (address: string, hop: number) => boolean;

/** Compiles PARLEY_TRUSTED_PROXIES' entries: IP addresses, CIDR ranges, or proxy-addr's names (loopback, …). */
export function trustProxies(entries: readonly string[]): ProxyTrust {
  return proxyAddr.compile([...entries]);
}

/** True when proxy-addr understands `entry` as a trusted-proxy address, range or name. */
export function isProxyEntry(entry: string): boolean {
  try {
    proxyAddr.compile(entry);
    return true;
  } catch {
    return false; // proxy-addr throws on anything it cannot parse; that is the answer
  }
}

/** True when the request reached us directly from a trusted proxy, whose forwarded headers then count. */
export function fromTrustedProxy(request: IncomingMessage, trust: ProxyTrust): boolean {
  const peer = request.socket.remoteAddress;
  return peer !== undefined && trust(peer, 0);
}

/** The client's IP address: the direct peer, or what trusted proxies say is behind them. */
export function clientAddress(request: IncomingMessage, trust: ProxyTrust): string {
  const address = proxyAddr(request, trust);
  // A trusted proxy that forwards something other than an address is misconfigured:
  // fall back to the proxy itself, so its clients share one (strict) throttle.
  return ipaddr.isValid(address) ? address : (request.socket.remoteAddress ?? 'unknown');
}

/**
 * The throttling key of an address: an IPv4 address as is, an IPv6 address by
 * its /64, because a single host or household usually holds a whole /64 and
 * could otherwise take a fresh address for every guess.
 */
export function addressKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address); // IPv4-mapped IPv6 (::ffff:a.b.c.d) becomes IPv4
  if (!(parsed instanceof ipaddr.IPv6)) return parsed.toString();
  const prefix = parsed.parts.slice(0, 4).map((part) => part.toString(16));
  return `${prefix.join(':')}::/64`;
}

/** The key to throttle the client of `request` by. */
export function clientKey(request: IncomingMessage, trust: ProxyTrust): string {
  return addressKey(clientAddress(request, trust));
}
