// The server key seals TOTP secrets at rest (libsodium secretbox: XSalsa20-
// Poly1305), and derives the secrets of meeting links (so the database holds
// only their hashes). It protects them against someone who gets a copy of the
// database but not of the key file. The file is created on first start with mode 0600;
// when it exists but cannot be read, the server refuses to start rather than
// run without it (or, worse, make a new one and lock every user out).
import { closeSync, constants, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import sodium from 'libsodium-wrappers';

export class ServerKeyError extends Error {
  override name = 'ServerKeyError';
}

export type ServerKey = {
  seal(plaintext: string): string;
  open(sealed: string): string;
  /** A 32-byte key for one purpose (`context`: 8 characters), derived with libsodium's KDF. */
  subkey(id: number, context: string): Uint8Array;
};

const fileName = 'server.key';

export async function loadServerKey(dataDir: string): Promise<ServerKey> {
  await sodium.ready;
  const path = join(dataDir, fileName);
  const key = readOrCreate(path, sodium.crypto_secretbox_KEYBYTES);
  return {
    seal(plaintext) {
      const nonce = sodium.randombytes_buf(sodium.crypto_secretbox_NONCEBYTES);
      const message = sodium.from_string(plaintext);
      const box = sodium.crypto_secretbox_easy(message, nonce, key);
      sodium.memzero(message);
      const sealed = new Uint8Array(nonce.length + box.length);
      sealed.set(nonce);
      sealed.set(box, nonce.length);
      return sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL);
    },
    open(sealedText) {
      const sealed = sodium.from_base64(sealedText, sodium.base64_variants.ORIGINAL);
      const nonce = sealed.subarray(0, sodium.crypto_secretbox_NONCEBYTES);
      const box = sealed.subarray(sodium.crypto_secretbox_NONCEBYTES);
      const message = sodium.crypto_secretbox_open_easy(box, nonce, key);
      const plaintext = sodium.to_string(message);
      sodium.memzero(message);
      return plaintext;
    },
    subkey(id, context) {
      return sodium.crypto_kdf_derive_from_key(32, id, context, key);
    },
  };
}

function readOrCreate(path: string, length: number): Uint8Array {
  let fd: number;
  try {
    // O_EXCL: two servers starting at once cannot both create a key.
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new ServerKeyError(`cannot create the server key ${path}: ${(error as Error).message}`);
    }
    return readExisting(path, length);
  }
  const key = sodium.randombytes_buf(length);
  try {
    writeSync(fd, key);
  } finally {
    closeSync(fd);
  }
  return key;
}

function readExisting(path: string, length: number): Uint8Array {
  let key: Buffer;
  try {
    key = readFileSync(path);
  } catch (error) {
    throw new ServerKeyError(`the server key ${path} exists but cannot be read: ${(error as Error).message}`);
  }
  if (key.length !== length)
    throw new ServerKeyError(`the server key ${path} is damaged (${key.length} bytes, expected ${length})`);
  return new Uint8Array(key);
}
