import { useEffect, useRef } from 'react';
import type { CallView, CallSession } from '../../call/CallSession.js';

const alertText = {
  'keys-changed': 'announced different encryption keys in the middle of the call',
  'identity-changed': 'was reported by the server as a different account',
} as const;

/** The call's encryption at a glance, the way to verify people, and the blocking warning when keys change. */
export function EncryptionStatus({ session, view }: { session: CallSession; view: CallView }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const warning = useRef<HTMLDialogElement>(null);
  const e2ee = view.e2ee;
  const names = new Map(view.participants.map((p) => [p.peerId, p.displayName]));
  const blocking = e2ee.keyAlerts.filter(
    (a): a is { alert: keyof typeof alertText; peerId: string } => a.alert in alertText,
  );
  useEffect(() => {
    if (blocking.length > 0 && !warning.current?.open) warning.current?.showModal();
    if (blocking.length === 0 && warning.current?.open) warning.current.close();
  }, [blocking.length]);
  if (e2ee.mode !== 'on') {
    return (
      <p role="alert" className="banner danger" data-e2ee="off">
        End-to-end encryption is OFF ({e2ee.mode === 'off-for-testing' ? 'test mode' : 'benchmark pass-through mode'}).
        This call is NOT private: the server can see and hear everything.
      </p>
    );
  }
  const changed = Object.entries(e2ee.peers).filter(([, p]) => p.trust === 'changed' && !p.verified);
  return (
    <>
      <p className="e2ee-status" data-e2ee={e2ee.sending}>
        {e2ee.sending === 'encrypting'
          ? 'End-to-end encrypted: only the people in this call can see and hear it.'
          : 'Setting up end-to-end encryption… nothing is sent until it is ready.'}{' '}
        <button type="button" onClick={() => dialog.current?.showModal()}>
          Verify participants
        </button>
      </p>
      {changed.map(([peerId]) => (
        <p role="alert" className="banner" key={peerId}>
          {names.get(peerId) ?? 'Someone'} is using a key this device has not seen for them before (a new device, or
          someone pretending). Compare the emoji with them before saying anything sensitive.
        </p>
      ))}
      {e2ee.failing.map((peerId) => (
        <p role="alert" className="banner" key={`failing-${peerId}`}>
          Frames from {names.get(peerId) ?? 'someone'} cannot be decrypted; their picture and sound are withheld.
        </p>
      ))}
      <dialog ref={warning} role="alertdialog" aria-labelledby="key-warning-title" data-key-warning>
        <h2 id="key-warning-title">Someone may be listening in</h2>
        {blocking.map(({ alert, peerId }) => (
          <p key={`${alert}-${peerId}`}>
            <strong>{names.get(peerId) ?? 'A participant'}</strong> {alertText[alert]}. Parley has stopped sending them
            your encryption keys. Do not discuss anything sensitive until you have compared the emoji with them again
            (in the verification list), or they have left and rejoined.
          </p>
        ))}
        <form method="dialog">
          <button type="button" onClick={() => dialog.current?.showModal()}>
            Compare emoji
          </button>{' '}
          <button>I understand</button>
        </form>
      </dialog>
      <dialog ref={dialog} aria-label="Verify participants">
        <h2>Verify participants</h2>
        <p>Call security code — everyone should see the same digits. If they differ, someone may be listening in.</p>
        <p className="security-code" data-security-code={e2ee.securityCode}>
          {e2ee.securityCode}
        </p>
        <p>Or compare these emoji with one person (read them aloud, in a call or in person):</p>
        <ul>
          {Object.entries(e2ee.peers).map(([peerId, peer]) => (
            <li key={peerId}>
              <strong>{names.get(peerId) ?? 'Participant'}</strong>{' '}
              <span className="emoji" data-peer={peerId}>
                {peer.emoji.join(' ')}
              </span>{' '}
              {peer.verified && peer.lock !== 'keys-changed' ? (
                <span className="verified">Verified</span>
              ) : (
                <button type="button" onClick={() => void session.markVerified(peerId)}>
                  They match
                </button>
              )}
            </li>
          ))}
        </ul>
        <form method="dialog">
          <button>Close</button>
        </form>
      </dialog>
    </>
  );
}
