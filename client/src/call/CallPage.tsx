// The call page: choose a name, join (or create) the room, wait in the lobby
// if the host has not let you in yet, then the call itself.
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { CallSession, LeftCallError, type CallView, type LeftReason } from './CallSession.js';
import { CallControls } from './CallControls.js';
import { ConnectionIndicator } from './ConnectionIndicator.js';
import { LobbyPanel } from './LobbyPanel.js';
import { ParticipantList } from './ParticipantList.js';
import { SignalingClient } from '../signaling/SignalingClient.js';
import { roomFromLocation, writeRoomToLocation } from '../ui/roomLink.js';
import { VideoTile } from '../ui/VideoTile.js';
import { PreJoin } from './PreJoin.js';
import { EncryptionStatus } from '../e2ee/ui/EncryptionStatus.js';
import { TileSecurity } from '../e2ee/ui/TileSecurity.js';

type State =
  | { phase: 'idle'; error?: string }
  | { phase: 'joining' }
  | { phase: 'waiting' }
  | { phase: 'joined'; session: CallSession; local: MediaStream }
  | { phase: 'left'; reason: LeftReason | 'self' };

const leftText: Record<LeftReason | 'self', string> = {
  self: 'You left the call.',
  denied: 'The host did not let you in.',
  removed: 'A host removed you from the call.',
  ended_by_host: 'The host ended the call.',
  room_closed: 'The call has ended.',
};

const emptyView: CallView = {
  participants: [],
  lobby: [],
  isHost: false,
  locked: false,
  local: { micMuted: true, cameraOff: true, sharingScreen: false, mutedByHost: false },
  activeSpeaker: undefined,
  updateAvailable: false,
  left: undefined,
  receiveFailures: 0,
  e2ee: { mode: 'on', sending: 'waiting', securityCode: '', peers: {}, failing: [], keyAlerts: [] },
};

export function CallPage() {
  const [state, setState] = useState<State>({ phase: 'idle' });
  const [displayName, setDisplayName] = useState('');
  const session = state.phase === 'joined' ? state.session : undefined;
  const subscribe = useCallback(
    (listener: () => void) => (session ? session.subscribe(listener) : () => undefined),
    [session],
  );
  const view = useSyncExternalStore(subscribe, () => session?.view ?? emptyView);

  useEffect(() => {
    if (!session) return;
    // Closing the tab is hanging up: say so, rather than hold the place for
    // the reconnection grace period.
    const hangUp = () => session.close();
    window.addEventListener('pagehide', hangUp);
    return () => {
      window.removeEventListener('pagehide', hangUp);
      session.close();
    };
  }, [session]);

  async function join(name: string, local: MediaStream) {
    setDisplayName(name);
    setState({ phase: 'joining' });
    try {
      const signaling = new SignalingClient();
      const roomId = roomFromLocation() ?? (await signaling.request('createRoom', {})).roomId;
      writeRoomToLocation(roomId);
      const joined = await CallSession.join(signaling, { roomId, displayName: name }, local, () =>
        setState({ phase: 'waiting' }),
      );
      setState({ phase: 'joined', session: joined, local });
    } catch (error) {
      for (const track of local.getTracks()) track.stop();
      if (error instanceof LeftCallError) setState({ phase: 'left', reason: error.reason });
      else setState({ phase: 'idle', error: error instanceof Error ? error.message : 'Could not join.' });
    }
  }

  if (view.left) return <p role="status">{leftText[view.left]}</p>;
  switch (state.phase) {
    case 'idle':
      return (
        <PreJoin
          heading={roomFromLocation() ? 'Join the call' : 'Start a call'}
          error={state.error}
          onJoin={(name, media) => void join(name, media)}
        />
      );
    case 'joining':
      return <p role="status">Joining…</p>;
    case 'waiting':
      return <p role="status">Waiting for the host to let you in…</p>;
    case 'left':
      return <p role="status">{leftText[state.reason]}</p>;
    case 'joined':
      return (
        <section aria-label="Call">
          {view.updateAvailable && (
            <p role="status" className="banner">
              A newer version of Parley is available. <a href={window.location.href}>Reload</a> when convenient.
            </p>
          )}
          <EncryptionStatus session={state.session} view={view} />
          <ConnectionIndicator session={state.session} />
          <p className="room">
            Invite others with this link: <code>{window.location.href}</code>
          </p>
          {view.isHost && <LobbyPanel session={state.session} lobby={view.lobby} />}
          <section className="grid" aria-label="Video">
            <VideoTile label={`${displayName} (you)`} tracks={state.local.getVideoTracks()} muted />
            {speakerFirst(view).flatMap((participant) => {
              const camera = participant.tracks.filter((t) => t.source !== 'screen').map((t) => t.track);
              const screen = participant.tracks.filter((t) => t.source === 'screen').map((t) => t.track);
              const cameraConsumer = participant.tracks.find((t) => t.source === 'camera')?.consumerId;
              return [
                <VideoTile
                  key={participant.peerId}
                  label={participant.displayName}
                  tracks={camera}
                  muted={false}
                  speaking={participant.peerId === view.activeSpeaker}
                  badge={
                    view.e2ee.mode === 'on' ? (
                      <TileSecurity security={view.e2ee.peers[participant.peerId]} />
                    ) : undefined
                  }
                  onWidth={cameraConsumer ? (width) => state.session.preferLayerFor(cameraConsumer, width) : undefined}
                />,
                ...(screen.length > 0
                  ? [
                      <VideoTile
                        key={`${participant.peerId}-screen`}
                        label={`${participant.displayName}’s screen`}
                        tracks={screen}
                        muted
                      />,
                    ]
                  : []),
              ];
            })}
          </section>
          <CallControls
            session={state.session}
            view={view}
            onLeave={() => {
              state.session.close();
              for (const track of state.local.getTracks()) track.stop();
              setState({ phase: 'left', reason: 'self' });
            }}
          />
          <ParticipantList session={state.session} view={view} />
        </section>
      );
  }
}

/** The active speaker's tile comes first, so the layout follows the conversation. */
function speakerFirst(view: CallView) {
  const speaker = view.participants.find((p) => p.peerId === view.activeSpeaker);
  return speaker ? [speaker, ...view.participants.filter((p) => p !== speaker)] : view.participants;
}
