// The call page, loaded only when a call starts (with mediasoup-client,
// libsodium and the E2EE worker): pre-join → (lobby) → the call → left.
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { useLocation } from 'wouter';
import { SignalingClient } from '../signaling/SignalingClient.js';
import { ToastProvider } from '../ui/Toasts.js';
import { CallSession, LeftCallError, type CallView, type LeftReason } from './CallSession.js';
import { InCall } from './InCall.js';
import { LeftScreen } from './LeftScreen.js';
import { PreJoin, type JoinRequest } from './prejoin/PreJoin.js';
import { roomFromLocation, writeRoomToLocation } from './roomLink.js';
import { Waiting } from './Waiting.js';

type State =
  | { phase: 'prejoin'; error?: string }
  | { phase: 'joining'; request: JoinRequest }
  | { phase: 'waiting'; request: JoinRequest }
  | { phase: 'joined'; session: CallSession; request: JoinRequest }
  | { phase: 'left'; reason: LeftReason | 'self' };

export default function CallRoute() {
  const [state, setState] = useState<State>({ phase: 'prejoin' });
  const [, navigate] = useLocation();
  const session = state.phase === 'joined' ? state.session : undefined;
  const subscribe = useCallback(
    (listener: () => void) => (session ? session.subscribe(listener) : () => undefined),
    [session],
  );
  const view: CallView | undefined = useSyncExternalStore(subscribe, () => session?.view);

  useEffect(() => {
    if (!session) return;
    // Closing the tab is hanging up: say so, rather than hold the place for the reconnection grace period.
    const hangUp = () => session.close();
    window.addEventListener('pagehide', hangUp);
    return () => {
      window.removeEventListener('pagehide', hangUp);
      session.close();
    };
  }, [session]);

  // The server restarted and forgot the call: back in on the same socket, with the same microphone and camera.
  const rejoinNeeded = view?.rejoin === true;
  useEffect(() => {
    if (!rejoinNeeded || state.phase !== 'joined') return;
    const { session: old, request } = state;
    CallSession.rejoin(old, () => setState({ phase: 'waiting', request })).then(
      (fresh) => setState({ phase: 'joined', session: fresh, request }),
      (error: unknown) =>
        setState({ phase: 'left', reason: error instanceof LeftCallError ? error.reason : 'room_closed' }),
    );
  }, [rejoinNeeded, state]);

  const stopTracks = (request: JoinRequest) => request.tracks.forEach((track) => track.stop());

  async function join(request: JoinRequest) {
    setState({ phase: 'joining', request });
    try {
      const signaling = new SignalingClient();
      const roomId = roomFromLocation() ?? (await signaling.request('createRoom', { profile: 'standard' })).roomId;
      writeRoomToLocation(roomId);
      const joined = await CallSession.join(signaling, { roomId, displayName: request.displayName }, request, () =>
        setState({ phase: 'waiting', request }),
      );
      setState({ phase: 'joined', session: joined, request });
    } catch (error) {
      stopTracks(request);
      if (error instanceof LeftCallError) setState({ phase: 'left', reason: error.reason });
      else setState({ phase: 'prejoin', error: error instanceof Error ? error.message : 'Could not join.' });
    }
  }

  const leave = () => {
    session?.close();
    if (state.phase !== 'prejoin' && state.phase !== 'left') stopTracks(state.request);
    setState({ phase: 'left', reason: 'self' });
  };

  if (view?.left) return <LeftScreen reason={view.left} rejoin={window.location.href} />;
  switch (state.phase) {
    case 'prejoin':
    case 'joining':
      return (
        <PreJoin
          joining={state.phase === 'joining'}
          startingNewCall={!roomFromLocation()}
          error={state.phase === 'prejoin' ? state.error : undefined}
          onJoin={(request) => void join(request)}
          onCancel={() => navigate('/')}
        />
      );
    case 'waiting':
      return (
        <Waiting
          camera={state.request.tracks.find((t) => t.kind === 'video')}
          onCancel={() => window.location.assign('/')}
        />
      );
    case 'left':
      return <LeftScreen reason={state.reason} rejoin={window.location.href} />;
    case 'joined':
      return view ? (
        <ToastProvider tone="stage">
          <InCall
            session={state.session}
            view={view}
            selfName={state.request.displayName}
            speakerId={state.request.devices.speakerId}
            onLeave={leave}
          />
        </ToastProvider>
      ) : null;
  }
}
