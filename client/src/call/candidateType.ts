// Which kind of route a transport's media takes: straight to the SFU
// ('host', 'srflx', 'prflx') or through a TURN relay ('relay'). Read from the
// selected ICE candidate pair's local candidate; '' before one is chosen
// and once the transport is closed.
import type { types } from 'mediasoup-client';

type Stat = { type: string; id: string; selected?: boolean; nominated?: boolean; state?: string } & Record<
  string,
  unknown
>;

export async function localCandidateType(transport: types.Transport): Promise<string> {
  // A transport closed by a media restart (or the end of the call) has no route.
  if (transport.closed) return '';
  const report = await transport.getStats().catch(() => undefined);
  if (!report) return '';
  const stats = [...report.values()] as Stat[];
  const byId = new Map(stats.map((stat) => [stat.id, stat]));
  // Chromium names the pair in use on the transport stat; Firefox marks it `selected`.
  const selectedId = stats.find((s) => s.type === 'transport')?.selectedCandidatePairId;
  const pair =
    (typeof selectedId === 'string' ? byId.get(selectedId) : undefined) ??
    stats.find(
      (s) => s.type === 'candidate-pair' && (s.selected === true || (s.nominated === true && s.state === 'succeeded')),
    );
  const local = typeof pair?.localCandidateId === 'string' ? byId.get(pair.localCandidateId) : undefined;
  return typeof local?.candidateType === 'string' ? local.candidateType : '';
}

/** Each transport's connection state and route, for the connection indicator and diagnostics. */
export async function transportDiagnostics(send: types.Transport, recv: types.Transport) {
  return {
    transports: { send: send.connectionState, recv: recv.connectionState },
    routes: { send: await localCandidateType(send), recv: await localCandidateType(recv) },
  };
}
