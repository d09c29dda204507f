import type { ApiError } from '../api.ts';

/**
 * What the service level forms share: one name per field whichever way it is spelt
 * (`targets.2.resolutionMinutes` by the validator, `targets[2].resolutionMinutes` by the rules,
 * `body.` or a JSON pointer before either), the checks made before anything is sent, and the
 * refusal said above the form.
 */

/** Field name → what is wrong with it, in words. */
export type FieldErrors = Record<string, string>;

/** One spelling of a field's name: `targets.2.resolutionMinutes`. */
export const fieldKey = (field: string) =>
  field
    .replace(/^\//, '')
    .replace(/^body[./]/, '')
    .replace(/\//g, '.')
    .replace(/\[(\d+)\]/g, '.$1');

/** The server's refusals by field, each name passed through `place` (which field of the form shows it). */
export function serverErrors(error: ApiError | null, place: (key: string) => string = (k) => k): FieldErrors {
  const found: FieldErrors = {};
  for (const e of error?.errors ?? []) {
    const key = place(fieldKey(e.field));
    found[key] = found[key] ? `${found[key]}; ${e.message}` : e.message;
  }
  return found;
}

/** The refusals no field of the form shows, each led by what it is about. */
export function unplacedMessages(errors: FieldErrors, placed: ReadonlySet<string>, labelOf: (key: string) => string | undefined): string[] {
  return Object.entries(errors)
    .filter(([key]) => !placed.has(key))
    .map(([key, message]) => `${labelOf(key) ?? 'The form'}: ${message}`);
}

export const MAX_MINUTES = 60 * 24 * 366;

/** Whole minutes from 1 up to a year, as typed; empty is null when the target may be left out. */
export function checkMinutes(typed: string, optional: boolean): { value: number | null; error?: string } {
  const text = typed.trim();
  if (text === '') return optional ? { value: null } : { value: null, error: 'Enter the time in whole minutes, 1 or more' };
  if (!/^\d+$/.test(text)) return { value: null, error: 'Enter whole minutes, like 240 for 4 hours' };
  const value = Number(text);
  if (value < 1) return { value: null, error: 'Enter 1 minute or more' };
  if (value > MAX_MINUTES) return { value: null, error: `Enter ${MAX_MINUTES} minutes (366 days) or fewer` };
  return { value };
}

/** A warning point typed as a percentage of the target (more than 0, up to 100), as the fraction the API keeps. */
export function checkPercent(typed: string): { value: number | null; error?: string } {
  const text = typed.trim().replace(/%$/, '').trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return { value: null, error: 'Enter a percentage of the target, like 75' };
  const percent = Number(text);
  if (percent <= 0 || percent > 100) return { value: null, error: 'Enter a percentage more than 0 and up to 100' };
  return { value: Math.round(percent * 100) / 10_000 };
}

/**
 * A refused or unchecked save, said above its form: a change made meanwhile (412), a pointer to the
 * fields marked below, and in words whatever the form has no field for.
 */
export function Refusal({ error, marked, unplaced, thing, onReload }: { error: ApiError | null; marked: boolean; unplaced: string[]; thing: string; onReload?: () => void }) {
  if (error?.status === 412) {
    return (
      <div className="error-summary" role="alert">
        <p className="error-summary__title">Someone else changed this {thing}</p>
        <p>It changed after you opened it, so nothing was saved and nothing was overwritten. Read it again to see their change, then make yours.</p>
        {onReload && (
          <button type="button" className="button button--secondary" onClick={onReload}>
            Read the {thing} again
          </button>
        )}
      </div>
    );
  }
  if (!marked && !error) return null;
  if (unplaced.length === 0 && (marked || (error && error.errors.length > 0))) {
    return (
      <p className="field-error" role="alert">
        Nothing was saved: check the fields marked below.
      </p>
    );
  }
  return (
    <div className="error-summary" role="alert">
      <p className="error-summary__title">{error && !marked ? error.title : 'Nothing was saved'}</p>
      {error?.detail && error.errors.length === 0 && <p>{error.detail}</p>}
      <ul>
        {unplaced.map((m) => (
          <li key={m}>{m}</li>
        ))}
        {marked && <li>Check the fields marked below.</li>}
      </ul>
    </div>
  );
}
