import { ShieldCheck } from 'lucide-react';
import styles from './AppShell.module.css';

/** The name and mark, linking home. */
export function Brand() {
  return (
    <a href="/" className={styles.brand}>
      <span className={styles.mark} aria-hidden="true">
        <ShieldCheck size={20} strokeWidth={2.5} />
      </span>
      Parley
    </a>
  );
}
