import { useState, type FormEvent } from 'react';

/** A form's submit handler with a busy flag and an error message. */
export function useSubmit(action: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    action()
      .catch((caught: unknown) => setError(caught instanceof Error ? caught.message : 'Something went wrong.'))
      .finally(() => setBusy(false));
  };
  return { busy, error, onSubmit };
}
