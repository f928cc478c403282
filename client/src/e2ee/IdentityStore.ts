// This device's long-term identity key, and what it remembers about other
// people's keys (trust on first use), in IndexedDB. The private key never
// leaves this browser profile. Protects against: a server that swaps in its
// own keys for someone you have met before (you get a warning) or for anyone
// you verify (the security code changes). Assumes: the browser profile is not
// compromised; clearing site data forgets keys and verifications alike.
import { createStore, get, set, type UseStore } from 'idb-keyval';
import { b64, type Sodium } from './sodium.js';

export type DeviceIdentity = { publicKey: Uint8Array; privateKey: Uint8Array };

/** new: first time we see this person; known: a key we saw before; changed: a key we have not seen for them. */
export type KeyTrust = 'new' | 'known' | 'changed';

type Remembered = { keys: string[]; verified: string[] };

export class IdentityStore {
  readonly #store: UseStore = createStore('parley-e2ee', 'keys');

  constructor(private readonly sodium: Sodium) {}

  /** This device's Ed25519 key pair, made the first time it is needed. */
  async device(): Promise<DeviceIdentity> {
    const stored = await get<DeviceIdentity>('device-identity', this.#store);
    if (stored) return stored;
    const pair = this.sodium.crypto_sign_keypair();
    const identity = { publicKey: pair.publicKey, privateKey: pair.privateKey };
    await set('device-identity', identity, this.#store);
    return identity;
  }

  /** Records that this account used this key, and says whether that is news. */
  async observe(accountId: string, identityKey: Uint8Array): Promise<KeyTrust> {
    const key = b64(this.sodium, identityKey);
    const remembered = await this.#remembered(accountId);
    if (remembered.keys.includes(key)) return 'known';
    const trust: KeyTrust = remembered.keys.length === 0 ? 'new' : 'changed';
    await set(`account:${accountId}`, { ...remembered, keys: [...remembered.keys, key] }, this.#store);
    return trust;
  }

  async isVerified(accountId: string, identityKey: Uint8Array): Promise<boolean> {
    return (await this.#remembered(accountId)).verified.includes(b64(this.sodium, identityKey));
  }

  /** After comparing the emoji with them: this key really is theirs. */
  async markVerified(accountId: string, identityKey: Uint8Array): Promise<void> {
    const key = b64(this.sodium, identityKey);
    const remembered = await this.#remembered(accountId);
    if (remembered.verified.includes(key)) return;
    await set(`account:${accountId}`, { ...remembered, verified: [...remembered.verified, key] }, this.#store);
  }

  async #remembered(accountId: string): Promise<Remembered> {
    return (await get<Remembered>(`account:${accountId}`, this.#store)) ?? { keys: [], verified: [] };
  }
}
