// Dialogs and side sheets from Radix (focus trap, focus return, Escape,
// aria-modal, labelled by their title): never hand-written.
import * as Radix from '@radix-ui/react-dialog';
import { X } from 'lucide-react';
import type { ReactNode } from 'react';
import styles from './Dialog.module.css';

type Props = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  /** One sentence under the title (the dialog's accessible description). */
  description?: ReactNode;
  children: ReactNode;
  /** 'alert': must be answered (no close on outside click). 'sheet': slides in from the side; full screen on phones. */
  kind?: 'dialog' | 'alert' | 'sheet';
  /** The dark call stage or the light pages. */
  tone?: 'page' | 'stage';
};

export function Dialog({ open, onOpenChange, title, description, children, kind = 'dialog', tone = 'page' }: Props) {
  const contentClass = [styles.content, kind === 'sheet' ? styles.sheet : styles.centered, styles[tone]].join(' ');
  return (
    <Radix.Root open={open} onOpenChange={onOpenChange}>
      <Radix.Portal>
        <Radix.Overlay className={kind === 'sheet' ? styles.sheetOverlay : styles.overlay} />
        <Radix.Content
          className={contentClass}
          role={kind === 'alert' ? 'alertdialog' : 'dialog'}
          onInteractOutside={kind === 'alert' ? (event) => event.preventDefault() : undefined}
          {...(description ? {} : { 'aria-describedby': undefined })}
        >
          <header className={styles.header}>
            <Radix.Title className={styles.title}>{title}</Radix.Title>
            {kind !== 'alert' && (
              <Radix.Close className={styles.close} aria-label="Close">
                <X aria-hidden="true" size={20} />
              </Radix.Close>
            )}
          </header>
          {description && <Radix.Description className={styles.description}>{description}</Radix.Description>}
          <div className={styles.body}>{children}</div>
        </Radix.Content>
      </Radix.Portal>
    </Radix.Root>
  );
}

/** A button inside a dialog that closes it. */
export const DialogClose = Radix.Close;
