import { createContext, useContext, useState } from 'react';
import type { ApiError } from '../api.ts';

export interface Write {
  busy: boolean;
  error: ApiError | null;
  run(call: () => Promise<unknown>, done: string | (() => string)): Promise<boolean>;
  /** The server's message for one field of the form. */
  message(field: string): string | undefined;
}

/**
 * How a page that shows what the last write did is told that another write has started, so that
 * an old "done" never stands beside a new refusal.
 */
export const WriteStarted = createContext<(() => void) | null>(null);

/** One form's write: busy while it runs, the refusal when it fails; on success the page is told what it did. */
export function useWrite(onDone: (done: string) => void): Write {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const started = useContext(WriteStarted);
  return {
    busy,
    error,
    async run(call, doneText) {
      setBusy(true);
      setError(null);
      started?.();
      try {
        await call();
        onDone(typeof doneText === 'string' ? doneText : doneText());
        return true;
      } catch (e) {
        setError(e as ApiError);
        return false;
      } finally {
        setBusy(false);
      }
    },
    message: (field) => (error && error.status !== 412 ? error.fieldMessage(field) : undefined),
  };
}
