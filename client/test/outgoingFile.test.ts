// A file leaves in order, each chunk accepted exactly once, whatever the
// server refuses on the way (busy, our allowance, the chunks behind a refused
// one): a stand-in relay that keeps the server's rule — chunks of a file in
// order — and refuses at random; a receiver opens what it accepted.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatLimits, type ChatEnvelope } from '@parley/shared';
import { ChatOpener, ChatSealer, IncomingFile } from '@parley/shared/chat';
import { OutgoingFile } from '../src/chat/OutgoingFile.js';

const sender = '11111111-1111-4111-8111-111111111111';
const receiver = '22222222-2222-4222-8222-222222222222';

class Refusal extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

describe('OutgoingFile', () => {
  it('delivers every chunk once, in order, through random refusals (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 6 * chatLimits.chunkBytes }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 64 }),
        async (size, refusals) => {
          const key = crypto.getRandomValues(new Uint8Array(32));
          const sealer = new ChatSealer(sender, () => undefined);
          sealer.setKey(0, key);
          const opener = new ChatOpener(receiver, () => undefined);
          opener.setKey(sender, 0, key);
          const bytes = new Uint8Array(size).map((_, i) => (i * 7 + size) & 0xff);
          const file = new File([bytes], 'f.bin');
          let expected = 0;
          let call = 0;
          const accepted: ChatEnvelope[] = [];
          const relay = async (envelope: ChatEnvelope) => {
            await Promise.resolve();
            const index = envelope.file?.index ?? -1;
            if (index !== expected) throw new Refusal('invalid_message');
            if (refusals[call++ % refusals.length] && call < 200) throw new Refusal('busy');
            expected++;
            accepted.push(envelope);
          };
          const id = 'AAAAAAAAAAAAAAAAAAAAAA';
          const transfer = new OutgoingFile(id, file, '*', sealer, relay, () => undefined);
          transfer.retryDelay = 0;
          await transfer.send();
          const check = new IncomingFile(sender, '*', {
            t: 'fileOffer',
            fileId: id,
            name: 'f.bin',
            type: '',
            size,
            chunks: transfer.chunks,
          });
          const received: Uint8Array[] = [];
          for (const envelope of accepted) {
            const opened = await opener.open(sender, envelope);
            if (!opened.ok || opened.kind !== 'chunk') throw new Error(`chunk refused: ${JSON.stringify(opened)}`);
            expect(check.accept(sender, '*', opened.file, opened.bytes.length).status).not.toBe('refused');
            received.push(opened.bytes);
          }
          expect(check.complete).toBe(true);
          const whole = new Uint8Array(received.reduce((n, part) => n + part.length, 0));
          received.reduce((at, part) => (whole.set(part, at), at + part.length), 0);
          expect(whole).toEqual(bytes);
        },
      ),
      { numRuns: 12 },
    );
  }, 60_000);

  it('keeps a full window of chunks on the wire, never more, until the last', async () => {
    const sealer = new ChatSealer(sender, () => undefined);
    sealer.setKey(0, crypto.getRandomValues(new Uint8Array(32)));
    const total = 40;
    // The server acknowledges the oldest chunk only once a full window waits (and all at the end).
    const waiting: (() => void)[] = [];
    let emitted = 0;
    let inFlight = 0;
    let most = 0;
    const transfer = new OutgoingFile(
      'AAAAAAAAAAAAAAAAAAAAAA',
      new File([new Uint8Array(total * chatLimits.chunkBytes)], 'big.bin'),
      '*',
      sealer,
      async () => {
        emitted++;
        most = Math.max(most, ++inFlight);
        const acknowledged = new Promise<void>((resolve) => waiting.push(resolve));
        if (emitted === total) for (const release of waiting.splice(0)) release();
        else if (waiting.length >= chatLimits.chunksInFlight) waiting.shift()?.();
        await acknowledged;
        inFlight--;
      },
      () => undefined,
    );
    // One chunk per round trip (each acknowledgement awaited before the next is sealed) never finishes here.
    await transfer.send();
    expect(most).toBe(chatLimits.chunksInFlight);
    expect(transfer.sent).toBe(total * chatLimits.chunkBytes);
  });

  it('stops at once when cancelled', async () => {
    const sealer = new ChatSealer(sender, () => undefined);
    sealer.setKey(0, crypto.getRandomValues(new Uint8Array(32)));
    let relayed = 0;
    const transfer = new OutgoingFile(
      'AAAAAAAAAAAAAAAAAAAAAA',
      new File([new Uint8Array(64 * chatLimits.chunkBytes)], 'big.bin'),
      '*',
      sealer,
      async () => {
        if (++relayed === 3) transfer.cancel();
      },
      () => undefined,
    );
    await expect(transfer.send()).rejects.toThrow('cancelled');
    expect(relayed).toBeLessThanOrEqual(chatLimits.chunksInFlight);
  });
});
