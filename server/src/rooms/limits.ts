/** Per-peer and per-room ceilings: a client cannot grow server state without bound. */
export const limits = {
  transportsPerPeer: 4,
  producersPerPeer: 4,
  consumersPerPeer: 200,
  peersPerRoom: 50,
} as const;
