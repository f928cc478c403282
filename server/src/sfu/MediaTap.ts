// TEST ONLY. Records every RTP packet the SFU forwards, exactly as it
// forwards it, to a JSON-lines file (and every chat envelope relayed, to a
// second one): one DirectTransport per room consumes
// each producer. It exists so tests can show, on the server itself, that
// media is end-to-end encrypted. It is off unless PARLEY_TEST_MEDIA_TAP names
// a file, and the server warns loudly at start when it is on.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { types } from 'mediasoup';
import type { ChatEnvelope } from '@parley/shared';
import type { TappedChat, TappedPacket } from '@parley/shared/e2ee';
import { createLogger } from '../logging/index.js';

const log = createLogger('sfu.MediaTap');

export class MediaTap {
  readonly #out: WriteStream;
  /** Chat envelopes, as relayed, beside the media (`<file>.chat`). */
  readonly #chat: WriteStream;
  readonly #transports = new WeakMap<types.Router, Promise<types.DirectTransport>>();

  constructor(file: string) {
    this.#out = createWriteStream(file, { flags: 'a' });
    this.#chat = createWriteStream(`${file}.chat`, { flags: 'a' });
    log.warn('TEST MEDIA TAP ON: every forwarded RTP packet is written to disk. Never use this in production.');
  }

  readonly onProducer = (router: types.Router, producer: types.Producer<{ peerId: string }>): void => {
    this.#tap(router, producer).catch((error: unknown) => log.error({ err: error }, 'could not tap a producer'));
  };

  async #tap(router: types.Router, producer: types.Producer<{ peerId: string }>): Promise<void> {
    let transport = this.#transports.get(router);
    if (!transport) {
      transport = router.createDirectTransport();
      this.#transports.set(router, transport);
    }
    const consumer = await (
      await transport
    ).consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
    const peerId = producer.appData.peerId;
    const payloadType = consumer.rtpParameters.codecs[0]?.payloadType ?? -1;
    consumer.on('rtp', (packet) => {
      const record: TappedPacket = {
        at: Date.now(),
        producerId: producer.id,
        peerId,
        kind: producer.kind,
        payloadType,
        rtp: packet.toString('base64'),
      };
      this.#out.write(`${JSON.stringify(record)}\n`);
    });
  }

  readonly onChatRelayed = (from: string, envelope: ChatEnvelope): void => {
    const record: TappedChat = { at: Date.now(), from, envelope };
    this.#chat.write(`${JSON.stringify(record)}\n`);
  };

  close(): void {
    this.#chat.end();
    this.#out.end();
  }
}
