// Registration in three steps: username and password → scan the QR code and
// prove one code → save the recovery codes. The account exists only after
// the second step.
import { useState } from 'react';
import type { AuthResponse } from '@parley/shared';
import { Link } from 'wouter';
import { callAuth } from '../api/authClient.js';
import { ErrorMessage, OneTimeCodeField, PasswordField, UsernameField } from '../ui/Field.js';
import { useSubmit } from '../ui/useSubmit.js';
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
    <section aria-labelledby="codes-title">
      <h2 id="codes-title">Step 3 of 3: save your recovery codes</h2>
      <RecoveryCodes codes={step.recoveryCodes} />
      <button type="button" onClick={onRegistered}>
        I have saved them — continue
      </button>
    </section>
  );
}

function ChooseStep({ onDone }: { onDone: (enrolment: AuthResponse<'register'>) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const verdict = useStrength(password, username);
  const { busy, error, onSubmit } = useSubmit(async () => onDone(await callAuth('register', { username, password })));
  return (
    <form onSubmit={onSubmit} aria-labelledby="register-title">
      <h2 id="register-title">Create an account (step 1 of 3)</h2>
      <p>Parley asks for a username and a password only: no e-mail, no phone number, no real name.</p>
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
      <button type="submit" disabled={busy || verdict?.ok === false}>
        Continue
      </button>
      <p>
        Already have an account? <Link href="/login">Log in</Link>
      </p>
    </form>
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
    <form onSubmit={onSubmit} aria-labelledby="enrol-title">
      <h2 id="enrol-title">Step 2 of 3: set up two-factor login</h2>
      <p>Scan this code with an authenticator app (for example Aegis, FreeOTP or your password manager).</p>
      <img className="qr" src={qr} alt="QR code for your authenticator app" width={200} height={200} />
      <p>
        Or type this secret into the app: <code data-testid="totp-secret">{enrolment.totpSecret}</code>
      </p>
      <OneTimeCodeField label="The 6-digit code your app shows" value={code} onChange={setCode} />
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        Confirm
      </button>
    </form>
  );
}
