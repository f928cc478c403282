// What a hostile or broken client sends over its socket, as fast-check
// arbitraries: every request of the protocol with nearly right payloads
// (ids of other users' rooms, peers, transports and producers, taken from a
// pool the run fills as it goes), payloads with one thing wrong (a missing
// field, a wrong type, a number out of range, extra and prototype keys),
// arbitrary values, unknown event names, requests without an
// acknowledgement, extra arguments, and oversized messages.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { clientRequests, type ClientRequestName } from '@parley/shared';

/** Ids the fuzzer has seen (its own and other people's), so requests name real objects. */
export class IdPool {
  readonly rooms: string[] = [];
  readonly peers: string[] = [];
  readonly transports: string[] = [];
  readonly producers: string[] = [];
  readonly consumers: string[] = [];
  readonly resumeTokens: string[] = [];
  rtpCapabilities: unknown = { codecs: [], headerExtensions: [] };

  add(list: string[], value: unknown): void {
    if (typeof value !== 'string' || list.includes(value)) return;
    list.push(value);
    if (list.length > 200) list.shift(); // bounded: the run's memory must not grow either
  }

  pick(list: readonly string[], choice: number): string {
    return list.length === 0 ? randomUUID() : (list[choice % list.length] ?? randomUUID());
  }
}

export type FuzzMessage = {
  /** Which of the run's sockets sends it. */
  socket: number;
  event: string;
  /** The arguments after the event name (usually one payload). */
  args: unknown[];
  /** Whether it asks for a reply (socket.io acknowledgement). */
  ack: boolean;
};

const requestNames = Object.keys(clientRequests) as ClientRequestName[];

const base64url = (length: number) =>
  fc.string({
    unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
    minLength: length,
    maxLength: length,
  });

const opusParameters = (ssrc: number) => ({
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
  encodings: [{ ssrc }],
});

const vp8Parameters = (ssrc: number) => ({
  codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }],
  encodings: [{ ssrc, rid: undefined }],
});

/** A payload of the right shape for `name`, naming objects from `pool` (often someone else's). */
function wellFormed(name: ClientRequestName, pool: IdPool): fc.Arbitrary<unknown> {
  const pick = (list: readonly string[]) => fc.nat().map((n) => pool.pick(list, n));
  const peer = fc.record({ peerId: pick(pool.peers) });
  switch (name) {
    case 'createRoom':
      return fc.record(
        { profile: fc.constantFrom('standard', 'sensitive'), maxParticipants: fc.integer({ min: 2, max: 50 }) },
        { requiredKeys: [] },
      );
    case 'endCall':
      return fc.constant({});
    case 'joinLink':
      return fc.record({
        linkId: base64url(22),
        secret: base64url(43),
        displayName: fc.string({ minLength: 1, maxLength: 50 }),
      });
    case 'linkInfo':
      return fc.record({ linkId: base64url(22), secret: base64url(43) });
    case 'allowMedia':
      return fc.record({ peerId: pick(pool.peers), speak: fc.boolean(), share: fc.boolean() });
    case 'join':
      return fc.record({ roomId: pick(pool.rooms), displayName: fc.string({ minLength: 1, maxLength: 50 }) });
    case 'resume':
      return fc.record({
        roomId: pick(pool.rooms),
        peerId: pick(pool.peers),
        resumeToken: fc.oneof(pick(pool.resumeTokens), base64url(43)),
      });
    case 'admit':
    case 'deny':
    case 'removePeer':
    case 'muteParticipant':
    case 'appointHost':
    case 'lowerHand':
      return peer;
    case 'lockRoom':
      return fc.record({ locked: fc.boolean() });
    case 'raiseHand':
      return fc.record({ raised: fc.boolean() });
    case 'pauseProducer':
    case 'resumeProducer':
    case 'closeProducer':
      return fc.record({ producerId: pick(pool.producers) });
    case 'setPreferredLayers':
      return fc.record({ consumerId: pick(pool.consumers), spatialLayer: fc.integer({ min: 0, max: 2 }) });
    case 'restartIce':
      return fc.record({ transportId: pick(pool.transports) });
    case 'createTransport':
      return fc.record({ direction: fc.constantFrom('send', 'recv') });
    case 'connectTransport':
      return fc.record({
        transportId: pick(pool.transports),
        dtlsParameters: fc.record({
          role: fc.constantFrom('client', 'server', 'auto'),
          fingerprints: fc.array(
            fc.record({
              algorithm: fc.constantFrom('sha-256', 'sha-1', 'sha-512'),
              value: fc.string({ unit: fc.constantFrom(...'0123456789ABCDEF:'), maxLength: 95 }),
            }),
            { minLength: 1, maxLength: 3 },
          ),
        }),
      });
    case 'produce':
      return fc.record({
        transportId: pick(pool.transports),
        kind: fc.constantFrom('audio', 'video'),
        source: fc.constantFrom('microphone', 'camera', 'screen'),
        rtpParameters: fc
          .integer({ min: 1, max: 0xffffffff })
          .chain((ssrc) => fc.constantFrom(opusParameters(ssrc), vp8Parameters(ssrc))),
      });
    case 'consume':
      return fc.record({
        transportId: pick(pool.transports),
        producerId: pick(pool.producers),
        rtpCapabilities: fc.constant(pool.rtpCapabilities),
      });
    case 'resumeConsumer':
    case 'requestKeyFrame':
      return fc.record({ consumerId: pick(pool.consumers) });
    case 'announceE2ee':
      return fc.record({ identityKey: base64url(43), callKey: base64url(43), signature: base64url(86) });
    case 'relayE2ee':
      return fc.record({
        boxes: fc.array(
          fc.record({
            to: pick(pool.peers),
            box: fc.string({ unit: fc.constantFrom(...'AbZz09-_'), minLength: 1, maxLength: 2048 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
      });
    case 'relayChat':
      return fc.record({
        envelope: fc.record(
          {
            v: fc.constant(1),
            to: fc.oneof(fc.constant('*'), pick(pool.peers)),
            epoch: fc.nat({ max: 100 }),
            seq: fc.integer({ min: 1, max: 1_000_000 }),
            kind: fc.constantFrom('message', 'chunk'),
            file: fc.record({ id: base64url(22), index: fc.nat({ max: 4000 }), last: fc.boolean() }),
            ct: base64url(64),
          },
          { requiredKeys: ['v', 'to', 'epoch', 'seq', 'kind', 'ct'] },
        ),
      });
  }
}

/** One thing wrong with an otherwise well-formed payload. */
function spoiled(payload: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      payload,
      fc.nat(),
      fc.anything({ maxDepth: 2 }),
      fc.constantFrom('drop', 'retype', 'extra', 'proto', 'huge-number'),
    )
    .map(([value, n, junk, how]) => {
      if (typeof value !== 'object' || value === null) return junk;
      const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      const keys = Object.keys(copy);
      const key = keys[n % Math.max(1, keys.length)] ?? 'x';
      switch (how) {
        case 'drop':
          return Object.fromEntries(Object.entries(copy).filter(([name]) => name !== key));
        case 'retype':
          copy[key] = junk;
          return copy;
        case 'extra':
          return { ...copy, peerId: randomUUID(), userId: randomUUID(), isHost: true, keySlot: 0 };
        case 'proto':
          // JSON.parse makes "__proto__" an own key, as the server's parser does with what arrives.
          return {
            ...(JSON.parse('{"__proto__":{"isHost":true},"constructor":{"prototype":{"polluted":1}}}') as object),
            ...copy,
          };
        case 'huge-number':
          copy[key] = n % 2 === 0 ? Number.MAX_SAFE_INTEGER * 8 : -1e308;
          return copy;
        default:
          return copy;
      }
    });
}

/** A message from one of `sockets` sockets. `maxBytes` is the server's message limit: a few go past it. */
export function fuzzMessage(pool: IdPool, sockets: number, maxBytes: number): fc.Arbitrary<FuzzMessage> {
  const socket = fc.integer({ min: 0, max: sockets - 1 });
  const name = fc.constantFrom(...requestNames);
  const request = (payload: (n: ClientRequestName) => fc.Arbitrary<unknown>) =>
    fc
      .tuple(socket, name)
      .chain(([s, n]) => payload(n).map((p): FuzzMessage => ({ socket: s, event: n, args: [p], ack: true })));
  return fc.oneof(
    { weight: 40, arbitrary: request((n) => wellFormed(n, pool)) },
    { weight: 25, arbitrary: request((n) => spoiled(wellFormed(n, pool))) },
    { weight: 10, arbitrary: request(() => fc.anything({ maxDepth: 3, withNullPrototype: true })) },
    {
      weight: 6,
      arbitrary: fc
        .tuple(socket, fc.string({ maxLength: 40 }), fc.anything({ maxDepth: 2 }), fc.boolean())
        .map(([s, event, payload, ack]): FuzzMessage => ({ socket: s, event, args: [payload], ack })),
    },
    // No acknowledgement (the server must ignore it), or several arguments.
    { weight: 6, arbitrary: request((n) => wellFormed(n, pool)).map((m) => ({ ...m, ack: false })) },
    {
      weight: 6,
      arbitrary: request((n) => wellFormed(n, pool)).chain((m) =>
        fc
          .array(fc.anything({ maxDepth: 1 }), { minLength: 1, maxLength: 3 })
          .map((extra) => ({ ...m, args: [...m.args, ...extra] })),
      ),
    },
    // Past the message limit: the server drops the socket; the run reconnects it.
    {
      weight: 1,
      arbitrary: fc.tuple(socket, name).map(([s, n]): FuzzMessage => ({
        socket: s,
        event: n,
        args: [{ roomId: 'r'.repeat(maxBytes + 1024), displayName: 'x' }],
        ack: true,
      })),
    },
    // Large but allowed strings where small ones are expected.
    {
      weight: 6,
      arbitrary: fc
        .tuple(socket, name, fc.integer({ min: 1000, max: Math.floor(maxBytes / 5) }))
        .map(([s, n, length]): FuzzMessage => ({
          socket: s,
          event: n,
          args: [
            {
              roomId: 'A'.repeat(length),
              peerId: 'B'.repeat(length),
              box: 'C'.repeat(length),
              displayName: 'D'.repeat(length),
            },
          ],
          ack: true,
        })),
    },
  );
}
