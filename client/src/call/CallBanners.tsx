// Notices above the stage, for what needs attention now: encryption off (test
// builds), a newer version, muted by a host, undecryptable streams, streams
// that could not be set up — and in sensitive calls: no host left (the call
// ends after a countdown), people the host has not verified yet, and a
// guest's "listening only" until a host allows more.
import { useEffect, useState } from 'react';
import { Button } from '../ui/Button.js';
import { Notice } from '../ui/Card.js';
import type { CallView } from './CallSession.js';
import styles from './InCall.module.css';

type Props = { view: CallView; onVerify: () => void };

export function CallBanners({ view, onVerify }: Props) {
  const e2ee = view.e2ee;
  const sensitive = view.call.profile === 'sensitive';
  // Sensitive calls prompt the host to compare emoji with each person let in, before discussing anything sensitive.
  const unverified =
    sensitive && view.isHost && e2ee.mode === 'on'
      ? view.participants.filter((p) => e2ee.peers[p.peerId] && !e2ee.peers[p.peerId]?.verified)
      : [];
  const notices = [
    e2ee.mode !== 'on' && (
      <Notice tone="danger" role="alert" data-e2ee="off" key="e2ee-off">
        End-to-end encryption is OFF ({e2ee.mode === 'off-for-testing' ? 'test mode' : 'benchmark pass-through mode'}).
        This call is NOT private: the server can see and hear everything.
      </Notice>
    ),
    view.endingAt !== undefined && <CallEnding key="ending" endingAt={view.endingAt} />,
    unverified.length > 0 && (
      <Notice tone="warning" role="status" key="verify" data-unverified={unverified.length}>
        <span>
          Before discussing anything sensitive, compare emoji with {unverified.map((p) => p.displayName).join(', ')}: it
          proves nobody else is on the line.
        </span>{' '}
        <Button size="small" onClick={onVerify}>
          Verify now
        </Button>
      </Notice>
    ),
    !view.permissions.speak && (
      <Notice tone="info" role="status" key="listening">
        You are listening only: a host allows you to use your camera and microphone. Raise your hand to ask.
      </Notice>
    ),
    view.updateAvailable && (
      <Notice tone="info" role="status" key="update">
        A newer version of Parley is available. <a href={window.location.href}>Reload</a> when convenient.
      </Notice>
    ),
    view.local.mutedByHost && (
      <Notice tone="warning" role="status" key="muted">
        A host muted you. Unmute when you want to speak.
      </Notice>
    ),
    ...e2ee.failing.map((peerId) => (
      <Notice tone="danger" role="alert" key={`failing-${peerId}`}>
        Frames from {view.participants.find((p) => p.peerId === peerId)?.displayName ?? 'someone'} cannot be decrypted;
        their picture and sound are withheld.
      </Notice>
    )),
    view.receiveFailures > 0 && (
      <Notice tone="warning" role="status" key="receive">
        Some video or sound could not be set up. It is tried again if your connection drops and comes back.
      </Notice>
    ),
  ].filter(Boolean);
  return notices.length > 0 ? <div className={styles.banners}>{notices}</div> : null;
}

/** No host is left in a sensitive call: it ends for everyone when this reaches zero, unless a host returns. */
function CallEnding({ endingAt }: { endingAt: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.ceil((endingAt - now) / 1000));
  return (
    <Notice tone="danger" role="alert" data-call-ending={seconds}>
      No host is left in this call. It ends for everyone in{' '}
      <span aria-hidden="true">
        {Math.floor(seconds / 60)}:{String(seconds % 60).padStart(2, '0')}
      </span>
      <span className="visually-hidden">{Math.ceil(seconds / 10) * 10} seconds</span> unless a host comes back.
    </Notice>
  );
}
