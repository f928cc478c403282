// A meeting link that does not work (expired, revoked, used up, mistyped):
// said plainly, with what to do.
import { Link2Off } from 'lucide-react';
import styles from './screens.module.css';

export function LinkProblem({ message }: { message: string }) {
  return (
    <main className={styles.screen} aria-labelledby="link-problem-title">
      <div role="alert" className={styles.message}>
        <Link2Off aria-hidden="true" size={28} />
        <h1 id="link-problem-title">This link does not work</h1>
        <p>{message}</p>
        <p>Ask the person who invited you for a new link. Nothing was sent and nothing was stored.</p>
      </div>
    </main>
  );
}
