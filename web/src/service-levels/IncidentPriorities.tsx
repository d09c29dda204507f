import { useState, type FormEvent } from 'react';
import { Field, FormProblem, SaveOrCancel } from '../components/Field.tsx';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { useSettings, wholeNumber, type Settings } from '../hooks.ts';
import type { IncidentSettings } from '../incidents/types.ts';
import { History, type HistoryControl } from './History.tsx';

const JOURNAL = '/incident-settings/journal';
const hoursText = (hours: number) => (hours % 24 === 0 ? `${hours / 24} ${hours === 24 ? 'day' : 'days'}` : `${hours} hours`);

/**
 * How an incident's priority follows from its impact and urgency, and how long its caller may
 * reopen it: read by the desk, changed by whoever keeps the service levels. Incidents already
 * logged keep their priority until someone changes their impact or urgency.
 */
export function IncidentPriorities({ editable, history }: { editable: boolean; history: HistoryControl }) {
  const settings = useSettings<IncidentSettings>('/incident-settings');
  const s = settings.data;
  return (
    <section aria-labelledby="priorities-heading">
      <h2 id="priorities-heading">Incident priority</h2>
      {settings.error && <ProblemMessage error={settings.error} />}
      {s && !settings.editing && (
        <>
          <div className="av-scroll">
            <table className="table table--compact">
              <caption>Priority of an incident by its impact (rows) and urgency (columns)</caption>
              <thead>
                <tr>
                  <th scope="col">Impact \ urgency</th>
                  {s.matrix.urgencies.map((u) => (
                    <th scope="col" key={u}>
                      {u}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {s.matrix.impacts.map((i) => (
                  <tr key={i}>
                    <th scope="row">{i}</th>
                    {s.matrix.urgencies.map((u) => (
                      <td key={u}>{s.matrix.cells[i]?.[u]}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p role="status">
            Logged without them, an incident is {s.defaultImpact} impact and {s.defaultUrgency} urgency. Its caller may reopen it for <strong>{hoursText(s.reopenWindowHours)}</strong> after it is resolved; then it
            closes by itself.
          </p>
          {editable && (
            <button type="button" className="button button--secondary" onClick={settings.edit}>
              Change the priorities
            </button>
          )}
        </>
      )}
      {s && settings.editing && <PrioritiesForm settings={settings} current={s} />}
      {history.shown && <History key={settings.etag} path={JOURNAL} what="the incident settings" open={history.open === JOURNAL} onToggle={() => history.toggle(JOURNAL)} />}
    </section>
  );
}

function PrioritiesForm({ settings, current }: { settings: Settings<IncidentSettings>; current: IncidentSettings }) {
  const { impacts, urgencies, priorities } = current.matrix;
  const [cells, setCells] = useState(current.matrix.cells);
  const [hours, setHours] = useState(String(current.reopenWindowHours));
  const [defaults, setDefaults] = useState({ impact: current.defaultImpact, urgency: current.defaultUrgency });
  const [typing, setTyping] = useState<string | null>(null);

  function save(event: FormEvent) {
    event.preventDefault();
    // Only a whole number goes to the server, which checks the range and the matrix.
    const reopenWindowHours = wholeNumber(hours);
    setTyping(reopenWindowHours === null ? 'must be a whole number of hours' : null);
    if (reopenWindowHours === null) return;
    void settings.save({ matrix: { impacts, urgencies, priorities, cells }, reopenWindowHours, defaultImpact: defaults.impact, defaultUrgency: defaults.urgency });
  }

  const error = typing ? null : settings.refusal;
  const cellField = (i: string, u: string) => `matrix.cells.${i}.${u}`;
  const fields = ['reopenWindowHours', 'defaultImpact', 'defaultUrgency', ...impacts.flatMap((i) => urgencies.map((u) => cellField(i, u)))];
  return (
    <form className="sl-targets" aria-labelledby="priorities-form-title" onSubmit={save} noValidate>
      <h3 id="priorities-form-title">Change the priorities</h3>
      <p className="hint">Incidents already logged keep their priority until someone changes their impact or urgency. A worse impact or a more urgent urgency may never rank lower.</p>
      <FormProblem error={error} fields={fields} record="setting" onReload={settings.reload} />
      {impacts.map((i) => (
        <fieldset key={i} className="field-row">
          <legend>{i} impact</legend>
          {urgencies.map((u) => (
            <Field key={u} id={`priority-${i}-${u}`} label={`${i} impact, ${u} urgency`} error={error?.fieldMessage(cellField(i, u))}>
              {(props) => (
                <select {...props} value={cells[i]?.[u] ?? ''} onChange={(e) => setCells({ ...cells, [i]: { ...cells[i], [u]: e.target.value } })}>
                  {priorities.map((p) => (
                    <option key={p} value={p}>
                      {p}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ))}
        </fieldset>
      ))}
      <div className="field-row">
        <Field id="default-impact" label="Impact when none is given" error={error?.fieldMessage('defaultImpact')}>
          {(props) => (
            <select {...props} value={defaults.impact} onChange={(e) => setDefaults({ ...defaults, impact: e.target.value })}>
              {impacts.map((i) => (
                <option key={i}>{i}</option>
              ))}
            </select>
          )}
        </Field>
        <Field id="default-urgency" label="Urgency when none is given" error={error?.fieldMessage('defaultUrgency')}>
          {(props) => (
            <select {...props} value={defaults.urgency} onChange={(e) => setDefaults({ ...defaults, urgency: e.target.value })}>
              {urgencies.map((u) => (
                <option key={u}>{u}</option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field id="reopen-hours" label="Hours a caller may reopen a resolved incident" hint="From 1 to 2160 (90 days); 120 is five days." error={typing ?? error?.fieldMessage('reopenWindowHours')}>
        {(props) => <input {...props} className="input--short" inputMode="numeric" value={hours} onChange={(e) => setHours(e.target.value)} />}
      </Field>
      <SaveOrCancel label="Save the priorities" saving={settings.saving} onCancel={settings.cancel} />
    </form>
  );
}
