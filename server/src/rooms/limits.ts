/** Per-peer and per-room ceilings: a client cannot grow server state without bound. */
export const limits = {
  transportsPerPeer: 4,
  producersPerPeer: 4,
  consumersPerPeer: 200,
  peersPerRoom: 50,
  /** E2EE boxes kept for a peer whose socket dropped, until it resumes (oldest dropped first). */
  outboxPerPeer: 256,
} as const;

/** How long rooms and dropped peers are kept. Injectable so tests need not wait 20 s. */
export type RoomTimings = {
  /** How long a peer whose socket dropped keeps its place (and its media) in the call. */
  reconnectGraceMs: number;
  /** A room nobody enters closes after this long. */
  unusedRoomMs: number;
};

export const defaultRoomTimings: RoomTimings = {
  reconnectGraceMs: 20_000,
  unusedRoomMs: 10 * 60_000,
};
