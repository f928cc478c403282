import type { PeerSecurity } from '../CallEncryption.js';

const lockText = {
  encrypted: { icon: '🔒', text: 'Encrypted' },
  waiting: { icon: '⏳', text: 'Waiting for their key' },
  failing: { icon: '⚠️', text: 'Cannot decrypt: their picture and sound are withheld' },
  'keys-changed': { icon: '⚠️', text: 'Keys changed: not receiving your keys until verified' },
} as const;

/** On each participant's tile: the state of their streams' encryption and whether we verified them. */
export function TileSecurity({ security }: { security: PeerSecurity | undefined }) {
  if (!security)
    return (
      <span className="lock waiting" data-lock="waiting">
        ⏳ Waiting for their key
      </span>
    );
  const lock = lockText[security.lock];
  return (
    <span className={`lock ${security.lock}`} data-lock={security.lock}>
      <span aria-hidden="true">{lock.icon}</span> {lock.text}
      {security.verified && <span className="verified"> · ✔ Verified</span>}
      {security.trust === 'changed' && !security.verified && (
        <span className="warning"> · New key: verify it is really them</span>
      )}
    </span>
  );
}
