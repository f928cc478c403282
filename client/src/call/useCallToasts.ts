// Toasts for what happens in a call — someone joined or left, a host muted
// you, a knock (with Admit / Deny), a screen share, a key warning — derived
// from changes of the call's view. Toasts are announced to screen readers.
import { useEffect, useRef } from 'react';
import { useToasts } from '../ui/Toasts.js';
import type { CallSession, CallView } from './CallSession.js';

export function useCallToasts(session: CallSession, view: CallView): void {
  const { show, dismiss } = useToasts();
  const previous = useRef<CallView | undefined>(undefined);
  useEffect(() => {
    const before = previous.current;
    previous.current = view;
    if (!before) return;
    const names = new Map(before.participants.map((p) => [p.peerId, p.displayName]));
    const now = new Set(view.participants.map((p) => p.peerId));
    for (const p of view.participants)
      if (!names.has(p.peerId)) show({ title: `${p.displayName} joined`, tone: 'success', duration: 3000 });
    for (const [peerId, name] of names) if (!now.has(peerId)) show({ title: `${name} left`, duration: 3000 });
    if (view.local.mutedByHost && !before.local.mutedByHost)
      show({ title: 'A host muted you', description: 'Unmute when you want to speak.', tone: 'warning' });
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
    // Knocks: one toast per person waiting, with Admit and Deny, until answered.
    const waitingBefore = new Set(before.lobby.map((w) => w.peerId));
    if (view.isHost)
      for (const waiting of view.lobby)
        if (!waitingBefore.has(waiting.peerId))
          show({
            key: `knock-${waiting.peerId}`,
            title: `${waiting.displayName} wants to join`,
            duration: Infinity,
            actions: [
              { label: `Admit ${waiting.displayName}`, onClick: () => void session.admit(waiting.peerId) },
              { label: `Deny ${waiting.displayName}`, onClick: () => void session.deny(waiting.peerId) },
            ],
          });
    const waitingNow = new Set(view.lobby.map((w) => w.peerId));
    for (const peerId of waitingBefore) if (!waitingNow.has(peerId)) dismiss(`knock-${peerId}`);
  }, [view, session, show, dismiss]);
}
