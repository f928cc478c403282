// TEST BUILDS ONLY: the removed-participant test's adversary for chat. A page
// that plays a hand-modified client (keepKeysAfterCall) copies every chat key
// the key agreement hands it and never wipes them; after the call, the test
// gives it envelopes the server relayed and counts what those keys open.
import type { ChatEnvelope } from '@parley/shared';
import { ChatOpener } from '@parley/shared/chat';
import type { ChatKeySink } from '../e2ee/CallKeys.js';

const hoard: { peerId: string; epoch: number; key: Uint8Array }[] = [];

/** `sink`, with every receive key also copied into the hoard. */
export function hoardingChatKeys(sink: ChatKeySink): ChatKeySink {
  return {
    setSendKey: (epoch, key) => sink.setSendKey(epoch, key),
    setReceiveKey: (peerId, epoch, key) => {
      hoard.push({ peerId, epoch, key: new Uint8Array(key) });
      sink.setReceiveKey(peerId, epoch, key);
    },
    forget: (peerId) => sink.forget(peerId), // the hoard ignores it, as the modified client would
  };
}

/** How many of `envelopes` (to everyone) any hoarded key opens, trying each sender's keys epoch by epoch. */
export async function openWithHoardedKeys(
  self: string,
  envelopes: { from: string; envelope: ChatEnvelope }[],
): Promise<{ opened: number; keys: number }> {
  let opened = 0;
  for (const { from, envelope } of envelopes) {
    for (const { epoch, key } of hoard.filter((k) => k.peerId === from)) {
      const opener = new ChatOpener(self, () => undefined, { keyWaitMs: 0 });
      opener.setKey(from, epoch, key);
      if ((await opener.open(from, envelope)).ok) opened++;
      opener.close();
    }
  }
  return { opened, keys: hoard.length };
}
