// Standard or sensitive: the kind of call, chosen before it exists.
import type { CallProfile } from '@parley/shared';
import styles from './HomePage.module.css';

const choices: { value: CallProfile; label: string; detail: string }[] = [
  { value: 'standard', label: 'Standard', detail: 'People with the link knock; a host lets them in.' },
  {
    value: 'sensitive',
    label: 'Sensitive: health, school, children',
    detail: 'Guests start with camera and microphone off, and the call ends when the last host leaves.',
  },
];

export function ProfileChoice({
  name,
  value,
  onChange,
}: {
  name: string;
  value: CallProfile;
  onChange: (profile: CallProfile) => void;
}) {
  return (
    <fieldset className={styles.profiles}>
      <legend className={styles.legend}>Kind of call</legend>
      {choices.map((choice) => (
        <label
          key={choice.value}
          className={value === choice.value ? `${styles.profile} ${styles.chosen}` : styles.profile}
        >
          <input
            type="radio"
            name={name}
            value={choice.value}
            checked={value === choice.value}
            onChange={() => onChange(choice.value)}
          />
          <span>
            <strong>{choice.label}</strong>
            <span className={styles.profileDetail}>{choice.detail}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}
