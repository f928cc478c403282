// The organiser's meeting links: calls people join later, guests without an
// account included. Make one (standard or sensitive, for one guest or many,
// how long it lasts unused), copy it, start its call, end it.
import { CalendarClock, Copy, Link2, Play, Trash2 } from 'lucide-react';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { CallProfile, MeetingLink } from '@parley/shared';
import { useLocation } from 'wouter';
import { createLink, linkUrl, listLinks, revokeLink } from '../api/linksClient.js';
import { Button } from '../ui/Button.js';
import { Card, Notice } from '../ui/Card.js';
import { Dialog } from '../ui/Dialog.js';
import { ErrorMessage, Field } from '../ui/Field.js';
import { ProfileChoice } from './ProfileChoice.js';
import styles from './HomePage.module.css';

const date = (seconds: number) => new Date(seconds * 1000).toLocaleDateString(undefined, { dateStyle: 'medium' });

export function MeetingLinks() {
  const [links, setLinks] = useState<MeetingLink[]>();
  const [error, setError] = useState<string>();
  const [copied, setCopied] = useState<string>();
  const [revoking, setRevoking] = useState<MeetingLink>();
  const [, navigate] = useLocation();
  const refresh = useCallback(
    () =>
      listLinks().then(setLinks, (caught: unknown) =>
        setError(caught instanceof Error ? caught.message : 'Could not load your links.'),
      ),
    [],
  );
  useEffect(() => void refresh(), [refresh]);

  const copy = (link: MeetingLink) =>
    void navigator.clipboard.writeText(linkUrl(link)).then(
      () => setCopied(link.id),
      () => setError('The link could not be copied; select it and copy it by hand.'),
    );
  const start = (link: MeetingLink) => navigate(`/j/${link.id}#${link.secret}`);

  return (
    <Card aria-labelledby="links-title" className={styles.links}>
      <h2 id="links-title" className={styles.factTitle}>
        <Link2 aria-hidden="true" size={20} /> Meeting links
      </h2>
      <p className={styles.muted}>
        For calls people join later, without an account: appointments, lessons, visits. The call starts when you open
        the link; guests wait until then, and knock.
      </p>
      <NewLink onCreated={(link) => (setLinks((all) => [link, ...(all ?? [])]), setCopied(undefined))} />
      <ErrorMessage error={error} />
      {links && links.length === 0 && <p className={styles.muted}>No links yet.</p>}
      {links && links.length > 0 && (
        <ul className={styles.linkList}>
          {links.map((link) => (
            <li key={link.id} className={styles.linkItem}>
              <div className={styles.linkText}>
                <span className={styles.badges}>
                  <span className={link.profile === 'sensitive' ? styles.sensitiveBadge : styles.badge}>
                    {link.profile === 'sensitive' ? 'Sensitive' : 'Standard'}
                  </span>
                  {link.singleUse && <span className={styles.badge}>One guest</span>}
                  <span className={styles.badge}>
                    <CalendarClock aria-hidden="true" size={12} /> until {date(link.expiresAt)}
                  </span>
                </span>
                <code className={styles.linkUrl}>{linkUrl(link)}</code>
                {copied === link.id && (
                  <span role="status" className={styles.copied}>
                    Copied
                  </span>
                )}
              </div>
              <span className={styles.linkActions}>
                <Button size="small" onClick={() => copy(link)} aria-label={`Copy link ${link.id}`}>
                  <Copy aria-hidden="true" size={16} /> Copy
                </Button>
                <Button
                  size="small"
                  variant="primary"
                  onClick={() => start(link)}
                  aria-label={`Start the call of link ${link.id}`}
                >
                  <Play aria-hidden="true" size={16} /> Start
                </Button>
                <Button
                  size="small"
                  variant="ghost"
                  onClick={() => setRevoking(link)}
                  aria-label={`End link ${link.id}`}
                >
                  <Trash2 aria-hidden="true" size={16} /> End
                </Button>
              </span>
            </li>
          ))}
        </ul>
      )}
      <Dialog
        open={revoking !== undefined}
        onOpenChange={(open) => !open && setRevoking(undefined)}
        title="End this link?"
        description="It stops working at once, for everyone you sent it to. A call running now goes on."
      >
        <div className={styles.dialogActions}>
          <Button
            variant="danger"
            onClick={() => {
              const link = revoking;
              setRevoking(undefined);
              if (link)
                void revokeLink(link.id).then(refresh, (caught: unknown) =>
                  setError(caught instanceof Error ? caught.message : 'Could not end the link.'),
                );
            }}
          >
            End link
          </Button>
          <Button onClick={() => setRevoking(undefined)}>Keep it</Button>
        </div>
      </Dialog>
    </Card>
  );
}

function NewLink({ onCreated }: { onCreated: (link: MeetingLink) => void }) {
  const [profile, setProfile] = useState<CallProfile>('standard');
  const [singleUse, setSingleUse] = useState(false);
  const [validDays, setValidDays] = useState('30');
  const [maxParticipants, setMaxParticipants] = useState('10');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    createLink({ profile, singleUse, validDays: Number(validDays), maxParticipants: Number(maxParticipants) })
      .then(onCreated, (caught: unknown) =>
        setError(caught instanceof Error ? caught.message : 'Could not make the link.'),
      )
      .finally(() => setBusy(false));
  };
  return (
    <form onSubmit={submit} aria-labelledby="new-link-title" className={styles.newLink}>
      <h3 id="new-link-title" className={styles.subTitle}>
        New link
      </h3>
      <ProfileChoice name="link-profile" value={profile} onChange={setProfile} />
      <label className={styles.checkbox}>
        <input type="checkbox" checked={singleUse} onChange={(e) => setSingleUse(e.target.checked)} />
        For one guest (an appointment): it stops working once they are let in
      </label>
      <div className={styles.fieldRow}>
        <Field
          label="Expires after this many days unused"
          type="number"
          min={1}
          max={365}
          required
          value={validDays}
          onChange={(e) => setValidDays(e.target.value)}
        />
        {profile === 'sensitive' && (
          <Field
            label="At most this many people"
            type="number"
            min={2}
            max={50}
            required
            value={maxParticipants}
            onChange={(e) => setMaxParticipants(e.target.value)}
          />
        )}
      </div>
      {profile === 'sensitive' && (
        <Notice tone="info">Everyone knocks; guests join with camera and microphone off until you allow them.</Notice>
      )}
      <ErrorMessage error={error} />
      <Button type="submit" disabled={busy}>
        <Link2 aria-hidden="true" size={18} /> Make link
      </Button>
    </form>
  );
}
