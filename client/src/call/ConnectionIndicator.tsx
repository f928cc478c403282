import { useEffect, useState } from 'react';
import type { CallSession } from './CallSession.js';

type Quality = 'good' | 'reconnecting' | 'lost' | 'starting';

const text: Record<Quality, string> = {
  starting: 'Connecting…',
  good: 'Connection good',
  reconnecting: 'Connection unstable, reconnecting…',
  lost: 'Connection lost',
};

/** The worse of the send and receive transports' states, checked every two seconds. */
export function ConnectionIndicator({ session }: { session: CallSession }) {
  const [quality, setQuality] = useState<Quality>('starting');
  useEffect(() => {
    const check = () =>
      void session.diagnostics().then(({ transports }) => {
        const states = [transports.send, transports.recv];
        if (states.includes('failed') || states.includes('closed')) setQuality('lost');
        else if (states.includes('disconnected')) setQuality('reconnecting');
        else if (states.every((s) => s === 'connected')) setQuality('good');
        else setQuality('starting');
      });
    check();
    const timer = setInterval(check, 2000);
    return () => clearInterval(timer);
  }, [session]);
  return (
    <p role="status" className={`connection ${quality}`}>
      {text[quality]}
    </p>
  );
}
