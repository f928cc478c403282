// After login: one obvious way to start a call, one to join one, and what
// the encryption means. The account lives in the header's menu.
import { ArrowRight, KeyRound, LockKeyhole, ServerOff, Video } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { LinkIdSchema, LinkSecretSchema, RoomIdSchema, linkPath, type Account, type CallProfile } from '@parley/shared';
import { useLocation } from 'wouter';
import { Button } from '../ui/Button.js';
import { Card } from '../ui/Card.js';
import { ErrorMessage, Field } from '../ui/Field.js';
import { MeetingLinks } from './MeetingLinks.js';
import { ProfileChoice } from './ProfileChoice.js';
import styles from './HomePage.module.css';

/**
 * Where a pasted call link or code leads (`/call?room=…` or a meeting link's
 * `/j/<id>#<secret>`); undefined when it is neither.
 */
export function destinationFromInput(input: string): string | undefined {
  const text = input.trim();
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    // Not a link: a room code.
  }
  const meeting = url?.pathname.match(/^\/j\/([^/]+)$/);
  if (url && meeting) {
    const id = LinkIdSchema.safeParse(meeting[1]);
    const secret = LinkSecretSchema.safeParse(url.hash.slice(1));
    return id.success && secret.success ? linkPath(id.data, secret.data) : undefined;
  }
  const room = RoomIdSchema.safeParse(url ? (url.searchParams.get('room') ?? '') : text);
  return room.success ? `/call?room=${encodeURIComponent(room.data)}` : undefined;
}

export function HomePage({ account }: { account: Account }) {
  const [, navigate] = useLocation();
  const [link, setLink] = useState('');
  const [profile, setProfile] = useState<CallProfile>('standard');
  const [error, setError] = useState<string>();
  const join = (event: FormEvent) => {
    event.preventDefault();
    const destination = destinationFromInput(link);
    if (!destination) return setError('That is not a Parley call link or code. Paste the whole link you were sent.');
    navigate(destination);
  };
  return (
    <div className={styles.home}>
      <section className={styles.hero} aria-labelledby="home-title">
        <p className={styles.greeting}>Hello, {account.username}</p>
        <h1 id="home-title">Private video calls, encrypted end to end</h1>
        <p className={styles.lead}>
          Start a call and send the link. Only the people in the call can see and hear it — not the server, not us.
        </p>
        <ProfileChoice name="call-profile" value={profile} onChange={setProfile} />
        <Button
          variant="primary"
          size="large"
          onClick={() => navigate(profile === 'sensitive' ? '/call?profile=sensitive' : '/call')}
        >
          <Video aria-hidden="true" size={22} /> New call
        </Button>
        <form className={styles.join} onSubmit={join} aria-labelledby="join-title">
          <h2 id="join-title" className={styles.joinTitle}>
            Join with a link or code
          </h2>
          <div className={styles.joinRow}>
            <Field
              label="Call link or code"
              className={styles.joinField}
              value={link}
              onChange={(event) => (setLink(event.target.value), setError(undefined))}
              placeholder="https://…/call?room=…"
              autoComplete="off"
              spellCheck={false}
            />
            <Button type="submit" className={styles.joinButton}>
              Join <ArrowRight aria-hidden="true" size={18} />
            </Button>
          </div>
          <ErrorMessage error={error} />
        </form>
      </section>
      <aside className={styles.facts} aria-label="How your calls are protected">
        <Card>
          <h2 className={styles.factTitle}>
            <LockKeyhole aria-hidden="true" size={20} /> Encrypted in your browser
          </h2>
          <p>
            Audio, video and screens are encrypted before they leave your device (SFrame, RFC 9605), with keys the
            server never holds.
          </p>
        </Card>
        <Card>
          <h2 className={styles.factTitle}>
            <KeyRound aria-hidden="true" size={20} /> Check who is listening
          </h2>
          <p>
            Every call has a security code. If everyone sees the same digits, nobody was slipped in unseen. Compare
            emoji with one person to verify them.
          </p>
        </Card>
        <Card>
          <h2 className={styles.factTitle}>
            <ServerOff aria-hidden="true" size={20} /> Nothing about your calls is kept
          </h2>
          <p>
            No call history, no recordings, no analytics. <a href="/privacy">See exactly what is stored</a>.
          </p>
        </Card>
      </aside>
      <MeetingLinks />
    </div>
  );
}
