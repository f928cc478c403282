// The frame of every page but the call: the brand, the account menu, the
// footer with the privacy page. Landmarks (banner, main, contentinfo) let
// screen-reader users jump straight to the content.
import { ChevronDown, CircleUser, LogOut, Settings, Shield } from 'lucide-react';
import type { ReactNode } from 'react';
import type { Account } from '@parley/shared';
import { useLocation } from 'wouter';
import { Menu } from '../ui/Menu.js';
import { Brand } from './Brand.js';
import styles from './AppShell.module.css';

export function AppShell({
  account,
  onLogOut,
  children,
}: {
  account: Account | undefined;
  onLogOut: () => void;
  children: ReactNode;
}) {
  const [, navigate] = useLocation();
  return (
    <div className={styles.shell}>
      <a href="#main" className={styles.skip}>
        Skip to content
      </a>
      <header className={styles.header}>
        <Brand />
        {account && (
          <Menu
            label="Account"
            trigger={
              <button type="button" className={styles.accountButton}>
                <CircleUser aria-hidden="true" size={20} />
                <span className={styles.username}>{account.username}</span>
                <ChevronDown aria-hidden="true" size={16} />
              </button>
            }
            items={[
              {
                label: 'Account and security',
                icon: <Settings aria-hidden="true" size={16} />,
                onSelect: () => navigate('/account'),
              },
              {
                label: 'What Parley stores',
                icon: <Shield aria-hidden="true" size={16} />,
                onSelect: () => navigate('/privacy'),
              },
              { kind: 'separator' },
              { label: 'Log out', icon: <LogOut aria-hidden="true" size={16} />, onSelect: onLogOut },
            ]}
          />
        )}
      </header>
      <main id="main" className={styles.main} tabIndex={-1}>
        {children}
      </main>
      <footer className={styles.footer}>
        <span>Parley — end-to-end encrypted video calls you can host yourself.</span>
        <nav aria-label="Footer">
          <a href="/privacy">Privacy: what is stored and why</a>
        </nav>
      </footer>
    </div>
  );
}
