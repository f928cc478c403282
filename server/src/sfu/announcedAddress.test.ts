import { describe, expect, it } from 'vitest';
import { AnnouncedAddressError, checkAnnouncedAddress, type HostFacts } from './announcedAddress.js';

const host: HostFacts = {
  inContainer: false,
  ownAddresses: ['192.0.2.10'],
  resolve: (name) =>
    name === 'calls.example.org'
      ? Promise.resolve(['203.0.113.7'])
      : name === 'localhost.example.org'
        ? Promise.resolve(['127.0.0.1'])
        : Promise.reject(new Error('ENOTFOUND')),
};
const container: HostFacts = { ...host, inContainer: true, ownAddresses: ['172.30.213.20'] };

const check = (listenIp: string, announcedAddress: string | undefined, facts = host) =>
  checkAnnouncedAddress({ listenIp, announcedAddress }, facts);

describe('the announced media address, checked at start', () => {
  it('accepts what browsers elsewhere can reach: a public address, a name that resolves, a specific listen address', async () => {
    await expect(check('0.0.0.0', '203.0.113.7')).resolves.toBeUndefined();
    await expect(check('0.0.0.0', 'calls.example.org')).resolves.toBeUndefined();
    await expect(check('10.1.2.3', undefined)).resolves.toBeUndefined();
    await expect(check('127.0.0.1', undefined)).resolves.toBeUndefined(); // npm start: this machine only, as documented
    await expect(check('0.0.0.0', '203.0.113.7', container)).resolves.toBeUndefined();
    await expect(check('0.0.0.0', '192.168.1.20', host)).resolves.toBeUndefined(); // a LAN server
  });

  it('stops a server listening everywhere that would announce nothing', async () => {
    await expect(check('0.0.0.0', undefined)).rejects.toThrow(
      /PARLEY_RTC_LISTEN_IP is 0\.0\.0\.0.*PARLEY_RTC_ANNOUNCED_ADDRESS/,
    );
    await expect(check('::', undefined)).rejects.toThrow(AnnouncedAddressError);
  });

  it('stops on addresses no other machine can send to', async () => {
    await expect(check('0.0.0.0', '0.0.0.0')).rejects.toThrow(/unspecified/);
    await expect(check('0.0.0.0', '127.0.0.1')).rejects.toThrow(/loopback/);
    await expect(check('0.0.0.0', '::1')).rejects.toThrow(/loopback/);
    await expect(check('0.0.0.0', '169.254.1.1')).rejects.toThrow(/linkLocal/);
    await expect(check('0.0.0.0', '224.0.0.1')).rejects.toThrow(/multicast/);
    await expect(check('0.0.0.0', 'localhost.example.org')).rejects.toThrow(/loopback/);
  });

  it('stops on a name that does not resolve, saying so', async () => {
    await expect(check('0.0.0.0', 'calls.example.invalid')).rejects.toThrow(
      /PARLEY_RTC_ANNOUNCED_ADDRESS calls\.example\.invalid does not resolve \(ENOTFOUND\)/,
    );
  });

  it("stops a container that would announce its own address on Docker's network", async () => {
    await expect(check('0.0.0.0', '172.30.213.20', container)).rejects.toThrow(/this container's own address/);
    // The same private address is fine outside a container (a LAN server announcing itself).
    await expect(
      check('0.0.0.0', '172.30.213.20', { ...host, ownAddresses: ['172.30.213.20'] }),
    ).resolves.toBeUndefined();
  });
});
