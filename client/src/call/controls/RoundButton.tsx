// A call control: an icon in a round button, its label below (or only for
// screen readers on small screens), a tooltip with the shortcut.
import { forwardRef, type ButtonHTMLAttributes, type ReactNode } from 'react';
import { Tooltip } from '../../ui/Tooltip.js';
import styles from './RoundButton.module.css';

type Props = Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'children'> & {
  icon: ReactNode;
  label: string;
  /** "Ctrl+D" and the like, shown in the tooltip. */
  shortcut?: string;
  /** off: the thing is off (muted, camera off) — shown in warning colours. */
  tone?: 'normal' | 'off' | 'active' | 'danger';
  /** A small count on the button (people waiting). */
  badge?: number;
  showLabel?: boolean;
  /** Tooltip text when it should say more than the label. */
  tooltip?: string;
};

export const RoundButton = forwardRef<HTMLButtonElement, Props>(function RoundButton(
  { icon, label, shortcut, tone = 'normal', badge, showLabel = true, tooltip, className, ...rest },
  ref,
) {
  const button = (
    <button
      ref={ref}
      type="button"
      className={[styles.button, styles[tone], className ?? ''].join(' ')}
      aria-keyshortcuts={shortcut?.replace('Ctrl', 'Control')}
      {...rest}
    >
      <span className={styles.icon} aria-hidden="true">
        {icon}
        {badge ? <span className={styles.badge}>{badge}</span> : null}
      </span>
      <span className={showLabel ? styles.label : 'visually-hidden'}>{label}</span>
      {badge ? <span className="visually-hidden"> ({badge})</span> : null}
    </button>
  );
  return <Tooltip content={tooltip ?? (shortcut ? `${label} (${shortcut})` : label)}>{button}</Tooltip>;
});
