import { useState, type FormEvent } from 'react';
import { Field, FormProblem, SaveOrCancel } from '../components/Field.tsx';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { useSettings, wholeNumber, type Settings } from '../hooks.ts';

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
  const settings = useSettings<RequestSettings>('/request-settings');
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
      {editable && settings.data && !settings.editing && (
        <button type="button" className="button button--secondary" onClick={settings.edit}>
          Change the waiting time
        </button>
      )}
      {editable && settings.data && settings.editing && <AutoCloseForm settings={settings} current={settings.data.autoCloseDays} />}
    </section>
  );
}

function AutoCloseForm({ settings, current }: { settings: Settings<RequestSettings>; current: number }) {
  const [value, setValue] = useState(String(current));
  const [typing, setTyping] = useState<string | null>(null);

  function save(event: FormEvent) {
    event.preventDefault();
    // Only a whole number goes to the server, which checks the range and says so beside the field.
    const autoCloseDays = wholeNumber(value);
    setTyping(autoCloseDays === null ? 'must be a whole number of days' : null);
    if (autoCloseDays !== null) void settings.save({ autoCloseDays });
  }

  const refusal = typing ? null : settings.refusal;
  const fieldError = typing ?? refusal?.fieldMessage('autoCloseDays');
  return (
    <form aria-labelledby="auto-close-form-title" onSubmit={save} noValidate>
      <h3 id="auto-close-form-title">Change the waiting time</h3>
      <FormProblem error={refusal} fields={['autoCloseDays']} record="setting" onReload={settings.reload} />
      <Field id="auto-close-days" label="Days to wait after fulfilment" hint="From 1 to 60. Requests already fulfilled keep the close time they were given." error={fieldError}>
        {(props) => <input {...props} className="input--short" inputMode="numeric" value={value} onChange={(e) => setValue(e.target.value)} />}
      </Field>
      <SaveOrCancel label="Save the waiting time" saving={settings.saving} onCancel={settings.cancel} />
    </form>
  );
}
