import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to loopback, port 3000 and no announced address', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3000, trustedProxies: [], https: false });
    expect(config.media.listenIp).toBe('127.0.0.1');
    expect(config.media.announcedAddress).toBeUndefined();
    expect(config.media.workers).toBeGreaterThanOrEqual(1);
  });

  it('reads and coerces PARLEY_* variables', () => {
    const config = loadConfig({
      PARLEY_PORT: '8443',
      PARLEY_MEDIA_WORKERS: '3',
      PARLEY_RTC_ANNOUNCED_ADDRESS: 'calls.example.org',
    });
    expect(config.http.port).toBe(8443);
    expect(config.media.workers).toBe(3);
    expect(config.media.announcedAddress).toBe('calls.example.org');
  });

  it('rejects every invalid variable at once, naming each', () => {
    const attempt = () =>
      loadConfig({ PARLEY_PORT: 'eighty', PARLEY_RTC_LISTEN_IP: 'not-an-ip', PARLEY_LOG_LEVEL: 'loud' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PARLEY_PORT[\s\S]*PARLEY_LOG_LEVEL[\s\S]*PARLEY_RTC_LISTEN_IP|PARLEY_PORT/);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      for (const name of ['PARLEY_PORT', 'PARLEY_RTC_LISTEN_IP', 'PARLEY_LOG_LEVEL']) expect(message).toContain(name);
    }
  });

  it('serves metrics only when asked, on loopback unless told otherwise', () => {
    expect(loadConfig({}).metrics).toBeUndefined();
    expect(loadConfig({ PARLEY_METRICS_PORT: '9464' }).metrics).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(() => loadConfig({ PARLEY_METRICS_PORT: 'nine' })).toThrow(/PARLEY_METRICS_PORT/);
  });

  it('has no TURN relay unless configured, and checks TURN URLs', () => {
    expect(loadConfig({}).media.turn).toBeUndefined();
    const secret = 'x'.repeat(43);
    expect(
      loadConfig({
        PARLEY_TURN_URLS: 'turn:203.0.113.7:3478, turns:turn.example.org:5349',
        PARLEY_TURN_SECRET: secret,
      }).media.turn,
    ).toEqual({
      urls: ['turn:203.0.113.7:3478', 'turns:turn.example.org:5349'],
      secret,
      lifetimeSeconds: 12 * 3600,
    });
    expect(() => loadConfig({ PARLEY_TURN_URLS: 'stun:stun.example.org', PARLEY_TURN_SECRET: secret })).toThrow(
      /PARLEY_TURN_URLS/,
    );
  });

  it('mints TURN credentials from a shared secret only: static credentials are refused, naming what replaced them', () => {
    const urls = { PARLEY_TURN_URLS: 'turn:203.0.113.7:3478' };
    expect(() => loadConfig(urls)).toThrow(/PARLEY_TURN_URLS and PARLEY_TURN_SECRET go together/);
    expect(() => loadConfig({ PARLEY_TURN_SECRET: 'x'.repeat(32) })).toThrow(/PARLEY_TURN_SECRET/);
    expect(() => loadConfig({ ...urls, PARLEY_TURN_SECRET: 'short' })).toThrow(/at least 32 characters/);
    expect(() => loadConfig({ ...urls, PARLEY_TURN_USERNAME: 'parley', PARLEY_TURN_CREDENTIAL: 'hunter2' })).toThrow(
      /PARLEY_TURN_USERNAME: replaced by PARLEY_TURN_SECRET/,
    );
    const hours = { ...urls, PARLEY_TURN_SECRET: 'x'.repeat(32), PARLEY_TURN_CREDENTIAL_HOURS: '2' };
    expect(loadConfig(hours).media.turn?.lifetimeSeconds).toBe(7200);
    expect(() => loadConfig({ ...hours, PARLEY_TURN_CREDENTIAL_HOURS: '0' })).toThrow(/PARLEY_TURN_CREDENTIAL_HOURS/);
  });

  it('treats an empty value as unset, as compose files and .env files write them', () => {
    const config = loadConfig({ PARLEY_MIN_CLIENT_VERSION: '', PARLEY_TURN_URLS: '', PARLEY_PORT: '' });
    expect(config.http.port).toBe(3000);
    expect(config.media.turn).toBeUndefined();
  });

  it('rejects an inverted RTC port range', () => {
    expect(() => loadConfig({ PARLEY_RTC_MIN_PORT: '5000', PARLEY_RTC_MAX_PORT: '4000' })).toThrow(/MIN_PORT/);
  });

  it('trusts no proxy unless told, and reads addresses and ranges', () => {
    expect(loadConfig({}).http.trustedProxies).toEqual([]);
    expect(loadConfig({ PARLEY_TRUSTED_PROXIES: ' 10.0.0.1, 192.168.0.0/16,fd00::/8 ' }).http.trustedProxies).toEqual([
      '10.0.0.1',
      '192.168.0.0/16',
      'fd00::/8',
    ]);
    expect(() => loadConfig({ PARLEY_TRUSTED_PROXIES: '10.0.0.300' })).toThrow(/PARLEY_TRUSTED_PROXIES/);
  });

  it('serves plain HTTP unless PARLEY_HTTPS=true, and names the old PARLEY_SECURE_COOKIES it replaces', () => {
    expect(loadConfig({}).http.https).toBe(false);
    expect(loadConfig({ PARLEY_HTTPS: 'true' }).http.https).toBe(true);
    expect(() => loadConfig({ PARLEY_HTTPS: 'yes' })).toThrow(/PARLEY_HTTPS/);
    expect(() => loadConfig({ PARLEY_SECURE_COOKIES: 'true' })).toThrow(/PARLEY_SECURE_COOKIES.*PARLEY_HTTPS/);
  });
});
