// The cryptography the key agreement needs, behind one small synchronous
// interface so the state machine stays free of I/O and can be driven by
// tests, benchmarks and the browser alike. libsodium does the public-key
// work; the private halves of the call key pair never leave this object.
//
// Protects: sender keys in transit (boxes the server relays but cannot open
// or forge) and the binding of a call key to a device identity, a room and a
// peer id (the announcement signature). Assumes: libsodium and the platform
// CSPRNG are sound; the identity key pair is this device's own.
import type { E2eeAnnouncement } from '../../protocol/index.js';
import type { Bytes } from '../../sframe/bytes.js';
import { announcementContext, KeyMessageSchema, type KeyMessage } from '../keyMessages.js';
import { randomBaseKey, ratchetKey } from '../ratchet.js';
import { b64, unb64, type Sodium } from './sodium.js';

const pairSecretLabel = new TextEncoder().encode('Parley 1 chat pair secret');

/** Someone's public keys for this call, once their announcement's signature checked out. */
export type PeerKeys = { identityKey: Uint8Array; callKey: Uint8Array };

export type DeviceIdentity = { publicKey: Uint8Array; privateKey: Uint8Array };

export interface AgreementCrypto {
  /** Our own keys, as everyone else sees them. */
  readonly ownKeys: PeerKeys;
  /** Our signed announcement for this call (what `announceE2ee` sends). */
  readonly announcement: E2eeAnnouncement;
  /** The keys an announcement carries, if its signature binds them to this room and peer; else undefined. */
  verify(peerId: string, announcement: E2eeAnnouncement): PeerKeys | undefined;
  /** A box only `to` can open, proving it came from us. */
  seal(to: PeerKeys, message: KeyMessage): string;
  /** The message in a box from `from`, or undefined if it is forged, damaged or not for us. */
  open(from: PeerKeys, box: string): KeyMessage | undefined;
  /**
   * A secret only we and `peer` can compute (both ends get the same 32 bytes):
   * BLAKE2b-256 keyed with "Parley 1 chat pair secret" over the pair's X25519
   * agreement. It goes into private chat keys, so a private message opens only
   * for its recipient although everyone holds the sender's base key. A copy:
   * the caller zeroes it.
   */
  pairSecret(peer: PeerKeys): Uint8Array;
  /** Zeroes what was computed for boxes with `peer` (they left, or their keys were replaced). */
  forget(peer: PeerKeys): void;
  randomKey(): Bytes;
  ratchet(key: Bytes): Bytes;
  /** A short, one-way name for a key, to tell two keys apart without keeping them. */
  fingerprint(key: Uint8Array): string;
  encodeKey(key: Uint8Array): string;
  decodeKey(text: string): Bytes;
  wipe(bytes: Uint8Array): void;
  /** Zeroes the call's private key; the object is useless afterwards. */
  close(): void;
}

export function sameKeys(a: PeerKeys, b: PeerKeys): boolean {
  return equalBytes(a.identityKey, b.identityKey) && equalBytes(a.callKey, b.callKey);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** A fresh X25519 call key pair for `peerId` in `roomId`, signed by this device's identity key. */
export function createAgreementCrypto(
  sodium: Sodium,
  options: { roomId: string; peerId: string; identity: DeviceIdentity },
): AgreementCrypto {
  const { roomId, peerId, identity } = options;
  const pair = sodium.crypto_box_keypair();
  const privateKey = pair.privateKey;
  const signature = sodium.crypto_sign_detached(
    announcementContext(roomId, peerId, pair.publicKey),
    identity.privateKey,
  );
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  // The X25519 agreement with each peer, computed once (crypto_box_beforenm):
  // a box then costs a secretbox (~2 µs) instead of a scalar multiplication
  // (~100 µs), which is what lets one member box a key for hundreds of others
  // in a few milliseconds. As secret as the private key; zeroed with it.
  const shared = new Map<PeerKeys, Uint8Array>();
  const sharedWith = (peer: PeerKeys) => {
    let key = shared.get(peer);
    if (!key) {
      key = sodium.crypto_box_beforenm(peer.callKey, privateKey);
      shared.set(peer, key);
    }
    return key;
  };
  const nonces = new NoncePool(sodium.crypto_box_NONCEBYTES);
  let closed = false;
  return {
    ownKeys: { identityKey: identity.publicKey, callKey: pair.publicKey },
    announcement: {
      identityKey: b64(sodium, identity.publicKey),
      callKey: b64(sodium, pair.publicKey),
      signature: b64(sodium, signature),
    },
    verify(peer, announcement) {
      try {
        const identityKey = unb64(sodium, announcement.identityKey);
        const callKey = unb64(sodium, announcement.callKey);
        const signed = announcementContext(roomId, peer, callKey);
        const valid = sodium.crypto_sign_verify_detached(unb64(sodium, announcement.signature), signed, identityKey);
        return valid ? { identityKey, callKey } : undefined;
      } catch {
        return undefined; // not decodable as keys: never trusted
      }
    },
    seal(to, message) {
      if (closed) throw new Error('the call keys are closed');
      const nonce = nonces.next();
      const plain = encoder.encode(JSON.stringify(message));
      const sealed = sodium.crypto_box_easy_afternm(plain, nonce, sharedWith(to));
      sodium.memzero(plain);
      const box = new Uint8Array(nonce.length + sealed.length);
      box.set(nonce);
      box.set(sealed, nonce.length);
      return b64(sodium, box);
    },
    open(from, box) {
      if (closed) return undefined;
      try {
        const bytes = unb64(sodium, box);
        const nonce = bytes.subarray(0, sodium.crypto_box_NONCEBYTES);
        const sealed = bytes.subarray(sodium.crypto_box_NONCEBYTES);
        const plain = sodium.crypto_box_open_easy_afternm(sealed, nonce, sharedWith(from));
        const parsed = KeyMessageSchema.safeParse(JSON.parse(decoder.decode(plain)));
        sodium.memzero(plain);
        return parsed.success ? parsed.data : undefined;
      } catch {
        return undefined; // forged, damaged or not for us
      }
    },
    pairSecret(peer) {
      if (closed) throw new Error('the call keys are closed');
      return sodium.crypto_generichash(32, sharedWith(peer), pairSecretLabel);
    },
    forget(peer) {
      const key = shared.get(peer);
      if (key) sodium.memzero(key);
      shared.delete(peer);
    },
    randomKey: randomBaseKey,
    ratchet: ratchetKey,
    fingerprint: (key) => sodium.to_hex(sodium.crypto_generichash(16, key, null)),
    encodeKey: (key) => b64(sodium, key),
    decodeKey: (text) => unb64(sodium, text) as Bytes,
    wipe: (bytes) => sodium.memzero(bytes),
    close() {
      closed = true;
      for (const key of shared.values()) sodium.memzero(key);
      shared.clear();
      sodium.memzero(privateKey);
    },
  };
}

/**
 * Random nonces from the platform CSPRNG, drawn a few kilobytes at a time:
 * libsodium.js's randombytes_buf asks it for 4 bytes per call, and a member
 * handing a new key to hundreds of others spent most of its time there.
 * Each nonce is used once; nonces are not secret.
 */
class NoncePool {
  #pool = new Uint8Array(0);
  #at = 0;

  constructor(private readonly size: number) {}

  next(): Uint8Array {
    if (this.#at + this.size > this.#pool.length) {
      this.#pool = crypto.getRandomValues(new Uint8Array(this.size * 128));
      this.#at = 0;
    }
    const nonce = this.#pool.slice(this.#at, this.#at + this.size);
    this.#at += this.size;
    return nonce;
  }
}
