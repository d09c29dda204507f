import type { ReactElement, ReactNode } from 'react';
import type { ApiError } from '../api.ts';
import { ProblemMessage } from './ProblemMessage.tsx';

/** A choice left empty is sent as no number: for a field of choices, the server's words say so. */
const PLAIN: Array<[RegExp, string]> = [[/^must be a whole number$/, 'must be chosen']];
const plain = (message: string) => PLAIN.find(([pattern]) => pattern.test(message))?.[1] ?? message;

export interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
}

/**
 * One form field: its label, an optional hint, and the server's message for it when a write was
 * refused, tied to the control with aria-describedby so a screen reader reads them together.
 */
export function Field({ id, label, hint, error, children }: { id: string; label: ReactNode; hint?: ReactNode; error?: string; children: (props: ControlProps) => ReactElement }) {
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {plain(error)}
        </p>
      )}
      {children({ id, 'aria-describedby': described, 'aria-invalid': error ? true : undefined })}
    </div>
  );
}

/**
 * A refused write, said above its form: the whole problem when none of its named fields is on
 * the form (those sit beside their inputs), and for a stale version, a way to read it again.
 */
export function FormProblem({ error, fields, onReload, record = 'incident' }: { error: ApiError | null; fields: readonly string[]; onReload?: () => void; record?: string }) {
  if (!error) return null;
  if (error.status === 412) {
    return (
      <div className="error-summary" role="alert">
        <h3 className="error-summary__title">Someone else changed this {record}</h3>
        <p>It changed after you opened it, so nothing was saved and nothing was overwritten. Reload it to see the change, then try again.</p>
        {onReload && (
          <button type="button" className="button button--secondary" onClick={onReload}>
            Reload the {record}
          </button>
        )}
      </div>
    );
  }
  if (error.allAbout(fields)) {
    return (
      <p className="field-error" role="alert">
        {error.title}: see the field marked below.
      </p>
    );
  }
  return <ProblemMessage error={error} />;
}

/** A form's submit button, which says so while the write is on its way, and its Cancel. */
export function SaveOrCancel({ label, saving, disabled = false, onCancel, className = 'field-row' }: { label: string; saving: boolean; disabled?: boolean; onCancel: () => void; className?: string }) {
  return (
    <div className={className}>
      <button type="submit" className="button" disabled={saving || disabled}>
        {saving ? 'Saving…' : label}
      </button>
      <button type="button" className="button button--secondary" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
