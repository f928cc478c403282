// Which client a request comes from, for throttling: the direct peer, unless
// that peer is a configured reverse proxy, whose X-Forwarded-For is then
// read from the right; IPv6 clients are grouped by /64 (one household or
// host usually holds a whole /64, so single addresses cost an attacker nothing).
import { afterEach, describe, expect, it } from 'vitest';
import { addressKey } from '../src/http/index.js';
import type { ParleyServer } from '../src/ParleyServer.js';
import { tally } from './support/replies.js';
import { startTestServer } from './support/startTestServer.js';
import { startLogin } from './support/users.js';

/** The address policy's allowance: 20 free failures, the 21st starts the back-off. */
const addressAllowance = 21;

describe('client addresses behind a reverse proxy', () => {
  let server: ParleyServer | undefined;
  afterEach(() => server?.close());
  const start = async (env: Record<string, string> = {}) => {
    const started = await startTestServer(env);
    server = started.server;
    return started.baseUrl;
  };
  /** A wrong guess at an account of its own, so only the address throttle can refuse it. */
  let n = 0;
  const guess = (baseUrl: string, forwardedFor: string) =>
    startLogin(baseUrl, `nobody${++n}`, 'a guess at it', { 'X-Forwarded-For': forwardedFor });
  /** Uses up an address's allowance, one guess at a time, each with its own X-Forwarded-For. */
  const exhaust = async (baseUrl: string, forwardedFor: (i: number) => string) => {
    const replies = [];
    for (let i = 0; i < addressAllowance; i++) replies.push(await guess(baseUrl, forwardedFor(i)));
    return (await tally(replies)).counts;
  };
  const next = async (baseUrl: string, forwardedFor: string) => (await tally([guess(baseUrl, forwardedFor)])).counts;

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const baseUrl = await start({ PARLEY_TRUSTED_PROXIES: '' });
    expect(await exhaust(baseUrl, (i) => `203.0.113.${i}`)).toEqual({ invalid_credentials: addressAllowance });
    expect(await next(baseUrl, '198.51.100.1')).toEqual({ throttled: 1 });
  });

  it('uses the right-most address that is not a trusted proxy, whatever a client puts in front', async () => {
    const baseUrl = await start({ PARLEY_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8' });
    // The client forges a different first entry each time; the proxies append what they saw.
    const forwarded = (forged: string) => `${forged}, 203.0.113.7, 10.1.2.3`;
    expect(await exhaust(baseUrl, (i) => forwarded(`192.0.2.${i}`))).toEqual({
      invalid_credentials: addressAllowance,
    });
    expect(await next(baseUrl, forwarded('192.0.2.200'))).toEqual({ throttled: 1 });
    expect(await next(baseUrl, '203.0.113.8, 10.1.2.3')).toEqual({ invalid_credentials: 1 });
  });

  it('throttles IPv6 clients by /64', async () => {
    const baseUrl = await start({ PARLEY_TRUSTED_PROXIES: '127.0.0.1' });
    expect(await exhaust(baseUrl, (i) => `2001:db8:1:2:${i.toString(16)}::1`)).toEqual({
      invalid_credentials: addressAllowance,
    });
    expect(await next(baseUrl, '2001:db8:1:2:ffff:ffff:ffff:fffe')).toEqual({ throttled: 1 });
    expect(await next(baseUrl, '2001:db8:1:3::1')).toEqual({ invalid_credentials: 1 });
  });

  it('refuses a trusted-proxy list with something that is not an address or range', async () => {
    await expect(start({ PARLEY_TRUSTED_PROXIES: '127.0.0.1, proxy.example.org' })).rejects.toThrow(
      /PARLEY_TRUSTED_PROXIES/,
    );
  });

  it('keys IPv4 as is (also when mapped into IPv6) and IPv6 by its /64', () => {
    expect(addressKey('203.0.113.5')).toBe('203.0.113.5');
    expect(addressKey('::ffff:203.0.113.5')).toBe('203.0.113.5');
    expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe(addressKey('2001:db8:0:0:ffff::2'));
    expect(addressKey('2001:db8:0:1::1')).not.toBe(addressKey('2001:db8::1'));
  });
});
