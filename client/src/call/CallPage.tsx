import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { CallSession } from './CallSession.js';
import { SignalingClient } from '../signaling/SignalingClient.js';
import { roomFromLocation } from '../ui/roomLink.js';
import { VideoTile } from '../ui/VideoTile.js';
import { exposeDiagnostics } from '../ui/diagnostics.js';

type State =
  | { phase: 'idle' }
  | { phase: 'joining' }
  | { phase: 'joined'; session: CallSession; local: MediaStream }
  | { phase: 'failed'; reason: string };

const noParticipants: never[] = [];

export function CallPage() {
  const [roomId] = useState(roomFromLocation);
  const [state, setState] = useState<State>({ phase: 'idle' });
  const session = state.phase === 'joined' ? state.session : undefined;
  const subscribe = useCallback(
    (listener: () => void) => (session ? session.subscribe(listener) : () => undefined),
    [session],
  );
  const participants = useSyncExternalStore(subscribe, () => session?.participants ?? noParticipants);

  useEffect(() => {
    if (!session) return;
    exposeDiagnostics(session);
    return () => session.close();
  }, [session]);

  async function join() {
    setState({ phase: 'joining' });
    try {
      const local = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
      const joined = await CallSession.join(new SignalingClient(), roomId, local);
      setState({ phase: 'joined', session: joined, local });
    } catch (error) {
      setState({ phase: 'failed', reason: error instanceof Error ? error.message : 'could not join' });
    }
  }

  return (
    <section aria-label="Call">
      <header>
        <p className="room">
          Room link: <code>{window.location.href}</code>
        </p>
      </header>
      {state.phase === 'idle' || state.phase === 'failed' ? (
        <section>
          <button type="button" onClick={() => void join()}>
            Join call
          </button>
          {state.phase === 'failed' && <p role="alert">Could not join: {state.reason}</p>}
        </section>
      ) : state.phase === 'joining' ? (
        <p role="status">Joining…</p>
      ) : (
        <section className="grid" aria-label="Participants">
          <VideoTile label="You" tracks={state.local.getVideoTracks()} muted />
          {participants.map((participant) => (
            <VideoTile
              key={participant.peerId}
              label={`Participant ${participant.peerId.slice(0, 8)}`}
              tracks={participant.tracks.map((t) => t.track)}
              muted={false}
            />
          ))}
        </section>
      )}
    </section>
  );
}
