import { useState, type FormEvent, type ReactElement } from 'react';
import { api, ApiError } from '../api.ts';
import { ProblemMessage } from './ProblemMessage.tsx';
import { SaveOrCancel } from './Field.tsx';
import { ORGANISATION_KIND_LABELS, ORGANISATION_STATE_LABELS } from '../labels.ts';
import type { Organisation } from '../types.ts';

type Draft = Record<'name' | 'kind' | 'state' | 'parentOdsCode' | 'region' | 'postcode' | 'openedOn' | 'closedOn', string>;

const draftOf = (o: Organisation): Draft => ({
  name: o.name,
  kind: o.kind,
  state: o.state,
  parentOdsCode: o.parent?.odsCode ?? '',
  region: o.region ?? '',
  postcode: o.postcode ?? '',
  openedOn: o.openedOn ?? '',
  closedOn: o.closedOn ?? '',
});

/** Only the fields the person changed, with an emptied optional field sent as null. */
function changesOf(before: Draft, after: Draft): Record<string, string | null> {
  const body: Record<string, string | null> = {};
  for (const key of Object.keys(after) as Array<keyof Draft>) {
    const value = after[key].trim();
    if (value === before[key]) continue;
    body[key] = value === '' && key !== 'name' ? null : key === 'parentOdsCode' ? value.toUpperCase() : value;
  }
  return body;
}

interface Props {
  organisation: Organisation;
  /** The ETag the organisation was read with: the change applies only to that version. */
  etag: string | null;
  onSaved(): void;
  onCancel(): void;
  /** Read the organisation again (after someone else changed it). */
  onReload(): void;
}

export function OrganisationEditForm({ organisation, etag, onSaved, onCancel, onReload }: Props) {
  const original = draftOf(organisation);
  const [draft, setDraft] = useState<Draft>(original);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (key: keyof Draft) => (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value });

  async function submit(event: FormEvent) {
    event.preventDefault();
    const body = changesOf(original, draft);
    if (Object.keys(body).length === 0) {
      setError(new ApiError(0, 'Nothing to save', 'You have not changed any field.', undefined));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.patch(`/organisations/${organisation.odsCode}`, body, etag);
      onSaved();
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  }

  const stale = error?.status === 412;
  const fieldError = (field: keyof Draft) => (error && !stale ? error.fieldMessage(field) : undefined);
  const field = (key: keyof Draft, label: string, input: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactElement, hint?: string) => {
    const message = fieldError(key);
    const id = `edit-${key}`;
    const described = [hint && `${id}-hint`, message && `${id}-error`].filter(Boolean).join(' ') || undefined;
    return (
      <div className={`field${message ? ' field--error' : ''}`}>
        <label htmlFor={id}>{label}</label>
        {hint && (
          <p className="hint" id={`${id}-hint`}>
            {hint}
          </p>
        )}
        {message && (
          <p className="field-error" id={`${id}-error`}>
            {message}
          </p>
        )}
        {input({ id, 'aria-describedby': described, 'aria-invalid': message ? true : undefined })}
      </div>
    );
  };

  return (
    <form className="panel edit-form" onSubmit={submit} aria-labelledby="edit-heading" noValidate>
      <h2 id="edit-heading">Edit {organisation.name}</h2>
      {stale ? (
        <div className="error-summary" role="alert">
          <h3 className="error-summary__title">Someone else changed this organisation</h3>
          <p>It was changed after you opened it, so your edit was not saved (nothing was overwritten). Reload to see their change, then make yours again.</p>
          <button type="button" className="button" onClick={onReload}>
            Reload the organisation
          </button>
        </div>
      ) : (
        error && <ProblemMessage error={error} />
      )}
      {field('name', 'Name', (p) => <input {...p} value={draft.name} onChange={set('name')} maxLength={200} />)}
      <div className="field-row">
        {field('kind', 'Kind', (p) => (
          <select {...p} value={draft.kind} onChange={set('kind')}>
            {Object.entries(ORGANISATION_KIND_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        ))}
        {field('state', 'State', (p) => (
          <select {...p} value={draft.state} onChange={set('state')}>
            {Object.entries(ORGANISATION_STATE_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        ))}
      </div>
      <div className="field-row">
        {field('parentOdsCode', 'Parent ODS code', (p) => <input {...p} value={draft.parentOdsCode} onChange={set('parentOdsCode')} maxLength={12} className="input--short" />, 'Leave empty for none')}
        {field('region', 'Region', (p) => <input {...p} value={draft.region} onChange={set('region')} maxLength={100} />)}
        {field('postcode', 'Postcode', (p) => <input {...p} value={draft.postcode} onChange={set('postcode')} maxLength={10} className="input--short" autoComplete="off" />)}
      </div>
      <div className="field-row">
        {field('openedOn', 'Opened on', (p) => <input {...p} type="date" value={draft.openedOn} onChange={set('openedOn')} />)}
        {field('closedOn', 'Closed on', (p) => <input {...p} type="date" value={draft.closedOn} onChange={set('closedOn')} />)}
      </div>
      <SaveOrCancel className="actions" label="Save changes" saving={busy} disabled={stale} onCancel={onCancel} />
    </form>
  );
}
