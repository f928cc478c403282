// @ts-check
// Checks the operator's choices for .env before they are written: a typo
// here becomes a stack that starts and then fails in a browser, far from
// its cause.
import { isIPv4 } from 'node:net';

const hostname = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const email = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** @param {string} address */
function unusableForBrowsers(address) {
  const [a = 0, b = 0] = address.split('.').map(Number);
  return a === 0 || a === 127 || (a === 169 && b === 254) || a >= 224;
}

/**
 * @param {{ domain?: string, publicIp?: string, tls?: string, bindIp?: string, dockerNet?: string }} choices
 * @returns {string[]} what is wrong, one sentence each
 */
export function checkEnvChoices({ domain, publicIp, tls, bindIp, dockerNet }) {
  const problems = [];
  if (!domain || !hostname.test(domain) || !domain.includes('.'))
    problems.push('--domain must be the name people will type, like calls.example.org');
  if (!publicIp || !isIPv4(publicIp))
    problems.push('--public-ip must be the IPv4 address browsers reach this server at');
  else if (unusableForBrowsers(publicIp))
    problems.push(
      `--public-ip ${publicIp} is a loopback, link-local, multicast or unspecified address: browsers on other machines cannot reach it`,
    );
  if (tls !== 'internal' && !(tls && email.test(tls)))
    problems.push('--tls must be "internal" (Caddy\'s own CA, for a LAN name) or an e-mail address for Let\'s Encrypt');
  if (bindIp !== undefined && !isIPv4(bindIp)) problems.push('--bind-ip must be an IPv4 address (0.0.0.0: all)');
  if (dockerNet !== undefined && !/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(dockerNet))
    problems.push('--docker-net must be the first three numbers of a /24, like 172.30.213');
  return problems;
}
