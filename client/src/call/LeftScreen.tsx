// Out of the call, for whatever reason, with the ways forward.
import { PhoneOff } from 'lucide-react';
import { buttonClass } from '../ui/Button.js';
import type { LeftReason } from './CallSession.js';
import styles from './screens.module.css';

const leftText: Record<LeftReason | 'self', string> = {
  self: 'You left the call.',
  denied: 'The host did not let you in.',
  removed: 'A host removed you from the call.',
  ended_by_host: 'The host ended the call.',
  room_closed: 'The call has ended.',
  no_host: 'The call ended: no host was left in it.',
  link_used: 'Someone else was let in through this single-use link.',
};

export function LeftScreen({
  reason,
  rejoin,
  guest = false,
}: {
  reason: LeftReason | 'self';
  rejoin: string | undefined;
  /** Guests have no home page to go back to. */
  guest?: boolean;
}) {
  return (
    <main className={styles.screen} aria-labelledby="left-title">
      <div role="status" className={styles.message}>
        <PhoneOff aria-hidden="true" size={28} />
        <h1 id="left-title">{leftText[reason]}</h1>
        <p>Nothing about the call was kept: no recording, no chat, no list of who was there.</p>
      </div>
      <div className={styles.actions}>
        {rejoin && (reason === 'self' || reason === 'room_closed') && (
          <a className={buttonClass('primary')} href={rejoin}>
            Rejoin
          </a>
        )}
        {guest ? (
          <p>You can close this page.</p>
        ) : (
          <a className={buttonClass('secondary')} href="/">
            Back to home
          </a>
        )}
      </div>
    </main>
  );
}
