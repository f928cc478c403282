// SFrame cipher suites. 0x0001–0x0005 are RFC 9605's (§4.5); 0x0006–0x0008
// are their AES-256 / SHA-512 counterparts from the IANA registry's test
// vectors. CTR-HMAC keys are enc_key ‖ auth_key; the tag is a truncated HMAC.
export type CipherSuite = {
  id: number;
  name: string;
  kind: 'ctr-hmac' | 'gcm';
  /** Nh: the hash for HKDF (and HMAC for CTR suites). */
  hash: 'SHA-256' | 'SHA-512';
  /** Nk: bytes of key, including the HMAC key for CTR suites. */
  keyLength: number;
  /** Bytes of the AES key within the key. */
  encKeyLength: number;
  /** Nn */
  nonceLength: number;
  /** Nt */
  tagLength: number;
};

const ctrHmac = (id: number, aesBits: 128 | 256, tagBits: number): CipherSuite => {
  const encKeyLength = aesBits / 8;
  const hash = aesBits === 128 ? 'SHA-256' : 'SHA-512';
  const authKeyLength = hash === 'SHA-256' ? 32 : 64;
  return {
    id,
    name: `AES_${aesBits}_CTR_HMAC_${hash.replace('-', '')}_${tagBits}`,
    kind: 'ctr-hmac',
    hash,
    keyLength: encKeyLength + authKeyLength,
    encKeyLength,
    nonceLength: 12,
    tagLength: tagBits / 8,
  };
};

const gcm = (id: number, aesBits: 128 | 256, hash: 'SHA-256' | 'SHA-512'): CipherSuite => ({
  id,
  name: `AES_${aesBits}_GCM_${hash.replace('-', '')}_128`,
  kind: 'gcm',
  hash,
  keyLength: aesBits / 8,
  encKeyLength: aesBits / 8,
  nonceLength: 12,
  tagLength: 16,
});

export const cipherSuites: ReadonlyMap<number, CipherSuite> = new Map(
  [
    ctrHmac(0x0001, 128, 80),
    ctrHmac(0x0002, 128, 64),
    ctrHmac(0x0003, 128, 32),
    gcm(0x0004, 128, 'SHA-256'),
    gcm(0x0005, 256, 'SHA-512'),
    ctrHmac(0x0006, 256, 80),
    ctrHmac(0x0007, 256, 64),
    ctrHmac(0x0008, 256, 32),
  ].map((suite) => [suite.id, suite]),
);

export function cipherSuite(id: number): CipherSuite {
  const suite = cipherSuites.get(id);
  if (!suite) throw new Error(`unknown SFrame cipher suite 0x${id.toString(16).padStart(4, '0')}`);
  return suite;
}
