import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';
import styles from './Field.module.css';

type Props = InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: ReactNode };

/** A labelled input; its hint is announced with it. */
export function Field({ label, hint, className, ...input }: Props) {
  const id = useId();
  return (
    <div className={[styles.field, className ?? ''].join(' ')}>
      <label htmlFor={id} className={styles.label}>
        {label}
      </label>
      <input id={id} className={styles.input} aria-describedby={hint ? `${id}-hint` : undefined} {...input} />
      {hint && (
        <div id={`${id}-hint`} className={styles.hint}>
          {hint}
        </div>
      )}
    </div>
  );
}

type SelectProps = SelectHTMLAttributes<HTMLSelectElement> & {
  label: string;
  options: { value: string; label: string }[];
};

/** A labelled native select (keyboard, screen readers and phones handle it best). */
export function SelectField({ label, options, className, ...select }: SelectProps) {
  const id = useId();
  return (
    <div className={[styles.field, className ?? ''].join(' ')}>
      <label htmlFor={id} className={styles.label}>
        {label}
      </label>
      <select id={id} className={styles.select} {...select}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Errors are announced to screen readers the moment they appear. */
export function ErrorMessage({ error }: { error: string | undefined }) {
  return (
    <p role="alert" className={styles.error}>
      {error}
    </p>
  );
}

type ValueProps = Omit<Props, 'value' | 'onChange'> & { value: string; onChange: (value: string) => void };

/** A required password input; autoComplete says whether it is a new or the current one. */
export function PasswordField({ onChange, ...props }: ValueProps) {
  return <Field type="password" required {...props} onChange={(e) => onChange(e.target.value)} />;
}

/** The six digits from an authenticator app. */
export function OneTimeCodeField({ onChange, ...props }: ValueProps) {
  return (
    <Field
      name="code"
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="\d{6}"
      required
      {...props}
      onChange={(e) => onChange(e.target.value.trim())}
    />
  );
}

/** The username input, the same on every form that asks for it. */
export function UsernameField({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  return (
    <Field
      label="Username"
      name="username"
      autoComplete="username"
      required
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
