// The call page, loaded only when a call starts (with mediasoup-client,
// libsodium and the E2EE worker): pre-join → (the host starting a meeting
// link's call) → (lobby) → the call → left. A call is reached by a room's id
// (account holders) or by a meeting link (account holders and guests).
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { CallProfile } from '@parley/shared';
import { useLocation } from 'wouter';
import { SignalingClient } from '../signaling/SignalingClient.js';
import { ToastProvider } from '../ui/Toasts.js';
import { CallSession, LeftCallError, type CallTarget, type CallView, type LeftReason } from './CallSession.js';
import { guestToken } from './guestToken.js';
import { InCall } from './InCall.js';
import { LeftScreen } from './LeftScreen.js';
import { LinkProblem } from './LinkProblem.js';
import { PreJoin, type JoinRequest } from './prejoin/PreJoin.js';
import { roomFromLocation, writeRoomToLocation } from './roomLink.js';
import { Waiting } from './Waiting.js';

/** How this page reaches its call. */
export type CallEntry =
  { kind: 'room'; profile: CallProfile } | { kind: 'link'; linkId: string; secret: string; guest: boolean };

type State =
  | { phase: 'prejoin'; error?: string }
  | { phase: 'joining'; request: JoinRequest }
  | { phase: 'waitingForHost'; request: JoinRequest }
  | { phase: 'waiting'; request: JoinRequest }
  | { phase: 'joined'; session: CallSession; request: JoinRequest }
  | { phase: 'left'; reason: LeftReason | 'self' }
  | { phase: 'unusable'; message: string };

export default function CallRoute({ entry = { kind: 'room', profile: 'standard' } }: { entry?: CallEntry }) {
  const [state, setState] = useState<State>({ phase: 'prejoin' });
  const [, navigate] = useLocation();
  // A link's page connects at once: to learn whether it is a sensitive call (guests then start with camera and
  // microphone off) and to hear a refused link before anyone fills in a form.
  const [linkSignaling] = useState(() =>
    entry.kind === 'link'
      ? new SignalingClient(
          entry.guest ? { link: { id: entry.linkId, secret: entry.secret }, guestToken: guestToken() } : undefined,
        )
      : undefined,
  );
  const [linkProfile, setLinkProfile] = useState<CallProfile>();
  useEffect(() => {
    if (!linkSignaling || entry.kind !== 'link') return;
    linkSignaling.request('linkInfo', { linkId: entry.linkId, secret: entry.secret }).then(
      (info) => setLinkProfile(info.profile),
      (error: unknown) =>
        setState({ phase: 'unusable', message: error instanceof Error ? error.message : 'This link does not work.' }),
    );
  }, [linkSignaling, entry]);

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

  const stopTracks = (request: JoinRequest) => request.tracks.forEach((track) => track.stop());

  async function join(request: JoinRequest) {
    setState({ phase: 'joining', request });
    try {
      const signaling = linkSignaling ?? new SignalingClient();
      let target: CallTarget;
      if (entry.kind === 'link') target = { kind: 'link', linkId: entry.linkId, secret: entry.secret };
      else {
        const roomId = roomFromLocation() ?? (await signaling.request('createRoom', { profile: entry.profile })).roomId;
        writeRoomToLocation(roomId);
        target = { kind: 'room', roomId };
      }
      const joined = await CallSession.join(signaling, target, request.displayName, request, {
        onWaitingForHost: () => setState({ phase: 'waitingForHost', request }),
        onWaiting: () => setState({ phase: 'waiting', request }),
      });
      setState({ phase: 'joined', session: joined, request });
    } catch (error) {
      stopTracks(request);
      if (error instanceof LeftCallError) setState({ phase: 'left', reason: error.reason });
      else setState({ phase: 'prejoin', error: error instanceof Error ? error.message : 'Could not join.' });
    }
  }

  const leave = () => {
    session?.close();
    if (state.phase !== 'prejoin' && state.phase !== 'left' && state.phase !== 'unusable') stopTracks(state.request);
    setState({ phase: 'left', reason: 'self' });
  };
  const guest = entry.kind === 'link' && entry.guest;
  const home = () => (guest ? setState({ phase: 'left', reason: 'self' }) : navigate('/'));

  if (view?.left) return <LeftScreen reason={view.left} rejoin={window.location.href} guest={guest} />;
  switch (state.phase) {
    case 'unusable':
      return <LinkProblem message={state.message} />;
    case 'prejoin':
    case 'joining':
      // A link's rules (sensitive or not) decide the pre-join's defaults: wait for them.
      if (entry.kind === 'link' && linkProfile === undefined)
        return (
          <p role="status" style={{ padding: '2rem', textAlign: 'center' }}>
            Checking the link…
          </p>
        );
      return (
        <PreJoin
          joining={state.phase === 'joining'}
          heading={entry.kind === 'link' || roomFromLocation() ? 'Ready to join?' : 'Start a new call'}
          sensitive={entry.kind === 'link' ? linkProfile === 'sensitive' : entry.profile === 'sensitive'}
          guest={guest}
          error={state.phase === 'prejoin' ? state.error : undefined}
          onJoin={(request) => void join(request)}
          onCancel={home}
        />
      );
    case 'waitingForHost':
      return (
        <Waiting
          camera={state.request.tracks.find((t) => t.kind === 'video')}
          title="Waiting for the host to start the call"
          detail="You will join as soon as the host starts it. Keep this page open."
          onCancel={() => window.location.reload()}
        />
      );
    case 'waiting':
      return (
        <Waiting
          camera={state.request.tracks.find((t) => t.kind === 'video')}
          title="Waiting for the host to let you in"
          detail="The host has been told you are here. You will join as soon as they let you in."
          onCancel={() => window.location.reload()}
        />
      );
    case 'left':
      return <LeftScreen reason={state.reason} rejoin={window.location.href} guest={guest} />;
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
