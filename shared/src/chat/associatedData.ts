// What the AEAD binds besides the content: who sent it (the server-assigned
// peer id the relay reports, checked by the tag rather than trusted), to whom
// (everyone or one id), the key epoch, the sender's sequence number, the kind,
// and for a chunk its file, index and whether it is the last. Change any of
// them on the way and the content does not open. Ids are UUIDs or base64url,
// so "|" cannot appear inside a field.
import type { ChatEnvelope } from '../protocol/chatWire.js';
import type { Bytes } from '../sframe/bytes.js';

export type EnvelopeHeader = Omit<ChatEnvelope, 'ct'>;

export function associatedData(from: string, header: EnvelopeHeader): Bytes {
  const file = header.file ? `${header.file.id}|${header.file.index}|${header.file.last ? 1 : 0}` : '-';
  return new TextEncoder().encode(
    `Parley chat ${header.v}|${from}|${header.to}|${header.epoch}|${header.seq}|${header.kind}|${file}`,
  );
}
