// A synthetic sender: plays frames as RTP into a mediasoup PlainTransport at
// a real frame rate, VP8 packetised per RFC 7741 (one-byte descriptor), Opus
// one frame per packet. It can pause and resume: sequence numbers continue
// and timestamps follow the wall clock, as a real sender's would (a jump in
// either makes the SFU drop packets until the stream looks sane again).
import { createSocket, type Socket } from 'node:dgram';

export type Stream = {
  ssrc: number;
  payloadType: number;
  clockRate: number;
  fps: number;
  frames: Uint8Array[];
  vp8: boolean;
};

const maxPayload = 1100;

export class RtpSender {
  readonly #socket: Socket = createSocket('udp4');
  readonly #streams: { stream: Stream; seq: number; index: number; timer?: NodeJS.Timeout }[] = [];
  readonly #origin = performance.now();
  packetsSent = 0;
  bytesSent = 0;

  constructor(private readonly port: number) {}

  add(stream: Stream): void {
    this.#streams.push({ stream, seq: Math.floor(Math.random() * 60000), index: 0 });
  }

  resume(): void {
    for (const state of this.#streams) {
      if (state.timer) continue;
      state.timer = setInterval(() => this.#sendFrame(state), 1000 / state.stream.fps);
    }
  }

  pause(): void {
    for (const state of this.#streams) {
      clearInterval(state.timer);
      state.timer = undefined;
    }
  }

  close(): void {
    this.pause();
    this.#socket.close();
  }

  #sendFrame(state: { stream: Stream; seq: number; index: number }): void {
    const { stream } = state;
    const frame = stream.frames[state.index++ % stream.frames.length] ?? new Uint8Array(0);
    const timestamp = Math.floor(((performance.now() - this.#origin) * stream.clockRate) / 1000) >>> 0;
    const chunks: Uint8Array[] = [];
    for (let offset = 0; offset < frame.length; offset += maxPayload)
      chunks.push(frame.subarray(offset, offset + maxPayload));
    chunks.forEach((chunk, i) => {
      const descriptor = stream.vp8 ? 1 : 0;
      const packet = Buffer.alloc(12 + descriptor + chunk.length);
      packet[0] = 0x80;
      packet[1] = (i === chunks.length - 1 ? 0x80 : 0) | stream.payloadType;
      packet.writeUInt16BE(state.seq, 2);
      state.seq = (state.seq + 1) & 0xffff;
      packet.writeUInt32BE(timestamp, 4);
      packet.writeUInt32BE(stream.ssrc, 8);
      if (stream.vp8) packet[12] = i === 0 ? 0x10 : 0x00; // S bit on the first packet, partition 0
      packet.set(chunk, 12 + descriptor);
      this.#socket.send(packet, this.port, '127.0.0.1');
      this.packetsSent++;
      this.bytesSent += packet.length;
    });
  }
}
