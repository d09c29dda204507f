import { useState, type FormEvent } from 'react';
import { api, type ApiError } from '../api.ts';
import { Field, FormProblem, SaveOrCancel } from '../components/Field.tsx';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { useResource } from '../hooks.ts';

interface RequestSettings {
  autoCloseDays: number;
}

const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;

/**
 * How long a fulfilled request waits for its customer before it closes by itself: shown to the
 * desk, changed by whoever keeps the service levels. Requests already fulfilled keep the close
 * time they were given, so the form says so.
 */
export function AutoCloseSetting({ editable }: { editable: boolean }) {
  const settings = useResource<RequestSettings>('/request-settings');
  const [editing, setEditing] = useState(false);
  if (settings.error?.status === 403 || settings.error?.status === 401) return null;
  return (
    <section className="panel" aria-labelledby="auto-close-title">
      <h2 id="auto-close-title">Closing fulfilled requests</h2>
      {settings.error && <ProblemMessage error={settings.error} />}
      {settings.data && (
        <p role="status">
          A fulfilled request the customer neither confirms nor rejects closes by itself <strong>{days(settings.data.autoCloseDays)}</strong> after it was fulfilled.
        </p>
      )}
      {editable && settings.data && !editing && (
        <button type="button" className="button button--secondary" onClick={() => setEditing(true)}>
          Change the waiting time
        </button>
      )}
      {editable && settings.data && editing && (
        <AutoCloseForm
          current={settings.data.autoCloseDays}
          version={settings.etag}
          onCancel={() => setEditing(false)}
          onReload={settings.reload}
          onSaved={() => {
            setEditing(false);
            settings.reload();
          }}
        />
      )}
    </section>
  );
}

function AutoCloseForm({ current, version, onCancel, onSaved, onReload }: { current: number; version: string | null; onCancel: () => void; onSaved: () => void; onReload: () => void }) {
  const [value, setValue] = useState(String(current));
  const [error, setError] = useState<ApiError | null>(null);
  const [typing, setTyping] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setTyping(null);
    // Only a whole number goes to the server, which checks the range and says so beside the field.
    if (!/^-?\d+$/.test(value.trim())) return setTyping('must be a whole number of days');
    setSaving(true);
    try {
      await api.put('/request-settings', { autoCloseDays: Number(value.trim()) }, version ?? '"0"');
      onSaved();
    } catch (e) {
      setError(e as ApiError);
      setSaving(false);
    }
  }

  const fieldError = typing ?? error?.errors.find((e) => /autoCloseDays$/.test(e.field))?.message;
  return (
    <form aria-labelledby="auto-close-form-title" onSubmit={save} noValidate>
      <h3 id="auto-close-form-title">Change the waiting time</h3>
      {!typing && <FormProblem error={error} fields={['autoCloseDays']} record="setting" onReload={onReload} />}
      <Field id="auto-close-days" label="Days to wait after fulfilment" hint="From 1 to 60. Requests already fulfilled keep the close time they were given." error={fieldError}>
        {(props) => <input {...props} className="input--short" inputMode="numeric" value={value} onChange={(e) => setValue(e.target.value)} />}
      </Field>
      <SaveOrCancel label="Save the waiting time" saving={saving} onCancel={onCancel} />
    </form>
  );
}
