import { useCallback, useState } from 'react';
import { newIdempotencyKey } from '../features/admin/lib';

/** One form's sending state: `run` shows it busy, clears the last failure, and keeps the API's refusal to show. */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}

/**
 * A create dialog mounted only while open: one Idempotency-Key per opening (`key`, the same for every retry of the
 * same click, a new one when the dialog is opened again) and the sending state of `useSubmit`.
 */
export function useDialogSubmit(prefix: string) {
  const [key] = useState(() => newIdempotencyKey(prefix));
  return { key, ...useSubmit() };
}
