// The E2EE worker: every outgoing frame is encrypted and every incoming one
// decrypted here, off the main thread, with keys that never leave it except
// as derived, non-extractable WebCrypto keys.
//
// Protects: the content of audio, video and screen frames, from the SFU and
// anyone on the network. Assumes: the page gives it the right keys (the page
// runs the key exchange) and the browser runs this code unmodified.
// Fails closed: no key, an error, or a failed check means the frame is
// dropped; nothing is ever passed on in clear. Dropped audio becomes silence
// (the decoder conceals the gap), never noise; dropped video freezes.
import {
  PageToWorkerSchema,
  TransformOptionsSchema,
  type PageToWorker,
  type TransformOptions,
} from '@parley/shared/e2ee';
import { TestPageToWorkerSchema } from '@parley/shared/e2ee/testing';
import { FrameCryptor } from './FrameCryptor.js';
import { post } from './post.js';
import { TestFrameCryptor } from './testing/TestFrameCryptor.js';

// Test builds (vite --mode testing) get the test cryptor; the production
// build folds this to `new FrameCryptor()` and drops the test code entirely.
const testCryptor = __PARLEY_TEST_BUILD__ ? new TestFrameCryptor() : undefined;
const cryptor: FrameCryptor = testCryptor ?? new FrameCryptor();

type ScriptTransformEvent = Event & {
  transformer: { options: unknown; readable: ReadableStream; writable: WritableStream };
};

function attach(options: unknown, readable: ReadableStream, writable: WritableStream): void {
  const parsed = TransformOptionsSchema.safeParse(options);
  if (!parsed.success) {
    // Unknown options: pass nothing at all rather than guess.
    void readable.cancel();
    return;
  }
  cryptor.attach(parsed.data satisfies TransformOptions, readable, writable);
}

self.addEventListener('rtctransform', (event) => {
  const { transformer } = event as ScriptTransformEvent;
  attach(transformer.options, transformer.readable, transformer.writable);
});

self.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = PageToWorkerSchema.safeParse(event.data);
  if (parsed.success) return void handle(parsed.data);
  if (__PARLEY_TEST_BUILD__ && testCryptor) {
    const test = TestPageToWorkerSchema.safeParse(event.data);
    if (test.success) void testCryptor.handleTest(test.data, (reply) => self.postMessage(reply));
  }
  // Anything else: the page only sends what the schemas allow; ignored.
});

async function handle(message: PageToWorker): Promise<void> {
  switch (message.type) {
    case 'setSendKey':
      return cryptor.setSendKey(message.slot, message.epoch, message.key);
    case 'setReceiveKey':
      return cryptor.setReceiveKey(message.peerId, message.slot, message.epoch, message.key);
    case 'removePeer':
      return cryptor.removePeer(message.peerId);
    case 'attachStreams':
      return attach(message.options, message.readable, message.writable);
    case 'wipe':
      return cryptor.wipe();
    default:
      return assertUnreachable(message);
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unexpected message ${JSON.stringify(value)}`);
}

setInterval(() => post({ type: 'status', streams: cryptor.statuses() }), 1000);
