import { describe, expect, it } from 'vitest';
import { mintTurnCredentials, turnPassword } from './turnCredentials.js';

const relay = {
  urls: ['turn:203.0.113.7:3478?transport=udp', 'turns:calls.example.org:5349?transport=tcp'],
  secret: 'a-secret-shared-with-coturn-of-32+chars',
  lifetimeSeconds: 3600,
};

describe('TURN credentials (TURN REST API, coturn use-auth-secret)', () => {
  it('derives the password as base64(HMAC-SHA1(secret, username)), as coturn does', () => {
    // printf '%s' 1700003600:Zm9vYmFyYmF6 | openssl dgst -sha1 -hmac <secret> -binary | base64
    expect(turnPassword(relay.secret, '1700003600:Zm9vYmFyYmF6')).toBe('myx1hdVKwOnFo9Yhe0/MtmU7OLM=');
  });

  it('mints a username that expires after the lifetime, with a random tag and nothing about the person', () => {
    const minted = mintTurnCredentials(relay, 1_700_000_000_000);
    const [expiry, tag] = minted.username.split(':');
    expect(Number(expiry)).toBe(1_700_000_000 + 3600);
    expect(tag).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(minted.credential).toBe(turnPassword(relay.secret, minted.username));
    expect(minted.urls).toEqual(relay.urls);
  });

  it('gives every admission credentials of its own', () => {
    const usernames = new Set(Array.from({ length: 50 }, () => mintTurnCredentials(relay).username.split(':')[1]));
    expect(usernames.size).toBe(50);
  });
});
