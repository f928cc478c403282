// Toasts for what happens in a call — someone joined or left, a host muted
// you, a knock (with Admit / Deny and who the server says they are), a screen
// share, a key warning, a host allowing or taking back your camera and
// microphone — derived from changes of the call's view. Toasts are announced
// to screen readers.
import { useEffect, useRef } from 'react';
import { useToasts } from '../ui/Toasts.js';
import type { CallSession, CallView } from './CallSession.js';
import { identityText } from './people/IdentityTag.js';

export function useCallToasts(session: CallSession, view: CallView): void {
  const { show, dismiss } = useToasts();
  const previous = useRef<CallView | undefined>(undefined);
  useEffect(() => {
    const before = previous.current;
    previous.current = view;
    // Knocks: one toast per person waiting, with Admit and Deny, until answered. Also for those who knocked
    // while we were still joining (a meeting link's guests knock the moment its host starts the call), and
    // for those already waiting when we are made a host.
    const waitingBefore = new Set(before?.isHost ? before.lobby.map((w) => w.peerId) : []);
    if (view.isHost)
      for (const waiting of view.lobby)
        if (!waitingBefore.has(waiting.peerId))
          show({
            key: `knock-${waiting.peerId}`,
            title: `${waiting.displayName} wants to join`,
            description: identityText(waiting.identity),
            duration: Infinity,
            actions: [
              { label: `Admit ${waiting.displayName}`, onClick: () => void session.host.admit(waiting.peerId) },
              { label: `Deny ${waiting.displayName}`, onClick: () => void session.host.deny(waiting.peerId) },
            ],
          });
    const waitingNow = new Set(view.lobby.map((w) => w.peerId));
    for (const peerId of waitingBefore) if (!waitingNow.has(peerId)) dismiss(`knock-${peerId}`);
    if (!before) return;
    const names = new Map(before.participants.map((p) => [p.peerId, p.displayName]));
    const now = new Set(view.participants.map((p) => p.peerId));
    for (const p of view.participants)
      if (!names.has(p.peerId))
        show({
          title: `${p.displayName} joined`,
          description: identityText(p.identity),
          tone: 'success',
          duration: 3000,
        });
    for (const [peerId, name] of names) if (!now.has(peerId)) show({ title: `${name} left`, duration: 3000 });
    if (view.local.mutedByHost && !before.local.mutedByHost)
      show({ title: 'A host muted you', description: 'Unmute when you want to speak.', tone: 'warning' });
    if (view.permissions.speak && !before.permissions.speak)
      show({
        title: 'A host allowed your camera and microphone',
        description: 'They are still off: turn them on when you are ready.',
        tone: 'success',
      });
    if (!view.permissions.speak && before.permissions.speak)
      show({ title: 'A host turned off your camera and microphone', tone: 'warning' });
    if (view.permissions.share && !before.permissions.share) show({ title: 'A host allowed you to share your screen' });
    if (!view.permissions.share && before.permissions.share && before.local.sharingScreen)
      show({ title: 'A host stopped your screen sharing', tone: 'warning' });
    const sharing = (v: CallView) =>
      new Set(v.participants.filter((p) => p.tracks.some((t) => t.source === 'screen')).map((p) => p.peerId));
    const sharedBefore = sharing(before);
    for (const p of view.participants)
      if (sharing(view).has(p.peerId) && !sharedBefore.has(p.peerId))
        show({ title: `${p.displayName} is sharing their screen` });
    for (const p of view.participants) {
      const was = before.participants.find((q) => q.peerId === p.peerId);
      if (p.handRaised && was && !was.handRaised) show({ title: `${p.displayName} raised their hand` });
    }
    for (const alert of view.e2ee.keyAlerts.slice(before.e2ee.keyAlerts.length))
      show({
        title: 'Encryption warning',
        description: `${names.get(alert.peerId) ?? 'Someone'}: their keys changed. Compare emoji before going on.`,
        tone: 'danger',
        duration: 15_000,
      });
  }, [view, session, show, dismiss]);
}
