// A user's device in a call, through the real socket API: enough for the
// server to record the device's public identity key under the account.
import { randomBytes } from 'node:crypto';
import { connectSocket, rawRequest } from './startTestServer.js';

type Reply = { ok?: boolean; data?: Record<string, unknown>; error?: { code: string } };

/** Hosts a new room, announces random E2EE keys there, hangs up; returns the identity key as stored. */
export async function announceIdentityKey(baseUrl: string, cookie: string, origin = baseUrl): Promise<string> {
  const socket = await connectSocket(baseUrl, cookie, origin);
  try {
    const ask = async (event: string, payload: unknown) => {
      const reply = (await rawRequest(socket, event, payload)) as Reply;
      if (!reply.ok) throw new Error(`${event} failed: ${JSON.stringify(reply.error)}`);
      return reply.data ?? {};
    };
    const { roomId } = await ask('createRoom', {});
    await ask('join', { roomId, displayName: 'Device' });
    const identityKey = randomBytes(32).toString('base64url');
    await ask('announceE2ee', {
      identityKey,
      callKey: randomBytes(32).toString('base64url'),
      signature: randomBytes(64).toString('base64url'),
    });
    return identityKey;
  } finally {
    socket.close();
  }
}
