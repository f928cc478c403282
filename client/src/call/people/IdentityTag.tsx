// Who someone is, as the server vouches for it, next to the name they chose:
// "@username" for an account (verified at login), "Guest" for someone who came
// with a meeting link. Shown wherever a host decides (knocks, the people list,
// tiles), so nobody knocks as "Dr Smith (host)" unnoticed.
import { BadgeCheck, UserRound } from 'lucide-react';
import type { Identity } from '@parley/shared';
import styles from './IdentityTag.module.css';

/** The identity in words, for toasts and labels. */
export function identityText(identity: Identity): string {
  return identity.kind === 'guest' ? 'Guest, no account' : `Signed in as @${identity.username}`;
}

export function IdentityTag({ identity }: { identity: Identity }) {
  return identity.kind === 'guest' ? (
    <span
      className={`${styles.tag} ${styles.guest}`}
      data-identity="guest"
      title="A guest: no account, a name they chose"
    >
      <UserRound aria-hidden="true" size={12} /> Guest
    </span>
  ) : (
    <span
      className={`${styles.tag} ${styles.account}`}
      data-identity={identity.username}
      title={`Signed in as @${identity.username}`}
    >
      <BadgeCheck aria-hidden="true" size={12} /> @{identity.username}
    </span>
  );
}
