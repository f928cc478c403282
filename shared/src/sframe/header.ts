// The SFrame header (RFC 9605 §4.3): one config byte, then the key id (KID)
// and counter (CTR) in as few bytes as they need.
//
//   0 1 2 3 4 5 6 7
//  +-+-+-+-+-+-+-+-+
//  |X|  K  |Y|  C  |   X=0: K is the KID (< 8); X=1: KID follows in K+1 bytes
//  +-+-+-+-+-+-+-+-+   Y=0: C is the CTR (< 8); Y=1: CTR follows in C+1 bytes
//
// Values are up to 64 bits, so they are bigints here.
import type { Bytes } from './bytes.js';
export class SFrameHeaderError extends Error {
  override name = 'SFrameHeaderError';
}

export type SFrameHeader = { kid: bigint; ctr: bigint; /** bytes the header occupies */ length: number };

const maxValue = (1n << 64n) - 1n;

function byteLength(value: bigint): number {
  let length = 1;
  while (value >> BigInt(8 * length) > 0n) length++;
  return length;
}

function writeBigEndian(target: Bytes, offset: number, value: bigint, length: number): void {
  for (let i = length - 1; i >= 0; i--) {
    target[offset + i] = Number(value & 0xffn);
    value >>= 8n;
  }
}

function readBigEndian(source: Bytes, offset: number, length: number): bigint {
  let value = 0n;
  for (let i = 0; i < length; i++) value = (value << 8n) | BigInt(source[offset + i] ?? 0);
  return value;
}

export function encodeHeader(kid: bigint, ctr: bigint): Bytes {
  if (kid < 0n || kid > maxValue || ctr < 0n || ctr > maxValue)
    throw new SFrameHeaderError('KID and CTR are 64-bit unsigned');
  const kidLength = kid < 8n ? 0 : byteLength(kid);
  const ctrLength = ctr < 8n ? 0 : byteLength(ctr);
  const header = new Uint8Array(1 + kidLength + ctrLength);
  const k = kidLength === 0 ? Number(kid) << 4 : 0x80 | ((kidLength - 1) << 4);
  const c = ctrLength === 0 ? Number(ctr) : 0x08 | (ctrLength - 1);
  header[0] = k | c;
  if (kidLength) writeBigEndian(header, 1, kid, kidLength);
  if (ctrLength) writeBigEndian(header, 1 + kidLength, ctr, ctrLength);
  return header;
}

export function decodeHeader(frame: Bytes): SFrameHeader {
  const config = frame[0];
  if (config === undefined) throw new SFrameHeaderError('empty frame');
  const kidExtended = (config & 0x80) !== 0;
  const kidField = (config >> 4) & 0x07;
  const ctrExtended = (config & 0x08) !== 0;
  const ctrField = config & 0x07;
  const kidLength = kidExtended ? kidField + 1 : 0;
  const ctrLength = ctrExtended ? ctrField + 1 : 0;
  const length = 1 + kidLength + ctrLength;
  if (frame.length < length) throw new SFrameHeaderError('frame shorter than its header');
  const kid = kidExtended ? readBigEndian(frame, 1, kidLength) : BigInt(kidField);
  const ctr = ctrExtended ? readBigEndian(frame, 1 + kidLength, ctrLength) : BigInt(ctrField);
  return { kid, ctr, length };
}
