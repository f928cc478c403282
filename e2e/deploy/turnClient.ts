// Just enough of a TURN client (RFC 8656 over UDP, long-term credentials) to
// ask a relay the questions an attacker would: will you allocate for me with
// these credentials, and will you relay to that address? Requests go only to
// the relay the test started, a bounded number of times.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

const magicCookie = 0x2112a442;
const method = { allocate: 0x0003, refresh: 0x0004, createPermission: 0x0008 } as const;
const attribute = {
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  realm: 0x0014,
  nonce: 0x0015,
  xorPeerAddress: 0x0012,
  requestedTransport: 0x0019,
  lifetime: 0x000d,
} as const;

type Attributes = [type: number, value: Buffer][];
type Reply = { success: boolean; error: number | undefined; attributes: Map<number, Buffer> };

function encode(type: number, transactionId: Buffer, attributes: Attributes, integrityKey?: Buffer): Buffer {
  const body = Buffer.concat(
    attributes.map(([kind, value]) => {
      const header = Buffer.alloc(4);
      header.writeUInt16BE(kind, 0);
      header.writeUInt16BE(value.length, 2);
      return Buffer.concat([header, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
    }),
  );
  const header = Buffer.alloc(20);
  header.writeUInt16BE(type, 0);
  header.writeUInt32BE(magicCookie, 4);
  transactionId.copy(header, 8);
  if (!integrityKey) {
    header.writeUInt16BE(body.length, 2);
    return Buffer.concat([header, body]);
  }
  // MESSAGE-INTEGRITY covers the message with its length already counting the attribute itself.
  header.writeUInt16BE(body.length + 24, 2);
  const mac = createHmac('sha1', integrityKey)
    .update(Buffer.concat([header, body]))
    .digest();
  const integrity = Buffer.alloc(4);
  integrity.writeUInt16BE(attribute.messageIntegrity, 0);
  integrity.writeUInt16BE(20, 2);
  return Buffer.concat([header, body, integrity, mac]);
}

function decode(message: Buffer): { transactionId: Buffer; reply: Reply } {
  const type = message.readUInt16BE(0);
  const attributes = new Map<number, Buffer>();
  for (let at = 20; at + 4 <= message.length;) {
    const kind = message.readUInt16BE(at);
    const length = message.readUInt16BE(at + 2);
    attributes.set(kind, message.subarray(at + 4, at + 4 + length));
    at += 4 + length + ((4 - (length % 4)) % 4);
  }
  const code = attributes.get(attribute.errorCode);
  const error = code ? (code.readUInt8(2) & 0x7) * 100 + code.readUInt8(3) : undefined;
  // Class bits 0x0100 (success) and 0x0110 (error) of the message type.
  return { transactionId: message.subarray(8, 20), reply: { success: (type & 0x0110) === 0x0100, error, attributes } };
}

function xorPeerAddress(ip: string, port: number): Buffer {
  const value = Buffer.alloc(8);
  value.writeUInt8(0x01, 1); // IPv4
  value.writeUInt16BE(port ^ (magicCookie >>> 16), 2);
  const address = ip.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
  value.writeUInt32BE((address ^ magicCookie) >>> 0, 4);
  return value;
}

export type TurnSession = {
  /** The outcome of an authenticated Allocate: 'allocated' or the error code (401: credentials refused). */
  allocation: 'allocated' | number;
  /** Asks for permission to relay to `ip`: 'granted' or the error code (403: the relay refuses that peer). */
  permit(ip: string): Promise<'granted' | number>;
  close(): Promise<void>;
};

/** Allocates a relay at `server` with the given credentials (TURN REST API ones: minted from the secret). */
export async function openTurnSession(
  server: { host: string; port: number },
  credentials: { username: string; credential: string },
): Promise<TurnSession> {
  const socket: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, resolve));
  const pending = new Map<string, (reply: Reply) => void>();
  socket.on('message', (message) => {
    if (message.length < 20) return;
    const { transactionId, reply } = decode(message);
    pending.get(transactionId.toString('hex'))?.(reply);
  });

  const ask = async (type: number, attributes: Attributes, key?: Buffer): Promise<Reply> => {
    const transactionId = randomBytes(12);
    const message = encode(type, transactionId, attributes, key);
    for (let attempt = 0; attempt < 3; attempt++) {
      const reply = await new Promise<Reply | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), 2000);
        pending.set(transactionId.toString('hex'), (answer) => {
          clearTimeout(timer);
          resolve(answer);
        });
        socket.send(message, server.port, server.host);
      });
      if (reply) return reply;
    }
    throw new Error(`no answer from the TURN server at ${server.host}:${server.port}`);
  };

  const udp = Buffer.from([17, 0, 0, 0]);
  const challenge = await ask(method.allocate, [[attribute.requestedTransport, udp]]);
  const realm = challenge.attributes.get(attribute.realm);
  const nonce = challenge.attributes.get(attribute.nonce);
  if (challenge.error !== 401 || !realm || !nonce)
    throw new Error(`the TURN server did not ask for credentials (answer ${challenge.error ?? 'success'})`);
  const key = createHash('md5')
    .update(`${credentials.username}:${realm.toString()}:${credentials.credential}`)
    .digest();
  const signed = (more: Attributes): Attributes => [
    [attribute.username, Buffer.from(credentials.username)],
    [attribute.realm, realm],
    [attribute.nonce, nonce],
    ...more,
  ];
  const allocated = await ask(method.allocate, signed([[attribute.requestedTransport, udp]]), key);

  return {
    allocation: allocated.success ? 'allocated' : (allocated.error ?? 0),
    permit: async (ip) => {
      const reply = await ask(
        method.createPermission,
        signed([[attribute.xorPeerAddress, xorPeerAddress(ip, 9)]]),
        key,
      );
      return reply.success ? 'granted' : (reply.error ?? 0);
    },
    close: async () => {
      // Lifetime 0 releases the allocation at once rather than after its timeout.
      // The relay may be gone already (a test that stopped it): the allocation then times out by itself.
      if (allocated.success)
        await ask(method.refresh, signed([[attribute.lifetime, Buffer.alloc(4)]]), key).catch(() => undefined);
      socket.close();
    },
  };
}

/**
 * TURN REST API credentials, written here apart from the server's code: the
 * relay (coturn's use-auth-secret) is the judge of whether both agree.
 */
export function restApiCredentials(secret: string, expiresAtMs: number): { username: string; credential: string } {
  const username = `${Math.floor(expiresAtMs / 1000)}:deploy-test`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}
