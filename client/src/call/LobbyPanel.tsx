import type { CallSession, CallView } from './CallSession.js';

/** For hosts: who is waiting, with admit and deny. */
export function LobbyPanel({ session, lobby }: { session: CallSession; lobby: CallView['lobby'] }) {
  if (lobby.length === 0) return null;
  return (
    <section aria-labelledby="lobby-title" className="lobby">
      <h2 id="lobby-title">Waiting to join ({lobby.length})</h2>
      <ul>
        {lobby.map(({ peerId, displayName }) => (
          <li key={peerId}>
            {displayName}{' '}
            <button type="button" onClick={() => void session.admit(peerId)} aria-label={`Admit ${displayName}`}>
              Admit
            </button>{' '}
            <button type="button" onClick={() => void session.deny(peerId)} aria-label={`Deny ${displayName}`}>
              Deny
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
