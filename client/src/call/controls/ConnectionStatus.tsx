// Our own connection: the worse of the send and receive transports' states.
import { Wifi, WifiOff } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { CallSession } from '../CallSession.js';
import styles from '../InCall.module.css';

type State = 'good' | 'reconnecting' | 'lost' | 'starting';

const text: Record<State, string> = {
  starting: 'Connecting…',
  good: 'Connection good',
  reconnecting: 'Connection unstable, reconnecting…',
  lost: 'Connection lost',
};

export function ConnectionStatus({ session }: { session: CallSession }) {
  const [state, setState] = useState<State>('starting');
  useEffect(() => {
    let live = true;
    const check = () =>
      void session.diagnostics().then(({ transports }) => {
        if (!live) return;
        const states = [transports.send, transports.recv];
        if (states.includes('failed') || states.includes('closed')) setState('lost');
        else if (states.includes('disconnected')) setState('reconnecting');
        else if (states.every((s) => s === 'connected')) setState('good');
        else setState('starting');
      });
    check();
    const timer = setInterval(check, 2000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [session]);
  return (
    <span role="status" className={`${styles.pill} ${styles[`connection-${state}`] ?? ''}`}>
      {state === 'lost' ? <WifiOff aria-hidden="true" size={16} /> : <Wifi aria-hidden="true" size={16} />}
      <span className={styles.pillText}>{text[state]}</span>
    </span>
  );
}
