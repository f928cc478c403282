// Verification: the call security code everyone compares, and seven emoji to
// compare with one person. Explains what each means, and what to do when a
// key changed.
import { BadgeCheck, ShieldAlert, ShieldCheck } from 'lucide-react';
import { Button } from '../../ui/Button.js';
import { Dialog } from '../../ui/Dialog.js';
import type { CallSession, CallView } from '../CallSession.js';
import styles from './panels.module.css';

type Props = { session: CallSession; view: CallView; open: boolean; onOpenChange: (open: boolean) => void };

export function SecurityPanel({ session, view, open, onOpenChange }: Props) {
  const e2ee = view.e2ee;
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="Security" kind="sheet" tone="stage">
      {e2ee.mode !== 'on' ? (
        <p className={styles.alertText}>
          End-to-end encryption is switched off in this test build. This call is not private.
        </p>
      ) : (
        <>
          <section className={styles.section}>
            <p className={styles.statusLine}>
              <ShieldCheck aria-hidden="true" size={20} />
              {e2ee.sending === 'encrypting' ? 'End-to-end encrypted' : 'Setting up encryption…'}
            </p>
            <p className={styles.muted}>
              Only the people listed in this call hold the keys. The server forwards what you send without being able to
              see or hear it.
            </p>
          </section>
          <section className={styles.section} aria-labelledby="code-title">
            <h3 id="code-title" className={styles.heading}>
              Call security code
            </h3>
            <p className={styles.code} data-security-code={e2ee.securityCode}>
              {e2ee.securityCode}
            </p>
            <p className={styles.muted}>
              Everyone in the call should see the same digits. If someone’s differ, someone may be listening in: stop
              and check who is in the call.
            </p>
          </section>
          <section className={styles.section} aria-labelledby="emoji-title">
            <h3 id="emoji-title" className={styles.heading}>
              Verify one person
            </h3>
            <p className={styles.muted}>
              Read the emoji aloud with them. If they match, you are talking to their device.
            </p>
            <ul className={styles.people}>
              {view.participants.map((p) => {
                const peer = e2ee.peers[p.peerId];
                if (!peer) return null;
                const changed = peer.lock === 'keys-changed';
                return (
                  <li key={p.peerId} className={styles.verify}>
                    <span className={styles.personName}>{p.displayName}</span>
                    <ol
                      className={styles.emoji}
                      data-peer={p.peerId}
                      aria-label={`Emoji to compare with ${p.displayName}`}
                    >
                      {peer.emoji.map((e, i) => (
                        <li key={i}>
                          <span aria-hidden="true" className={styles.symbol}>
                            {e.symbol}
                          </span>
                          <span className={styles.emojiName}>{e.name}</span>
                        </li>
                      ))}
                    </ol>
                    {changed && (
                      <span className={styles.alertText}>
                        <ShieldAlert aria-hidden="true" size={16} /> Their keys changed during the call.
                      </span>
                    )}
                    {!changed && peer.trust === 'changed' && !peer.verified && (
                      <span className={styles.alertText}>
                        A key this device has not seen for them before: a new device, or someone pretending.
                      </span>
                    )}
                    {peer.verified && !changed ? (
                      <span className={styles.verified}>
                        <BadgeCheck aria-hidden="true" size={16} /> Verified
                      </span>
                    ) : (
                      <Button size="small" onClick={() => void session.markVerified(p.peerId)}>
                        They match
                      </Button>
                    )}
                  </li>
                );
              })}
            </ul>
          </section>
        </>
      )}
    </Dialog>
  );
}
