// One participant's camera, or their screen share, on the stage: video (or
// their initial when there is none), name, microphone, connection quality,
// end-to-end encryption state and a raised hand; full screen on request.
import { Hand, Lock, LockOpen, Maximize2, MicOff, ShieldAlert, Signal, SignalLow, SignalMedium } from 'lucide-react';
import { useEffect, useRef, type ReactNode } from 'react';
import type { PeerSecurity } from '../../e2ee/CallEncryption.js';
import { Tooltip } from '../../ui/Tooltip.js';
import { IdentityTag } from '../people/IdentityTag.js';
import type { Quality } from '../RemoteMedia.js';
import styles from './Stage.module.css';

export type TileProps = {
  name: string;
  /** The tile's caption (the name, or "Carl’s screen"). */
  caption: string;
  track: MediaStreamTrack | undefined;
  kind: 'camera' | 'screen' | 'self';
  speaking?: boolean;
  micOff?: boolean;
  handRaised?: boolean;
  /** A guest (no account) is marked as one on their tile. */
  guest?: boolean;
  quality?: Quality | undefined;
  security?: PeerSecurity | undefined;
  /** Told the tile's width whenever it changes (to pick a simulcast layer). */
  onWidth?: ((width: number) => void) | undefined;
  className?: string;
};

const lockText = {
  encrypted: 'End-to-end encrypted',
  waiting: 'Waiting for their encryption key',
  failing: 'Cannot decrypt: their picture and sound are withheld',
  'keys-changed': 'Their keys changed: they receive nothing from you until verified',
} as const;

const qualityText: Record<Quality, string> = {
  good: 'Connection good',
  fair: 'Connection unstable',
  poor: 'Connection poor',
};

export function Tile(props: TileProps) {
  const { name, caption, track, kind, speaking = false, micOff, handRaised, guest, quality, security, onWidth } = props;
  const figure = useRef<HTMLElement>(null);
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (video.current) video.current.srcObject = track ? new MediaStream([track]) : null;
  }, [track]);
  useEffect(() => {
    const element = video.current;
    if (!element || !onWidth) return;
    const observer = new ResizeObserver(([entry]) => entry && onWidth(entry.contentRect.width));
    observer.observe(element);
    return () => observer.disconnect();
  }, [onWidth]);
  const fullScreen = () => void figure.current?.requestFullscreen?.().catch(() => undefined);
  const classes = [
    styles.tile,
    speaking ? styles.speaking : '',
    kind === 'screen' ? styles.screen : '',
    props.className ?? '',
  ];
  return (
    <figure ref={figure} className={classes.join(' ')} aria-label={caption}>
      {track ? (
        <video
          ref={video}
          className={kind === 'self' ? `${styles.video} ${styles.mirror}` : styles.video}
          autoPlay
          playsInline
          muted
        />
      ) : (
        <div className={styles.avatar} aria-hidden="true">
          <span>{initials(name)}</span>
        </div>
      )}
      <figcaption className={styles.caption}>
        {handRaised && <Indicator label="Hand raised" icon={<Hand size={16} />} tone="hand" />}
        {micOff && <Indicator label="Microphone off" icon={<MicOff size={16} />} />}
        <span className={styles.name}>{caption}</span>
        {guest && <IdentityTag identity={{ kind: 'guest' }} />}
        {speaking && <span className="visually-hidden"> (speaking)</span>}
      </figcaption>
      <div className={styles.status}>
        {security && <LockBadge security={security} />}
        {quality && <QualityBadge quality={quality} />}
        {kind !== 'self' && (
          <Tooltip content="Full screen">
            <button
              type="button"
              className={styles.fullScreen}
              onClick={fullScreen}
              aria-label={`Full screen: ${caption}`}
            >
              <Maximize2 aria-hidden="true" size={16} />
            </button>
          </Tooltip>
        )}
      </div>
    </figure>
  );
}

function Indicator({ label, icon, tone }: { label: string; icon: ReactNode; tone?: 'hand' }) {
  return (
    <span
      className={tone === 'hand' ? `${styles.indicator} ${styles.hand}` : styles.indicator}
      role="img"
      aria-label={label}
    >
      {icon}
    </span>
  );
}

function LockBadge({ security }: { security: PeerSecurity }) {
  const Icon = security.lock === 'encrypted' ? Lock : security.lock === 'waiting' ? LockOpen : ShieldAlert;
  const text = lockText[security.lock] + (security.verified ? ' · verified' : '');
  return (
    <Tooltip content={text}>
      <span
        className={`${styles.badge} ${styles[`lock-${security.lock}`] ?? ''}`}
        data-lock={security.lock}
        role="img"
        aria-label={text}
      >
        <Icon aria-hidden="true" size={14} />
      </span>
    </Tooltip>
  );
}

function QualityBadge({ quality }: { quality: Quality }) {
  const Icon = quality === 'good' ? Signal : quality === 'fair' ? SignalMedium : SignalLow;
  return (
    <span
      className={`${styles.badge} ${styles[`quality-${quality}`] ?? ''}`}
      role="img"
      aria-label={qualityText[quality]}
      title={qualityText[quality]}
    >
      <Icon aria-hidden="true" size={14} />
    </span>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? (parts.at(-1)?.[0] ?? '') : '')).toUpperCase();
}
