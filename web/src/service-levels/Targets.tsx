import { Field } from '../components/Field.tsx';
import { checkMinutes, type FieldErrors } from './form.tsx';
import { minutesText, type Definition } from './types.ts';

/** One priority's targets as typed: its own calendar ('' for the definition's), response and resolution minutes. */
export interface TargetRow {
  priority: string;
  calendar: string;
  response: string;
  resolution: string;
}
export interface ApiTarget {
  priority: string;
  calendar: string | null;
  responseMinutes: number | null;
  resolutionMinutes: number;
}

export const rowsOf = (d: Definition): TargetRow[] =>
  d.targets.map((t) => ({ priority: t.priority, calendar: t.calendar === d.calendar ? '' : t.calendar, response: t.responseMinutes === null ? '' : String(t.responseMinutes), resolution: String(t.resolutionMinutes) }));

/** The rows as the API takes them, or what is wrong with each, by the field that shows it. */
export function checkTargetRows(rows: TargetRow[]): { targets: ApiTarget[]; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const targets = rows.map((row, i) => {
    const response = checkMinutes(row.response, true);
    const resolution = checkMinutes(row.resolution, false);
    if (response.error) errors[`targets.${i}.responseMinutes`] = response.error;
    if (resolution.error) errors[`targets.${i}.resolutionMinutes`] = resolution.error;
    else if (response.value !== null && resolution.value !== null && response.value > resolution.value) errors[`targets.${i}.resolutionMinutes`] = 'Cannot be shorter than the response';
    return { priority: row.priority, calendar: row.calendar || null, responseMinutes: response.value, resolutionMinutes: resolution.value ?? 0 };
  });
  return { targets, errors };
}

/**
 * Where the server's word on a target goes: `targets.2.…` and `targets[2].…` by row, `targets.P3…`
 * by priority; a rule about the whole row (the order of priorities) beside its resolution.
 */
export const placeTarget = (priorities: string[]) => (key: string) => {
  const m = /^targets\.([^.]+)(?:\.(.+))?$/.exec(key);
  if (!m) return key;
  const i = /^\d+$/.test(m[1]!) ? Number(m[1]) : priorities.indexOf(m[1]!);
  if (i < 0 || i >= priorities.length) return key;
  const field = m[2] === 'responseMinutes' || m[2] === 'calendar' ? m[2] : 'resolutionMinutes';
  return `targets.${i}.${field}`;
};
export const targetKeys = (rows: TargetRow[]) => rows.flatMap((_, i) => ['calendar', 'responseMinutes', 'resolutionMinutes'].map((f) => `targets.${i}.${f}`));

function minutesHint(typed: string, optional: boolean): string {
  const { value, error } = checkMinutes(typed, optional);
  if (value !== null && !error) return `Whole minutes: ${minutesText(value)}${optional ? '; empty for none' : ''}`;
  return optional ? 'Whole minutes; empty for none' : 'Whole minutes, like 240 for 4 h';
}

/** A row of inputs per priority: the calendar it counts in, the response and resolution targets in minutes. */
export function TargetRows({ id, rows, onChange, calendars, calendar, errors }: { id: string; rows: TargetRow[]; onChange: (rows: TargetRow[]) => void; calendars: string[]; calendar: string; errors: FieldErrors }) {
  const set = (i: number, change: Partial<TargetRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...change } : r)));
  return (
    <>
      {rows.map((row, i) => (
        <fieldset key={row.priority} className="field-row">
          <legend>{row.priority}</legend>
          <Field id={`${id}-${row.priority}-calendar`} label={`${row.priority} counts in`} error={errors[`targets.${i}.calendar`]}>
            {(props) => (
              <select {...props} value={row.calendar} onChange={(e) => set(i, { calendar: e.target.value })}>
                <option value="">The definition&rsquo;s calendar{calendar ? ` (${calendar})` : ''}</option>
                {calendars
                  .filter((c) => c !== calendar || row.calendar === c)
                  .map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
              </select>
            )}
          </Field>
          <Field id={`${id}-${row.priority}-response`} label={`${row.priority} response, minutes`} hint={minutesHint(row.response, true)} error={errors[`targets.${i}.responseMinutes`]}>
            {(props) => <input {...props} className="input--short" inputMode="numeric" value={row.response} onChange={(e) => set(i, { response: e.target.value })} />}
          </Field>
          <Field id={`${id}-${row.priority}-resolution`} label={`${row.priority} resolution, minutes`} hint={minutesHint(row.resolution, false)} error={errors[`targets.${i}.resolutionMinutes`]}>
            {(props) => <input {...props} className="input--short" inputMode="numeric" value={row.resolution} onChange={(e) => set(i, { resolution: e.target.value })} />}
          </Field>
        </fieldset>
      ))}
    </>
  );
}
