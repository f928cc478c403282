// Registration in three steps: username and password → scan the QR code and
// prove one code → save the recovery codes. The account exists only after
// the second step.
import { useState } from 'react';
import type { AuthResponse } from '@parley/shared';
import { Link } from 'wouter';
import { callAuth } from '../api/authClient.js';
import { Button } from '../ui/Button.js';
import { Card } from '../ui/Card.js';
import { ErrorMessage, OneTimeCodeField, PasswordField, UsernameField } from '../ui/Field.js';
import { useSubmit } from '../ui/useSubmit.js';
import styles from './forms.module.css';
import { RecoveryCodes } from './RecoveryCodes.js';
import { StrengthMeter, useStrength } from './StrengthMeter.js';

type Step =
  | { name: 'choose' }
  | { name: 'enrol'; enrolment: AuthResponse<'register'> }
  | { name: 'codes'; recoveryCodes: string[] };

export function RegisterPage({ onRegistered }: { onRegistered: () => void }) {
  const [step, setStep] = useState<Step>({ name: 'choose' });
  if (step.name === 'choose') return <ChooseStep onDone={(enrolment) => setStep({ name: 'enrol', enrolment })} />;
  if (step.name === 'enrol') {
    return (
      <EnrolStep enrolment={step.enrolment} onDone={(recoveryCodes) => setStep({ name: 'codes', recoveryCodes })} />
    );
  }
  return (
    <Card narrow aria-labelledby="codes-title">
      <p className={styles.step}>Step 3 of 3</p>
      <h1 id="codes-title" className={styles.title}>
        Save your recovery codes
      </h1>
      <RecoveryCodes codes={step.recoveryCodes} />
      <Button variant="primary" block onClick={onRegistered}>
        I have saved them — continue
      </Button>
    </Card>
  );
}

function ChooseStep({ onDone }: { onDone: (enrolment: AuthResponse<'register'>) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const verdict = useStrength(password, username);
  const { busy, error, onSubmit } = useSubmit(async () => onDone(await callAuth('register', { username, password })));
  return (
    <Card narrow>
      <form onSubmit={onSubmit} aria-labelledby="register-title">
        <p className={styles.step}>Step 1 of 3</p>
        <h1 id="register-title" className={styles.title}>
          Create an account
        </h1>
        <p className={styles.lead}>A username and a password only: no e-mail, no phone number, no real name.</p>
        <UsernameField value={username} onChange={setUsername} />
        <PasswordField
          label="Password"
          name="password"
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
          hint={<StrengthMeter verdict={verdict} />}
        />
        <ErrorMessage error={error} />
        <Button type="submit" variant="primary" block disabled={busy || verdict?.ok === false}>
          Continue
        </Button>
        <p className={styles.aside}>
          Already have an account? <Link href="/login">Log in</Link>
        </p>
      </form>
    </Card>
  );
}

function EnrolStep({ enrolment, onDone }: { enrolment: AuthResponse<'register'>; onDone: (codes: string[]) => void }) {
  const [code, setCode] = useState('');
  const { busy, error, onSubmit } = useSubmit(async () => {
    const { recoveryCodes } = await callAuth('confirmEnrolment', { enrolmentId: enrolment.enrolmentId, code });
    onDone(recoveryCodes);
  });
  const qr = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.qrCodeSvg)}`;
  return (
    <Card narrow>
      <form onSubmit={onSubmit} aria-labelledby="enrol-title">
        <p className={styles.step}>Step 2 of 3</p>
        <h1 id="enrol-title" className={styles.title}>
          Set up two-factor login
        </h1>
        <p className={styles.lead}>
          Scan this code with an authenticator app (for example Aegis, FreeOTP or your password manager).
        </p>
        <img className={styles.qr} src={qr} alt="QR code for your authenticator app" width={200} height={200} />
        <p>
          Or type this secret into the app:{' '}
          <code className={styles.secret} data-testid="totp-secret">
            {enrolment.totpSecret}
          </code>
        </p>
        <OneTimeCodeField label="The 6-digit code your app shows" value={code} onChange={setCode} />
        <ErrorMessage error={error} />
        <Button type="submit" variant="primary" block disabled={busy}>
          Confirm
        </Button>
      </form>
    </Card>
  );
}
