// The boxes the key agreement relays: precomputed per-pair keys must give
// exactly libsodium's crypto_box (so any libsodium client can open them),
// every box a fresh nonce, and a forgotten or closed pair opens nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { createAgreementCrypto, type AgreementCrypto } from './AgreementCrypto.js';
import { b64, loadSodium, unb64, type Sodium } from './sodium.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

const party = (peerId: string) =>
  createAgreementCrypto(sodium, { roomId: 'room-simulated-0001', peerId, identity: sodium.crypto_sign_keypair() });
const message = { t: 'keyRequest', seq: 1 } as const;

describe('the boxes between two members', () => {
  let alice: AgreementCrypto;
  let bob: AgreementCrypto;
  beforeAll(() => {
    alice = party('00000000-0000-4000-8000-00000000000a');
    bob = party('00000000-0000-4000-8000-00000000000b');
  });

  it('are crypto_box boxes: a box made with the plain call opens like one made with a precomputed key', () => {
    const box = unb64(sodium, alice.seal(bob.ownKeys, message));
    const nonce = box.subarray(0, sodium.crypto_box_NONCEBYTES);
    expect(bob.open(alice.ownKeys, b64(sodium, box))).toEqual(message);
    // A box made with the plain call (no precomputed key) opens the same way.
    const stranger = sodium.crypto_box_keypair();
    const plain = new TextEncoder().encode(JSON.stringify(message));
    const sealed = sodium.crypto_box_easy(plain, nonce, bob.ownKeys.callKey, stranger.privateKey);
    const fromStranger = { identityKey: alice.ownKeys.identityKey, callKey: stranger.publicKey };
    const framed = new Uint8Array(nonce.length + sealed.length);
    framed.set(nonce);
    framed.set(sealed, nonce.length);
    expect(bob.open(fromStranger, b64(sodium, framed))).toEqual(message);
    expect(alice.open(fromStranger, b64(sodium, framed))).toBeUndefined(); // not for her
  });

  it('never use a nonce twice', () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 1000; i++)
      nonces.add(b64(sodium, unb64(sodium, alice.seal(bob.ownKeys, message)).subarray(0, 24)));
    expect(nonces.size).toBe(1000);
  });

  it('open nothing once the pair is forgotten and the keys closed', () => {
    const box = alice.seal(bob.ownKeys, message);
    bob.forget(alice.ownKeys);
    expect(bob.open(alice.ownKeys, box)).toEqual(message); // recomputed from the private key
    bob.close();
    expect(bob.open(alice.ownKeys, box)).toBeUndefined();
  });
});
