// The call itself: a full-window dark stage, a top bar (encryption state,
// connection, count), the toolbar, side panels (people, chat, security), dialogs
// and toasts.
import { HeartHandshake, Lock, ShieldAlert, Users } from 'lucide-react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useToasts } from '../ui/Toasts.js';
import { CallBanners } from './CallBanners.js';
import type { CallSession, CallView } from './CallSession.js';
import { ConnectionStatus } from './controls/ConnectionStatus.js';
import { Toolbar, type ToolbarActions } from './controls/Toolbar.js';
import { RemoteAudio } from './media/RemoteAudio.js';
import { ChatPanel, useChatEntries } from './panels/ChatPanel.js';
import { DevicesDialog } from './panels/DevicesDialog.js';
import { KeyWarning } from './panels/KeyWarning.js';
import { PeoplePanel } from './panels/PeoplePanel.js';
import { SecurityPanel } from './panels/SecurityPanel.js';
import type { Quality } from './RemoteMedia.js';
import { Stage, type Layout } from './stage/Stage.js';
import { useCallToasts } from './useCallToasts.js';
import styles from './InCall.module.css';

type Props = {
  session: CallSession;
  view: CallView;
  selfName: string;
  speakerId: string | undefined;
  onLeave: () => void;
};

export function InCall({ session, view, selfName, speakerId: initialSpeaker, onLeave }: Props) {
  const [panel, setPanel] = useState<'people' | 'chat' | 'security' | undefined>();
  const { unread } = useChatEntries(session.chat);
  const [devicesOpen, setDevicesOpen] = useState(false);
  const [chosenLayout, setLayout] = useState<Layout | undefined>();
  const [speakerId, setSpeakerId] = useState(initialSpeaker);
  const [acknowledgedAlerts, setAcknowledged] = useState(0);
  const [quality, setQuality] = useState(new Map<string, Quality>());
  const { show } = useToasts();
  useCallToasts(session, view);

  useEffect(() => {
    let live = true;
    const timer = setInterval(() => void session.connectionQuality().then((q) => live && setQuality(q)), 2000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [session]);

  // Someone shares a screen: the speaker layout shows it large, unless the person chose a layout.
  const sharing = view.participants.some((p) => p.tracks.some((t) => t.source === 'screen'));
  const layout = chosenLayout ?? (sharing ? 'speaker' : 'grid');
  const failure = useCallback(
    (what: string) => (error: unknown) =>
      show({ title: what, description: error instanceof Error ? error.message : undefined, tone: 'danger' }),
    [show],
  );
  const { speak, share } = view.permissions;
  const actions: ToolbarActions = useMemo(() => {
    const notAllowed = (what: string) =>
      show({ title: `A host has not allowed your ${what} yet`, description: 'Raise your hand to ask.' });
    return {
      toggleMicrophone: () =>
        speak
          ? void session.local
              .setMicrophoneMuted(!view.local.micMuted)
              .catch(failure('The microphone could not be switched'))
          : notAllowed('microphone'),
      toggleCamera: () =>
        speak
          ? void session.local.setCameraOff(!view.local.cameraOff).catch(failure('The camera could not be switched'))
          : notAllowed('camera'),
      toggleScreen: () =>
        share || view.local.sharingScreen
          ? void (view.local.sharingScreen ? session.local.stop('screen') : session.local.startScreenShare()).catch(
              failure('Screen sharing did not start'),
            )
          : notAllowed('screen sharing'),
      toggleHand: () => void session.raiseHand(!view.handRaised).catch(failure('Your hand could not be raised')),
      openPanel: setPanel,
      openDevices: () => setDevicesOpen(true),
      setLayout,
      copyLink: () =>
        void navigator.clipboard
          .writeText(window.location.href)
          .then(() => show({ title: 'Invite link copied', tone: 'success' }), failure('The link could not be copied')),
      leave: onLeave,
    };
  }, [session, view.local, view.handRaised, speak, share, failure, show, onLeave]);

  const e2ee = view.e2ee;
  const keysChanged = e2ee.keyAlerts.length > 0;
  return (
    <div className={styles.call}>
      <header className={styles.topbar}>
        <span className={styles.title}>Parley call</span>
        {e2ee.mode === 'on' ? (
          <button
            type="button"
            className={`${styles.pill} ${keysChanged ? styles.warningPill : styles.securePill}`}
            onClick={() => setPanel('security')}
            data-e2ee={e2ee.sending}
          >
            {keysChanged ? <ShieldAlert aria-hidden="true" size={16} /> : <Lock aria-hidden="true" size={16} />}
            <span>
              {keysChanged
                ? 'Encryption warning'
                : e2ee.sending === 'encrypting'
                  ? 'End-to-end encrypted'
                  : 'Securing…'}
            </span>
          </button>
        ) : null}
        {view.call.profile === 'sensitive' && (
          <span
            className={`${styles.pill} ${styles.sensitivePill}`}
            title="Sensitive call: see the People panel for its rules"
          >
            <HeartHandshake aria-hidden="true" size={16} />
            <span className={styles.pillText}>Sensitive call</span>
          </span>
        )}
        <span className={styles.spacer} />
        <ConnectionStatus session={session} />
        <span className={styles.pill}>
          <Users aria-hidden="true" size={16} />
          <span>
            {view.participants.length + 1}
            <span className="visually-hidden"> in the call</span>
          </span>
        </span>
      </header>
      <CallBanners view={view} onVerify={() => setPanel('security')} />
      <Stage session={session} view={view} layout={layout} selfName={selfName} quality={quality} />
      <Toolbar view={view} layout={layout} actions={actions} unread={unread} />
      <RemoteAudio participants={view.participants} speakerId={speakerId} />
      <PeoplePanel
        session={session}
        view={view}
        selfName={selfName}
        open={panel === 'people'}
        onOpenChange={(open) => setPanel(open ? 'people' : undefined)}
        onCopyLink={actions.copyLink}
      />
      {session.chat && (
        <ChatPanel
          chat={session.chat}
          view={view}
          open={panel === 'chat'}
          onOpenChange={(open) => setPanel(open ? 'chat' : undefined)}
        />
      )}
      <SecurityPanel
        session={session}
        view={view}
        open={panel === 'security'}
        onOpenChange={(open) => setPanel(open ? 'security' : undefined)}
      />
      <DevicesDialog
        session={session}
        view={view}
        open={devicesOpen}
        onOpenChange={setDevicesOpen}
        speakerId={speakerId}
        onSpeaker={setSpeakerId}
      />
      <KeyWarning
        view={view}
        open={e2ee.keyAlerts.length > acknowledgedAlerts}
        onAcknowledge={() => setAcknowledged(e2ee.keyAlerts.length)}
        onCompare={() => (setAcknowledged(e2ee.keyAlerts.length), setPanel('security'))}
        onLeave={onLeave}
      />
    </div>
  );
}
