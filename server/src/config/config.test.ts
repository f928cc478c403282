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

  it('has no TURN server unless configured, and checks TURN URLs', () => {
    expect(loadConfig({}).media.iceServers).toEqual([]);
    expect(
      loadConfig({ PARLEY_TURN_URLS: 'turn:turn.example.org:3478, turns:turn.example.org:5349' }).media.iceServers,
    ).toEqual([
      {
        urls: ['turn:turn.example.org:3478', 'turns:turn.example.org:5349'],
        username: undefined,
        credential: undefined,
      },
    ]);
    expect(() => loadConfig({ PARLEY_TURN_URLS: 'stun:stun.example.org' })).toThrow(/PARLEY_TURN_URLS/);
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
