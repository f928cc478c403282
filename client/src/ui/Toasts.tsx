// Toasts from Radix: short, non-blocking notices that screen readers hear
// (a live region), with optional actions (Admit / Deny for a knock). Any
// part of the app pushes one with `useToasts().show(...)`.
import * as Radix from '@radix-ui/react-toast';
import { X } from 'lucide-react';
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import styles from './Toasts.module.css';

export type ToastAction = { label: string; onClick: () => void };
export type ToastInput = {
  title: string;
  description?: string;
  tone?: 'info' | 'success' | 'warning' | 'danger';
  actions?: ToastAction[];
  /** Milliseconds on screen; knocks stay until answered. */
  duration?: number;
  /** A toast with the same key replaces the previous one. */
  key?: string;
};
type Toast = ToastInput & { id: string };

type Toasts = { show: (toast: ToastInput) => void; dismiss: (key: string) => void };
const ToastContext = createContext<Toasts>({ show: () => undefined, dismiss: () => undefined });

export function useToasts(): Toasts {
  return useContext(ToastContext);
}

let nextId = 0;

export function ToastProvider({ children, tone = 'page' }: { children: ReactNode; tone?: 'page' | 'stage' }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((key: string) => setToasts((all) => all.filter((t) => (t.key ?? t.id) !== key)), []);
  const show = useCallback((toast: ToastInput) => {
    const id = `toast-${nextId++}`;
    setToasts((all) => [...all.filter((t) => !toast.key || t.key !== toast.key), { ...toast, id }].slice(-5));
  }, []);
  const value = useMemo(() => ({ show, dismiss }), [show, dismiss]);
  return (
    <ToastContext.Provider value={value}>
      <Radix.Provider swipeDirection="right" label="Notifications">
        {children}
        {toasts.map((toast) => (
          <Radix.Root
            key={toast.id}
            className={[styles.toast, styles[toast.tone ?? 'info'], styles[tone]].join(' ')}
            duration={toast.duration ?? 5000}
            type={toast.tone === 'danger' || toast.tone === 'warning' ? 'foreground' : 'background'}
            onOpenChange={(open) => !open && setToasts((all) => all.filter((t) => t.id !== toast.id))}
          >
            <div className={styles.text}>
              <Radix.Title className={styles.title}>{toast.title}</Radix.Title>
              {toast.description && <Radix.Description>{toast.description}</Radix.Description>}
            </div>
            {toast.actions && (
              <div className={styles.actions}>
                {toast.actions.map((action) => (
                  <Radix.Action key={action.label} altText={action.label} asChild>
                    <button type="button" className={styles.action} onClick={action.onClick}>
                      {action.label}
                    </button>
                  </Radix.Action>
                ))}
              </div>
            )}
            <Radix.Close className={styles.close} aria-label="Dismiss">
              <X aria-hidden="true" size={16} />
            </Radix.Close>
          </Radix.Root>
        ))}
        <Radix.Viewport className={tone === 'stage' ? `${styles.viewport} ${styles.stageViewport}` : styles.viewport} />
      </Radix.Provider>
    </ToastContext.Provider>
  );
}
