// Chat and file envelopes between real key agreement machines (CallSimulation:
// real libsodium, a relaying server, rotation on join and leave): what opens,
// for whom, and what a server that tampers, replays, re-orders, redirects or
// truncates gets refused.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CallSimulation } from '../../test/support/CallSimulation.js';
import { loadSodium, type Sodium } from '../e2ee/agreement/index.js';
import { chunkCount, type ChatEnvelope } from '../protocol/chatWire.js';
import { ChatOpener, type Opened } from './ChatOpener.js';
import { ChatSealer } from './ChatSealer.js';
import { IncomingFile } from './IncomingFile.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

const fast = { keyWaitMs: 30 };

/** A settled call of `names`, each with a sealer and an opener fed by its key agreement's actions. */
function chatCall(...names: string[]) {
  const call = new CallSimulation(sodium);
  for (const name of names) call.join(name);
  call.settle();
  const id = (name: string) => call.person(name).participant.peerId;
  const sealer = (name: string) => {
    const person = call.person(name);
    const sealer = new ChatSealer(id(name), (peer) => person.machine.pairSecret(peer));
    if (!person.sendKey) throw new Error(`${name} has no send key`);
    sealer.setKey(person.sendKey.epoch, person.sendKey.key);
    return sealer;
  };
  const opener = (name: string) => {
    const person = call.person(name);
    const opener = new ChatOpener(id(name), (peer) => person.machine.pairSecret(peer), fast);
    for (const [peer, keys] of person.received) for (const [epoch, key] of keys) opener.setKey(peer, epoch, key);
    return opener;
  };
  return { call, id, sealer, opener };
}

const text = (opened: Opened) =>
  opened.ok && opened.kind === 'message' && opened.content.t === 'text' ? opened.content.text : undefined;

describe('chat envelopes', () => {
  it('opens a message to everyone for everyone in the call, and a private one only for its recipient', async () => {
    const { call, id, sealer, opener } = chatCall('Hana', 'Fern', 'Ivo');
    const hana = sealer('Hana');
    const all = await hana.sealContent('*', { t: 'text', text: 'hello all' });
    const secret = await hana.sealContent(id('Fern'), { t: 'text', text: 'only Fern' });
    expect(text(await opener('Fern').open(id('Hana'), all))).toBe('hello all');
    expect(text(await opener('Ivo').open(id('Hana'), all))).toBe('hello all');
    expect(text(await opener('Fern').open(id('Hana'), secret))).toBe('only Fern');
    // A malicious server hands Ivo the private message, as it is or re-addressed to Ivo.
    expect(await opener('Ivo').open(id('Hana'), secret)).toMatchObject({ ok: false, reason: 'not-for-us' });
    expect(await opener('Ivo').open(id('Hana'), { ...secret, to: id('Ivo') })).toMatchObject({
      ok: false,
      reason: 'forged',
    });
    // ...or as a message to everyone.
    expect(await opener('Ivo').open(id('Hana'), { ...secret, to: '*' })).toMatchObject({ ok: false, reason: 'forged' });
    // Ivo holds Hana's base key and knows every id: posing as Fern without Fern's pair secret opens nothing.
    const ivo = call.person('Ivo');
    const posing = new ChatOpener(id('Fern'), (peer) => ivo.machine.pairSecret(peer), fast);
    for (const [peer, keys] of ivo.received) for (const [epoch, key] of keys) posing.setKey(peer, epoch, key);
    expect(await posing.open(id('Hana'), all)).toMatchObject({ ok: true });
    expect(await posing.open(id('Hana'), secret)).toMatchObject({ ok: false, reason: 'forged' });
    // The plaintext is nowhere in what the server relays.
    expect(JSON.stringify([all, secret])).not.toMatch(/hello|Fern/);
  });

  it('refuses any change to any field of an envelope (property)', async () => {
    const { id, sealer, opener } = chatCall('Hana', 'Fern');
    const hana = sealer('Hana');
    const sealed = [
      await hana.sealContent('*', { t: 'text', text: 'a message of some length' }),
      await hana.sealChunk('*', { id: 'AAAAAAAAAAAAAAAAAAAAAA', index: 3, last: false }, new Uint8Array(100).fill(7)),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...sealed),
        fc.constantFrom('ct', 'to', 'epoch', 'seq', 'kind', 'index', 'last', 'id', 'from'),
        fc.nat(),
        async (envelope, field, n) => {
          let from = id('Hana');
          const changed: ChatEnvelope = { ...envelope, file: envelope.file && { ...envelope.file } };
          const file = changed.file ?? { id: 'AAAAAAAAAAAAAAAAAAAAAA', index: 0, last: true };
          switch (field) {
            case 'ct': {
              const at = n % changed.ct.length;
              const swap = changed.ct[at] === 'A' ? 'B' : 'A';
              changed.ct = changed.ct.slice(0, at) + swap + changed.ct.slice(at + 1);
              break;
            }
            case 'to':
              changed.to = id('Fern');
              break;
            case 'epoch':
              changed.epoch += 1 + (n % 3);
              break;
            case 'seq':
              changed.seq += 1 + n;
              break;
            case 'kind':
              changed.kind = changed.kind === 'chunk' ? 'message' : 'chunk';
              changed.file = changed.file ? undefined : file;
              break;
            case 'index':
              changed.file = { ...file, index: file.index + 1 + (n % 5) };
              break;
            case 'last':
              changed.file = { ...file, last: !file.last };
              break;
            case 'id':
              changed.file = { ...file, id: 'BBBBBBBBBBBBBBBBBBBBBB' };
              break;
            case 'from':
              from = id('Fern');
              break;
          }
          const opened = await opener('Fern').open(from, changed);
          expect(opened.ok).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('accepts only envelopes newer than the last one from that sender: no replay, no re-order (property)', async () => {
    const { id, sealer, opener } = chatCall('Hana', 'Fern');
    const hana = sealer('Hana');
    const sealed: ChatEnvelope[] = [];
    for (let i = 0; i < 8; i++) sealed.push(await hana.sealContent('*', { t: 'text', text: `m${i}` }));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: 7 }), { minLength: 1, maxLength: 16 }), async (order) => {
        const fern = opener('Fern');
        let highest = -1;
        for (const i of order) {
          const opened = await fern.open(id('Hana'), sealed[i] as ChatEnvelope);
          // Exactly the deliveries that are newer than everything accepted before open.
          expect(opened.ok).toBe(i > highest);
          if (!opened.ok) expect(opened.reason).toBe('replayed');
          else expect(text(opened)).toBe(`m${i}`);
          highest = Math.max(highest, i);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('opens nothing sent after a participant was removed, with every key they ever held', async () => {
    const { call, id, opener } = chatCall('Hana', 'Fern', 'Mallory');
    const before = opener('Mallory'); // every key Mallory was given while in the call
    const hanaBefore = call.person('Hana').sendKey?.epoch;
    call.leave('Mallory');
    call.settle();
    const hana = new ChatSealer(id('Hana'), (peer) => call.person('Hana').machine.pairSecret(peer));
    const key = call.person('Hana').sendKey;
    if (!key) throw new Error('Hana sends under no key');
    expect(key.epoch).toBeGreaterThan(hanaBefore ?? Infinity);
    hana.setKey(key.epoch, key.key);
    const after = await hana.sealContent('*', { t: 'text', text: 'after removal' });
    expect(text(await opener('Fern').open(id('Hana'), after))).toBe('after removal');
    expect(await before.open(id('Hana'), after)).toMatchObject({ ok: false, reason: 'no-key' });
  });

  it('opens nothing sent before a newcomer joined', async () => {
    const { call, id, sealer, opener } = chatCall('Hana', 'Fern');
    const early = await sealer('Hana').sealContent('*', { t: 'text', text: 'before Ivo' });
    call.join('Ivo');
    call.settle();
    const ivo = opener('Ivo');
    expect(await ivo.open(id('Hana'), early)).toMatchObject({ ok: false });
    const late = await sealer('Hana').sealContent('*', { t: 'text', text: 'with Ivo' });
    expect(text(await ivo.open(id('Hana'), late))).toBe('with Ivo');
  });

  it('waits for a key whose box trails the message', async () => {
    const { call, id, sealer } = chatCall('Hana', 'Fern');
    const fern = new ChatOpener(id('Fern'), (peer) => call.person('Fern').machine.pairSecret(peer), {
      keyWaitMs: 2000,
    });
    const sent = await sealer('Hana').sealContent('*', { t: 'text', text: 'early bird' });
    const opening = fern.open(id('Hana'), sent);
    const key = call.person('Hana').sendKey;
    if (!key) throw new Error('no key');
    setTimeout(() => fern.setKey(id('Hana'), key.epoch, key.key), 20);
    expect(text(await opening)).toBe('early bird');
  });
});

describe('files', () => {
  const fileId = 'ZmlsZS1pZC0xMjM0NTY3OA';
  async function sendFile(sealer: ChatSealer, size: number) {
    const chunks = chunkCount(size);
    const offer = { t: 'fileOffer' as const, fileId, name: 'a.bin', type: 'application/octet-stream', size, chunks };
    const out = [await sealer.sealContent('*', offer)];
    for (let index = 0; index < chunks; index++) {
      const bytes = new Uint8Array(Math.min(32 * 1024, size - index * 32 * 1024)).fill(index);
      out.push(await sealer.sealChunk('*', { id: fileId, index, last: index === chunks - 1 }, bytes));
    }
    return out;
  }

  async function receive(opener: ChatOpener, from: string, envelopes: ChatEnvelope[]) {
    let file: IncomingFile | undefined;
    const verdicts: string[] = [];
    for (const envelope of envelopes) {
      const opened = await opener.open(from, envelope);
      if (!opened.ok) verdicts.push(opened.reason);
      else if (opened.kind === 'message' && opened.content.t === 'fileOffer')
        file = new IncomingFile(from, opened.to, opened.content);
      else if (opened.kind === 'chunk' && file) {
        const verdict = file.accept(opened.from, opened.to, opened.file, opened.bytes.length);
        verdicts.push(verdict.status === 'refused' ? verdict.reason : verdict.status);
      }
    }
    return { complete: file?.complete ?? false, verdicts };
  }

  it('receives a file whole, and refuses one the server cut short or spliced (property)', async () => {
    const { id, sealer, opener } = chatCall('Hana', 'Fern');
    const whole = await sendFile(sealer('Hana'), 5 * 32 * 1024 + 10);
    expect((await receive(opener('Fern'), id('Hana'), whole)).complete).toBe(true);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: whole.length - 1 }), async (drop) => {
        // Dropping any chunk (the last included) never yields a complete file.
        const cut = whole.filter((_, i) => i !== drop);
        expect((await receive(opener('Fern'), id('Hana'), cut)).complete).toBe(false);
        // Nor does truncating after it and marking the new end as last (the flag is authenticated).
        const truncated = whole.slice(0, drop);
        const last = truncated.at(-1);
        if (last?.file) truncated[truncated.length - 1] = { ...last, file: { ...last.file, last: true } };
        expect((await receive(opener('Fern'), id('Hana'), truncated)).complete).toBe(false);
      }),
      { numRuns: 12 },
    );
  });

  it('checks chunks against the offer: sender, order, last flag and size', () => {
    const offer = { t: 'fileOffer' as const, fileId, name: 'x', type: '', size: 40_000, chunks: 2 };
    const file = new IncomingFile('a', '*', offer);
    expect(file.accept('b', '*', { index: 0, last: false }, 32_768)).toMatchObject({ reason: 'wrong-sender' });
    expect(file.accept('a', '*', { index: 1, last: true }, 7_232)).toMatchObject({ reason: 'out-of-order' });
    expect(file.accept('a', '*', { index: 0, last: true }, 32_768)).toMatchObject({ reason: 'truncated' });
    expect(file.accept('a', '*', { index: 0, last: false }, 32_768)).toMatchObject({ status: 'more' });
    expect(file.accept('a', '*', { index: 1, last: true }, 7_000)).toMatchObject({ reason: 'truncated' });
    expect(file.accept('a', '*', { index: 1, last: true }, 7_232)).toMatchObject({ status: 'complete' });
    expect(file.accept('a', '*', { index: 2, last: true }, 1)).toMatchObject({ reason: 'finished' });
  });
});
