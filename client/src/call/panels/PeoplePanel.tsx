// Who is in the call and who is waiting, each with who the server says they
// are (an account's username, or "Guest"); hosts admit, deny, mute, lower a
// hand, allow a guest of a sensitive call to speak or share, appoint another
// host, remove (after a confirmation), lock and end.
import {
  BadgeCheck,
  Check,
  Copy,
  Crown,
  Hand,
  Lock,
  LockOpen,
  Mic,
  MicOff,
  ScreenShare,
  ScreenShareOff,
  UserMinus,
  UserPlus,
  VideoOff,
  X,
} from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { Button } from '../../ui/Button.js';
import { Dialog } from '../../ui/Dialog.js';
import type { CallSession, CallView, RemoteParticipant } from '../CallSession.js';
import { IdentityTag } from '../people/IdentityTag.js';
import styles from './panels.module.css';

type Props = {
  session: CallSession;
  view: CallView;
  selfName: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onCopyLink: () => void;
};

export function PeoplePanel({ session, view, selfName, open, onOpenChange, onCopyLink }: Props) {
  const [removing, setRemoving] = useState<RemoteParticipant>();
  const [ending, setEnding] = useState(false);
  const count = view.participants.length + 1;
  const sensitive = view.call.profile === 'sensitive';
  const allow = (p: RemoteParticipant, change: Partial<RemoteParticipant['permissions']>) =>
    void session.host.allowMedia(p.peerId, { ...p.permissions, ...change });
  return (
    <>
      <Dialog open={open} onOpenChange={onOpenChange} title="People" kind="sheet" tone="stage">
        {(view.isHost || !sensitive) && (
          <section className={styles.section} aria-labelledby="invite-title">
            <h3 id="invite-title" className={styles.heading}>
              Invite
            </h3>
            <p className={styles.link}>{window.location.href}</p>
            <Button size="small" onClick={onCopyLink}>
              <Copy aria-hidden="true" size={16} /> Copy invite link
            </Button>
          </section>
        )}
        {view.isHost && view.lobby.length > 0 && (
          <section className={styles.section} aria-labelledby="lobby-title">
            <h3 id="lobby-title" className={styles.heading}>
              Waiting to join ({view.lobby.length})
            </h3>
            <ul className={styles.people}>
              {view.lobby.map(({ peerId, displayName, identity }) => (
                <li key={peerId} className={styles.person} data-waiting={displayName}>
                  <span className={styles.personName}>{displayName}</span>
                  <IdentityTag identity={identity} />
                  <span className={styles.actions}>
                    <Button
                      size="small"
                      variant="primary"
                      onClick={() => void session.host.admit(peerId)}
                      aria-label={`Admit ${displayName}`}
                    >
                      <Check aria-hidden="true" size={16} /> Admit
                    </Button>
                    <Button
                      size="small"
                      onClick={() => void session.host.deny(peerId)}
                      aria-label={`Deny ${displayName}`}
                    >
                      <X aria-hidden="true" size={16} /> Deny
                    </Button>
                  </span>
                </li>
              ))}
            </ul>
          </section>
        )}
        <section className={styles.section} aria-labelledby="in-call-title">
          <h3 id="in-call-title" className={styles.heading}>
            In this call ({count})
          </h3>
          <ul className={styles.people}>
            <li className={styles.person}>
              <span className={styles.personName}>{selfName} (you)</span>
              <Badges host={view.isHost} muted={view.local.micMuted} hand={view.handRaised} />
            </li>
            {view.participants.map((p) => (
              <li key={p.peerId} className={styles.person} data-person={p.displayName}>
                <span className={styles.personName}>{p.displayName}</span>
                <IdentityTag identity={p.identity} />
                <Badges
                  host={p.isHost}
                  muted={p.audioMuted}
                  hand={p.handRaised}
                  keys={p.keyStatus}
                  verified={view.e2ee.peers[p.peerId]?.verified === true}
                  listening={!p.permissions.speak}
                />
                {view.isHost && (
                  <span className={styles.actions}>
                    {sensitive && p.identity.kind === 'guest' && (
                      <IconAction
                        label={
                          p.permissions.speak
                            ? `Take back ${p.displayName}’s microphone and camera`
                            : `Allow ${p.displayName} to use their microphone and camera`
                        }
                        onClick={() => allow(p, { speak: !p.permissions.speak })}
                      >
                        {p.permissions.speak ? <VideoOff size={16} /> : <Mic size={16} />}
                      </IconAction>
                    )}
                    {sensitive && p.identity.kind === 'guest' && (
                      <IconAction
                        label={
                          p.permissions.share
                            ? `Stop ${p.displayName} sharing their screen`
                            : `Allow ${p.displayName} to share their screen`
                        }
                        onClick={() => allow(p, { share: !p.permissions.share })}
                      >
                        {p.permissions.share ? <ScreenShareOff size={16} /> : <ScreenShare size={16} />}
                      </IconAction>
                    )}
                    {!p.audioMuted && (
                      <IconAction
                        label={`Mute ${p.displayName}`}
                        onClick={() => void session.host.muteParticipant(p.peerId)}
                      >
                        <MicOff size={16} />
                      </IconAction>
                    )}
                    {p.handRaised && (
                      <IconAction
                        label={`Lower ${p.displayName}’s hand`}
                        onClick={() => void session.host.lowerHand(p.peerId)}
                      >
                        <Hand size={16} />
                      </IconAction>
                    )}
                    {!p.isHost && p.identity.kind === 'account' && (
                      <IconAction
                        label={`Make ${p.displayName} a host`}
                        onClick={() => void session.host.makeHost(p.peerId)}
                      >
                        <UserPlus size={16} />
                      </IconAction>
                    )}
                    <IconAction label={`Remove ${p.displayName}`} onClick={() => setRemoving(p)} danger>
                      <UserMinus size={16} />
                    </IconAction>
                  </span>
                )}
              </li>
            ))}
          </ul>
        </section>
        {view.isHost && (
          <section className={styles.section} aria-labelledby="host-title">
            <h3 id="host-title" className={styles.heading}>
              Host controls
            </h3>
            <p className={styles.muted}>
              {view.locked ? 'The call is locked: nobody new can knock.' : 'New people knock, and a host lets them in.'}
            </p>
            {sensitive && (
              <p className={styles.muted}>
                Sensitive call: everyone knocks, guests start with camera and microphone off, at most{' '}
                {view.call.maxParticipants} people, and the call ends when the last host leaves.
              </p>
            )}
            <div className={styles.row}>
              <Button size="small" onClick={() => void session.setLocked(!view.locked)}>
                {view.locked ? <LockOpen aria-hidden="true" size={16} /> : <Lock aria-hidden="true" size={16} />}
                {view.locked ? 'Unlock call' : 'Lock call'}
              </Button>
              <Button size="small" variant="danger" onClick={() => setEnding(true)}>
                End call for everyone
              </Button>
            </div>
          </section>
        )}
      </Dialog>
      <Dialog
        open={removing !== undefined}
        onOpenChange={(next) => !next && setRemoving(undefined)}
        title={`Remove ${removing?.displayName ?? ''} from the call?`}
        description="They leave at once and get no more keys: nothing said after this reaches them. They can knock again; a host decides."
        tone="stage"
      >
        <div className={styles.row}>
          <Button
            variant="danger"
            onClick={() => {
              if (removing) void session.host.remove(removing.peerId);
              setRemoving(undefined);
            }}
          >
            Remove
          </Button>
          <Button onClick={() => setRemoving(undefined)}>Cancel</Button>
        </div>
      </Dialog>
      <Dialog
        open={ending}
        onOpenChange={setEnding}
        title="End the call for everyone?"
        description="Everyone leaves at once. Nothing about the call is kept."
        tone="stage"
      >
        <div className={styles.row}>
          <Button variant="danger" onClick={() => (setEnding(false), void session.host.endCall())}>
            End call
          </Button>
          <Button onClick={() => setEnding(false)}>Cancel</Button>
        </div>
      </Dialog>
    </>
  );
}

type BadgeProps = {
  host: boolean;
  muted: boolean;
  hand: boolean;
  keys?: string;
  /** We compared emoji with them (kept on this device only). */
  verified?: boolean;
  /** A guest of a sensitive call whom no host has allowed to speak yet. */
  listening?: boolean;
};

function Badges({ host, muted, hand, keys, verified, listening }: BadgeProps) {
  return (
    <span className={styles.badges}>
      {verified && (
        <span className={`${styles.badge} ${styles.verifiedBadge}`}>
          <BadgeCheck aria-hidden="true" size={12} /> Verified
        </span>
      )}
      {listening && <span className={styles.badge}>Listening only</span>}
      {host && (
        <span className={styles.badge}>
          <Crown aria-hidden="true" size={12} /> Host
        </span>
      )}
      {hand && (
        <span className={`${styles.badge} ${styles.hand}`}>
          <Hand aria-hidden="true" size={12} /> Hand raised
        </span>
      )}
      {muted && !listening && <span className={styles.badge}>Muted</span>}
      {keys === 'awaiting-keys' && <span className={styles.badge}>Joining…</span>}
      {(keys === 'changed' || keys === 'invalid') && (
        <span className={`${styles.badge} ${styles.alert}`}>Keys not trusted</span>
      )}
    </span>
  );
}

function IconAction({
  label,
  onClick,
  danger,
  children,
}: {
  label: string;
  onClick: () => void;
  danger?: boolean;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      className={danger ? `${styles.iconAction} ${styles.danger}` : styles.iconAction}
      aria-label={label}
      title={label}
      onClick={onClick}
    >
      <span aria-hidden="true">{children}</span>
    </button>
  );
}
