import { CircleAlert, Info, ShieldCheck, TriangleAlert } from 'lucide-react';
import type { HTMLAttributes, ReactNode } from 'react';
import styles from './Card.module.css';

/** A surface for one task (a form, a section of the account page). */
export function Card({ narrow = false, className, ...rest }: HTMLAttributes<HTMLElement> & { narrow?: boolean }) {
  return <section className={[styles.card, narrow ? styles.narrow : '', className ?? ''].join(' ')} {...rest} />;
}

const icons = { info: Info, success: ShieldCheck, warning: TriangleAlert, danger: CircleAlert } as const;

/** A highlighted message; `role` makes it announced (status, alert) where it changes. */
export function Notice({
  tone = 'info',
  role,
  children,
  ...rest
}: {
  tone?: keyof typeof icons;
  role?: 'status' | 'alert';
  children: ReactNode;
} & Omit<HTMLAttributes<HTMLDivElement>, 'role'>) {
  const Icon = icons[tone];
  return (
    <div className={[styles.notice, styles[tone]].join(' ')} role={role} {...rest}>
      <Icon aria-hidden="true" size={20} />
      <div>{children}</div>
    </div>
  );
}
