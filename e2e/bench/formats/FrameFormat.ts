// The per-frame formats bench:frames compares, behind one interface: each
// turns an encoded frame into what goes on the wire and back. For the
// benchmark only: the anchors' formats are faithful re-implementations from
// their public descriptions, never used by Parley itself.
export type Bytes = Uint8Array<ArrayBuffer>;
export type MediaKind = 'audio' | 'video';

/** What the RTP layer knows about a frame (the JFrame IV uses it). */
export type FrameInfo = { kind: MediaKind; ssrc: number; timestamp: number };

export type FrameFormat = {
  name: string;
  /** Where its description comes from, and what was left out. */
  source: string;
  encrypt(frame: Bytes, info: FrameInfo): Promise<Bytes> | Bytes;
  /** The frame, or undefined when it does not authenticate (fail closed). */
  decrypt(sealed: Bytes, info: FrameInfo): Promise<Bytes | undefined> | Bytes | undefined;
};

export const randomKey = (bytes = 32): Bytes => crypto.getRandomValues(new Uint8Array(bytes));
