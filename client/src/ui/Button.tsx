import { forwardRef, type ButtonHTMLAttributes } from 'react';
import styles from './Button.module.css';

export type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger';

type Props = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: ButtonVariant;
  size?: 'small' | 'medium' | 'large';
  block?: boolean;
};

/** The app's one button; `type` defaults to "button" (forms say "submit"). */
export const Button = forwardRef<HTMLButtonElement, Props>(function Button(
  { variant = 'secondary', size = 'medium', block = false, className, type = 'button', ...rest },
  ref,
) {
  const classes = [
    styles.button,
    styles[variant],
    size !== 'medium' ? styles[size] : '',
    block ? styles.block : '',
    className ?? '',
  ];
  return <button ref={ref} type={type} className={classes.filter(Boolean).join(' ')} {...rest} />;
});

/** Class names of a button, for a link that looks like one. */
export function buttonClass(variant: ButtonVariant = 'secondary', size: 'medium' | 'large' = 'medium'): string {
  return [styles.button, styles[variant], size === 'large' ? styles.large : ''].filter(Boolean).join(' ');
}
