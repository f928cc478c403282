// The bottom toolbar: microphone, camera, screen, hand, people, chat,
// security, more, leave. Ctrl+D and Ctrl+E (⌘ on a Mac) toggle microphone
// and camera from anywhere in the call, as in other call apps.
import {
  Hand,
  LayoutGrid,
  Lock,
  MessageSquare,
  Mic,
  MicOff,
  MonitorUp,
  MonitorX,
  MoreVertical,
  PhoneOff,
  Settings2,
  Shield,
  ShieldAlert,
  Users,
  Video,
  VideoOff,
  Maximize,
  Link as LinkIcon,
} from 'lucide-react';
import { useEffect } from 'react';
import { Menu } from '../../ui/Menu.js';
import type { CallView } from '../CallSession.js';
import type { Layout } from '../stage/Stage.js';
import { RoundButton } from './RoundButton.js';
import styles from './Toolbar.module.css';

export type ToolbarActions = {
  toggleMicrophone: () => void;
  toggleCamera: () => void;
  toggleScreen: () => void;
  toggleHand: () => void;
  openPanel: (panel: 'people' | 'chat' | 'security') => void;
  openDevices: () => void;
  setLayout: (layout: Layout) => void;
  copyLink: () => void;
  leave: () => void;
};

const mac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const key = (letter: string) => `${mac ? '⌘' : 'Ctrl'}+${letter}`;

export function Toolbar({
  view,
  layout,
  actions,
  unread,
}: {
  view: CallView;
  layout: Layout;
  actions: ToolbarActions;
  /** Chat messages and files that came while the chat was closed. */
  unread: number;
}) {
  const { micMuted, cameraOff, sharingScreen } = view.local;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(mac ? event.metaKey : event.ctrlKey) || event.altKey || event.shiftKey) return;
      const letter = event.key.toLowerCase();
      if (letter === 'd') actions.toggleMicrophone();
      else if (letter === 'e') actions.toggleCamera();
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [actions]);
  const keysChanged = view.e2ee.keyAlerts.length > 0;
  // Guests of a sensitive call: nothing until a host allows it. The buttons stay focusable and say why.
  const { speak, share } = view.permissions;
  const notAllowed = (what: string) => ({
    'aria-disabled': true as const,
    tooltip: `A host has not allowed your ${what} yet`,
  });
  return (
    <div role="toolbar" aria-label="Call controls" className={styles.toolbar}>
      <div className={styles.group}>
        <RoundButton
          icon={micMuted ? <MicOff size={22} /> : <Mic size={22} />}
          label={micMuted ? 'Unmute' : 'Mute'}
          shortcut={key('D')}
          tone={micMuted ? 'off' : 'normal'}
          onClick={actions.toggleMicrophone}
          {...(speak ? {} : notAllowed('microphone'))}
        />
        <RoundButton
          icon={cameraOff ? <VideoOff size={22} /> : <Video size={22} />}
          label={cameraOff ? 'Start camera' : 'Stop camera'}
          shortcut={key('E')}
          tone={cameraOff ? 'off' : 'normal'}
          onClick={actions.toggleCamera}
          {...(speak ? {} : notAllowed('camera'))}
        />
        <RoundButton
          icon={sharingScreen ? <MonitorX size={22} /> : <MonitorUp size={22} />}
          label={sharingScreen ? 'Stop sharing' : 'Share screen'}
          tone={sharingScreen ? 'active' : 'normal'}
          onClick={actions.toggleScreen}
          className={styles.wideOnly}
          {...(share ? {} : notAllowed('screen sharing'))}
        />
        <RoundButton
          icon={<Hand size={22} />}
          label={view.handRaised ? 'Lower hand' : 'Raise hand'}
          tone={view.handRaised ? 'active' : 'normal'}
          onClick={actions.toggleHand}
          className={styles.wideOnly}
        />
      </div>
      <div className={styles.group}>
        <RoundButton
          icon={<Users size={22} />}
          label="People"
          badge={view.isHost ? view.lobby.length : undefined}
          onClick={() => actions.openPanel('people')}
        />
        <RoundButton
          icon={<MessageSquare size={22} />}
          label="Chat"
          badge={unread || undefined}
          onClick={() => actions.openPanel('chat')}
        />
        <RoundButton
          icon={keysChanged ? <ShieldAlert size={22} /> : <Shield size={22} />}
          label="Security"
          tone={keysChanged ? 'off' : 'normal'}
          onClick={() => actions.openPanel('security')}
        />
        <Menu
          label="More options"
          tone="stage"
          trigger={<RoundButton icon={<MoreVertical size={22} />} label="More" />}
          items={[
            {
              label: sharingScreen ? 'Stop sharing' : 'Share screen',
              icon: <MonitorUp aria-hidden="true" size={16} />,
              onSelect: actions.toggleScreen,
            },
            {
              label: view.handRaised ? 'Lower hand' : 'Raise hand',
              icon: <Hand aria-hidden="true" size={16} />,
              onSelect: actions.toggleHand,
            },
            { kind: 'separator' },
            {
              kind: 'checkbox',
              label: 'Grid layout',
              icon: <LayoutGrid aria-hidden="true" size={16} />,
              checked: layout === 'grid',
              onSelect: () => actions.setLayout('grid'),
            },
            {
              kind: 'checkbox',
              label: 'Speaker layout',
              icon: <Maximize aria-hidden="true" size={16} />,
              checked: layout === 'speaker',
              onSelect: () => actions.setLayout('speaker'),
            },
            { kind: 'separator' },
            {
              label: 'Camera, microphone and speaker',
              icon: <Settings2 aria-hidden="true" size={16} />,
              onSelect: actions.openDevices,
            },
            { label: 'Copy invite link', icon: <LinkIcon aria-hidden="true" size={16} />, onSelect: actions.copyLink },
            {
              label: 'Verify participants',
              icon: <Lock aria-hidden="true" size={16} />,
              onSelect: () => actions.openPanel('security'),
            },
          ]}
        />
      </div>
      <div className={styles.group}>
        <RoundButton icon={<PhoneOff size={22} />} label="Leave" tone="danger" onClick={actions.leave} />
      </div>
    </div>
  );
}
