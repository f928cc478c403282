// Reads what the server's test media tap recorded (every RTP packet the SFU
// forwarded) and puts the packets back together into encoded frames: Opus is
// one frame per packet; VP8 frames span packets (RFC 7741 payload descriptor).
import { readFileSync, existsSync } from 'node:fs';
import { TappedChatSchema, TappedPacketSchema, type TappedChat } from '@parley/shared/e2ee';

export type TappedFrame = {
  producerId: string;
  peerId: string;
  kind: 'audio' | 'video';
  at: number;
  /** The RTP sequence number of the frame's first packet and its RTP timestamp: where it was in the stream. */
  sequence: number;
  timestamp: number;
  data: Uint8Array<ArrayBuffer>;
};

type Rtp = { payloadType: number; marker: boolean; sequence: number; timestamp: number; payload: Uint8Array };

function parseRtp(packet: Uint8Array): Rtp | undefined {
  const first = packet[0] ?? 0;
  const second = packet[1] ?? 0;
  if (packet.length < 12 || first >> 6 !== 2) return undefined;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  let offset = 12 + 4 * (first & 0x0f);
  if (first & 0x10) offset += 4 + 4 * view.getUint16(offset + 2);
  let end = packet.length;
  if (first & 0x20) end -= packet[end - 1] ?? 0;
  if (offset > end) return undefined;
  return {
    payloadType: second & 0x7f,
    marker: (second & 0x80) !== 0,
    sequence: view.getUint16(2),
    timestamp: view.getUint32(4),
    payload: packet.subarray(offset, end),
  };
}

/** Skips the VP8 payload descriptor; says whether this packet starts a frame. */
function vp8Payload(payload: Uint8Array): { start: boolean; data: Uint8Array } {
  let offset = 1;
  const first = payload[0] ?? 0;
  if (first & 0x80) {
    const ext = payload[offset++] ?? 0;
    if (ext & 0x80) offset += (payload[offset] ?? 0) & 0x80 ? 2 : 1;
    if (ext & 0x40) offset += 1;
    if (ext & 0x30) offset += 1;
  }
  return { start: (first & 0x10) !== 0 && (first & 0x07) === 0, data: payload.subarray(offset) };
}

export function readTap(file: string): TappedFrame[] {
  if (!existsSync(file)) return [];
  const frames: TappedFrame[] = [];
  const building = new Map<string, { timestamp: number; sequence: number; parts: Uint8Array[]; at: number }>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const record = TappedPacketSchema.parse(JSON.parse(line));
    const rtp = parseRtp(new Uint8Array(Buffer.from(record.rtp, 'base64')));
    if (!rtp || rtp.payloadType !== record.payloadType || rtp.payload.length === 0) continue; // RTX, padding
    const base = { producerId: record.producerId, peerId: record.peerId, kind: record.kind, at: record.at };
    if (record.kind === 'audio') {
      frames.push({ ...base, sequence: rtp.sequence, timestamp: rtp.timestamp, data: rtp.payload.slice() });
      continue;
    }
    const { start, data } = vp8Payload(rtp.payload);
    let frame = building.get(record.producerId);
    if (start || !frame || frame.timestamp !== rtp.timestamp) {
      frame = { timestamp: rtp.timestamp, sequence: rtp.sequence, parts: [], at: record.at };
      building.set(record.producerId, frame);
      if (!start) continue; // joined mid-frame: skip to the next start
    }
    frame.parts.push(data.slice());
    if (rtp.marker) {
      const { at, sequence, timestamp } = frame;
      frames.push({ ...base, at, sequence, timestamp, data: new Uint8Array(Buffer.concat(frame.parts)) });
      building.delete(record.producerId);
    }
  }
  return frames;
}

/** Every chat envelope the server relayed, as it relayed it (the tap's `.chat` file). */
export function readChatTap(file: string): TappedChat[] {
  const chat = `${file}.chat`;
  if (!existsSync(chat)) return [];
  return readFileSync(chat, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => TappedChatSchema.parse(JSON.parse(line)));
}
