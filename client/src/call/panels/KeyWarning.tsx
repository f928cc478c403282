// The blocking warning when a member's keys (or account) change mid-call:
// Parley stops sending them keys; the person must decide what to do.
import { Button } from '../../ui/Button.js';
import { Dialog } from '../../ui/Dialog.js';
import type { CallView } from '../CallSession.js';
import styles from './panels.module.css';

const alertText: Partial<Record<string, string>> = {
  'keys-changed': 'announced different encryption keys in the middle of the call',
  'identity-changed': 'was reported by the server as a different account',
};

type Props = {
  view: CallView;
  open: boolean;
  onAcknowledge: () => void;
  onCompare: () => void;
  onLeave: () => void;
};

export function KeyWarning({ view, open, onAcknowledge, onCompare, onLeave }: Props) {
  const names = new Map(view.participants.map((p) => [p.peerId, p.displayName]));
  const blocking = view.e2ee.keyAlerts.filter((a) => alertText[a.alert]);
  return (
    <Dialog
      open={open && blocking.length > 0}
      onOpenChange={(next) => !next && onAcknowledge()}
      title="Someone may be listening in"
      kind="alert"
      tone="stage"
    >
      <div data-key-warning>
        {blocking.map(({ alert, peerId }) => (
          <p key={`${alert}-${peerId}`}>
            <strong>{names.get(peerId) ?? 'A participant'}</strong> {alertText[alert]}. Parley has stopped sending them
            your encryption keys.
          </p>
        ))}
        <p className={styles.muted}>
          Do not discuss anything sensitive until you have compared the emoji with them again, or they have left and
          rejoined.
        </p>
        <div className={styles.row}>
          <Button variant="primary" onClick={onCompare}>
            Compare emoji
          </Button>
          <Button onClick={onLeave}>Leave the call</Button>
          <Button variant="ghost" onClick={onAcknowledge}>
            I understand
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
