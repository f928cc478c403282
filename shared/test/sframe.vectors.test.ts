// Every RFC 9605 test vector in fixtures/sframe-rfc9605.json (copied from the
// shared vector set): header encoding, the CTR-HMAC AEAD, and whole SFrames.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  cipherSuite,
  decodeHeader,
  decryptFrame,
  deriveKeyMaterial,
  deriveSFrameKey,
  encodeHeader,
  encryptFrame,
  importAeadKey,
  labels,
  nonceFor,
  open,
  seal,
  type Bytes,
} from '../src/sframe/index.js';

type AeadVector = { cipher_suite: number; key: string; nonce: string; aad: string; pt: string; ct: string };
type SFrameVector = {
  cipher_suite: number;
  kid: number | string;
  ctr: number | string;
  base_key: string;
  sframe_key_label: string;
  sframe_salt_label: string;
  sframe_key: string;
  sframe_salt: string;
  metadata: string;
  nonce: string;
  aad: string;
  pt: string;
  ct: string;
};

// Parsed with big integers intact: some KIDs and CTRs exceed 2^53.
const raw = readFileSync(new URL('./fixtures/sframe-rfc9605.json', import.meta.url), 'utf8').replace(
  /("(?:kid|ctr)":\s*)(\d+)/g,
  '$1"$2"',
);
const vectors = JSON.parse(raw) as {
  header: { kid: string; ctr: string; encoded: string }[];
  aes_ctr_hmac: AeadVector[];
  aes_256_ctr_hmac: AeadVector[];
  sframe: SFrameVector[];
};

const hex = (value: string): Bytes => new Uint8Array(value.match(/../g)?.map((b) => parseInt(b, 16)) ?? []);
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('SFrame header vectors', () => {
  it(`encodes and decodes all ${vectors.header.length}`, () => {
    expect(vectors.header.length).toBeGreaterThan(200);
    for (const v of vectors.header) {
      const kid = BigInt(v.kid);
      const ctr = BigInt(v.ctr);
      expect(toHex(encodeHeader(kid, ctr)), `kid ${v.kid} ctr ${v.ctr}`).toBe(v.encoded);
      expect(decodeHeader(hex(v.encoded))).toEqual({ kid, ctr, length: v.encoded.length / 2 });
    }
  });

  it('refuses a header longer than the frame', () => {
    expect(() => decodeHeader(hex('af0100'))).toThrow(/shorter/);
    expect(() => decodeHeader(new Uint8Array(0))).toThrow(/empty/);
  });
});

describe.each([
  ['AES-CTR-HMAC', vectors.aes_ctr_hmac],
  ['AES-256-CTR-HMAC', vectors.aes_256_ctr_hmac],
])('%s AEAD vectors', (_name, list) => {
  it.each(list.map((v) => [v.cipher_suite, v] as const))('suite %i seals and opens', async (_suite, v) => {
    const key = await importAeadKey(cipherSuite(v.cipher_suite), hex(v.key));
    expect(toHex(await seal(key, hex(v.nonce), hex(v.aad), hex(v.pt)))).toBe(v.ct);
    expect(toHex((await open(key, hex(v.nonce), hex(v.aad), hex(v.ct))) ?? new Uint8Array())).toBe(v.pt);
    const tampered = hex(v.ct);
    tampered[0] = (tampered[0] ?? 0) ^ 1;
    expect(await open(key, hex(v.nonce), hex(v.aad), tampered)).toBeUndefined();
    expect(await open(key, hex(v.nonce), hex('00'), hex(v.ct))).toBeUndefined();
  });
});

describe('SFrame vectors', () => {
  it.each(vectors.sframe.map((v) => [v.cipher_suite, v] as const))(
    'suite %i: key schedule, nonce, encrypt, decrypt',
    async (_s, v) => {
      const suite = cipherSuite(v.cipher_suite);
      const kid = BigInt(v.kid);
      const ctr = BigInt(v.ctr);
      const label = labels(suite, kid);
      expect(toHex(label.key)).toBe(v.sframe_key_label);
      expect(toHex(label.salt)).toBe(v.sframe_salt_label);
      const material = await deriveKeyMaterial(suite, kid, hex(v.base_key));
      expect(toHex(material.key)).toBe(v.sframe_key);
      expect(toHex(material.salt)).toBe(v.sframe_salt);
      expect(toHex(nonceFor(material.salt, ctr))).toBe(v.nonce);

      const key = await deriveSFrameKey(suite, kid, hex(v.base_key));
      expect(toHex(await encryptFrame(key, ctr, hex(v.metadata), hex(v.pt)))).toBe(v.ct);
      const decrypted = await decryptFrame((k) => (k === kid ? key : undefined), hex(v.ct), hex(v.metadata));
      expect(decrypted).toMatchObject({ kid, ctr });
      expect(toHex(typeof decrypted === 'string' ? new Uint8Array() : decrypted.payload)).toBe(v.pt);
      // The metadata is authenticated: a different one fails.
      expect(await decryptFrame(() => key, hex(v.ct), hex('00'))).toBe('authentication_failed');
    },
  );
});
