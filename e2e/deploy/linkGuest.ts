// A guest holding a meeting link, without a browser: a real socket.io
// connection over HTTPS through the stack's Caddy (its CA trusted, the name
// resolved to the stack's address), the handshake a guest's page makes (link
// id, secret and a random browser token), then `joinLink`. Says how far it got.
import { randomBytes } from 'node:crypto';
import { Agent } from 'node:https';
import { io } from 'socket.io-client';
import { clientRequests, clientVersion, ReplyEnvelopeSchema } from '@parley/shared';

export type LinkKnock =
  | { refused: string } // the handshake's refusal code (e.g. link_unusable)
  | { status: 'admitted' | 'waiting' | 'waitingForHost' };

export async function knockWithLink(
  server: { domain: string; address: string; ca: Buffer },
  link: { id: string; secret: string },
): Promise<LinkKnock> {
  const origin = `https://${server.domain}`;
  const agent = new Agent({
    ca: server.ca,
    servername: server.domain,
    // Only the stack's own address: no name service is asked. Node 20 asks
    // for every address (`all`) when it tries IPv4 and IPv6 in turn.
    lookup: (_host, options, callback) =>
      options.all
        ? (callback as unknown as (e: null, all: { address: string; family: number }[]) => void)(null, [
            { address: server.address, family: 4 },
          ])
        : callback(null, server.address, 4),
  });
  const socket = io(origin, {
    transports: ['websocket'],
    agent: agent as unknown as string, // socket.io-client's typing predates Node agents
    auth: { clientVersion, link, guestToken: randomBytes(32).toString('base64url') },
    extraHeaders: { Origin: origin },
    reconnection: false,
    timeout: 10_000,
  });
  try {
    const connected = await new Promise<string | undefined>((resolve) => {
      socket.once('connect', () => resolve(undefined));
      socket.once('connect_error', (error) => resolve(error.message));
    });
    if (connected !== undefined) return { refused: connected };
    const raw: unknown = await socket
      .timeout(10_000)
      .emitWithAck('joinLink', { linkId: link.id, secret: link.secret, displayName: 'Guest with a link' });
    const envelope = ReplyEnvelopeSchema.parse(raw);
    if (!envelope.ok) return { refused: envelope.error.code };
    return { status: clientRequests.joinLink.response.parse(envelope.data).status };
  } finally {
    socket.close();
    agent.destroy();
  }
}
