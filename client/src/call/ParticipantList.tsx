import type { CallSession, CallView } from './CallSession.js';

/** Everyone in the call; hosts also get mute, remove and make-host, lock and end. */
export function ParticipantList({ session, view }: { session: CallSession; view: CallView }) {
  return (
    <section aria-labelledby="people-title" className="people">
      <h2 id="people-title">In this call ({view.participants.length + 1})</h2>
      <ul>
        {view.participants.map((p) => (
          <li key={p.peerId}>
            {p.displayName}
            {p.isHost && ' (host)'}
            {p.audioMuted && ' — muted'}
            {view.isHost && (
              <>
                {' '}
                {!p.audioMuted && (
                  <button
                    type="button"
                    onClick={() => void session.muteParticipant(p.peerId)}
                    aria-label={`Mute ${p.displayName}`}
                  >
                    Mute
                  </button>
                )}{' '}
                <button
                  type="button"
                  onClick={() => void session.remove(p.peerId)}
                  aria-label={`Remove ${p.displayName}`}
                >
                  Remove
                </button>{' '}
                {!p.isHost && (
                  <button
                    type="button"
                    onClick={() => void session.makeHost(p.peerId)}
                    aria-label={`Make ${p.displayName} a host`}
                  >
                    Make host
                  </button>
                )}
              </>
            )}
          </li>
        ))}
      </ul>
      {view.isHost && (
        <p>
          <button type="button" aria-pressed={view.locked} onClick={() => void session.setLocked(!view.locked)}>
            {view.locked ? 'Unlock call' : 'Lock call'}
          </button>{' '}
          <button type="button" className="danger" onClick={() => void session.endCall()}>
            End call for everyone
          </button>
        </p>
      )}
    </section>
  );
}
