import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { Field, SaveOrCancel } from '../components/Field.tsx';
import { checkPercent, Refusal, serverErrors, unplacedMessages, type FieldErrors } from './form.tsx';
import { History, type HistoryControl } from './History.tsx';
import { checkTargetRows, placeTarget, rowsOf, targetKeys, TargetRows } from './Targets.tsx';
import { KIND_LABELS, minutesText, percentOfFraction, RECORD_LABELS, type Definition } from './types.ts';

function appliesTo(d: Definition): string {
  const parts = [RECORD_LABELS[d.recordType] ?? d.recordType];
  if (d.organisation) parts.push(`of ${d.organisation.name} (${d.organisation.odsCode}) and below`);
  if (d.serviceClass) parts.push(`on service class ${d.serviceClass.name}`);
  if (d.team) parts.push(`while team ${d.team.name} holds them`);
  if (d.supplier) parts.push(`while ${d.supplier.name} holds them`);
  if (parts.length === 1) parts.push('everywhere, unless a more specific definition applies');
  return parts.join(' ');
}

/** One definition's terms; for those who keep them, its targets form and its switch on or off; for staff, its history. */
export function DefinitionCard({ definition: d, editable, calendars, history, onSaved }: { definition: Definition; editable: boolean; calendars: string[]; history: HistoryControl; onSaved: () => void }) {
  const [editing, setEditing] = useState(false);
  const id = `def-${d.code}`;
  const journal = `/sla-definitions/${encodeURIComponent(d.code)}/journal`;
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>
        {d.name} <span className="muted">{d.code}</span>
        {!d.active && <span className="tag tag--grey"> Inactive</span>}
      </h3>
      {d.description && <p>{d.description}</p>}
      <dl className="summary-list">
        <div>
          <dt>Kind</dt>
          <dd>{KIND_LABELS[d.kind] ?? d.kind}</dd>
        </div>
        <div>
          <dt>Applies to</dt>
          <dd>{appliesTo(d)}</dd>
        </div>
        <div>
          <dt>Calendar</dt>
          <dd>{d.calendar}</dd>
        </div>
        <div>
          <dt>Warning</dt>
          <dd>at {percentOfFraction(d.warningFraction)}% of the target</dd>
        </div>
        <div>
          <dt>In use</dt>
          <dd>{d.active ? 'Active: chosen for new records it applies to' : 'Inactive: never chosen; clocks already running under it keep counting'}</dd>
        </div>
      </dl>
      <div className="av-scroll">
        <table className="table table--compact">
          <caption>Targets of {d.code}, in business time of the calendar named</caption>
          <thead>
            <tr>
              <th scope="col">Priority</th>
              <th scope="col">Calendar</th>
              <th scope="col" className="numeric">
                Response
              </th>
              <th scope="col" className="numeric">
                Resolution
              </th>
            </tr>
          </thead>
          <tbody>
            {d.targets.map((t) => (
              <tr key={t.priority}>
                <th scope="row">{t.priority}</th>
                <td>{t.calendar}</td>
                <td className="numeric nowrap">{minutesText(t.responseMinutes)}</td>
                <td className="numeric nowrap">{minutesText(t.resolutionMinutes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {editable && !editing && (
        <div className="sl-actions">
          <button type="button" className="button button--secondary" onClick={() => setEditing(true)}>
            Change the targets<span className="visually-hidden"> of {d.code}</span>
          </button>
          <Activation definition={d} onSaved={onSaved} />
        </div>
      )}
      {editable && editing && (
        <TargetsForm
          definition={d}
          calendars={calendars}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            onSaved();
          }}
        />
      )}
      {history.shown && <History path={journal} what={d.code} open={history.open === journal} onToggle={() => history.toggle(journal)} />}
    </section>
  );
}

/** Deactivating stops a definition being chosen for new records; reactivating is refused while another active one applies to the same records. */
function Activation({ definition: d, onSaved }: { definition: Definition; onSaved: () => void }) {
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  async function flip() {
    setSaving(true);
    setError(null);
    try {
      await api.patch(`/sla-definitions/${encodeURIComponent(d.code)}`, { active: !d.active }, `"${d.version}"`);
      onSaved();
    } catch (e) {
      setError(e as ApiError);
      setSaving(false);
    }
  }
  const errors = serverErrors(error);
  return (
    <>
      <button type="button" className="button button--secondary" disabled={saving} onClick={flip}>
        {d.active ? 'Deactivate' : 'Reactivate'}
        <span className="visually-hidden"> {d.code}</span>
      </button>
      {error && <Refusal error={error} marked={false} unplaced={unplacedMessages(errors, new Set(), (k) => (k === 'active' ? `Cannot reactivate ${d.code}` : undefined))} thing="definition" onReload={onSaved} />}
    </>
  );
}

function TargetsForm({ definition: d, calendars, onCancel, onSaved }: { definition: Definition; calendars: string[]; onCancel: () => void; onSaved: () => void }) {
  const [percent, setPercent] = useState(percentOfFraction(d.warningFraction));
  const [rows, setRows] = useState(rowsOf(d));
  const [checked, setChecked] = useState<FieldErrors>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const id = `edit-${d.code}`;

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const warning = checkPercent(percent);
    const { targets, errors } = checkTargetRows(rows);
    if (warning.error) errors.warningFraction = warning.error;
    setChecked(errors);
    if (Object.keys(errors).length > 0) return;
    setSaving(true);
    try {
      await api.patch(`/sla-definitions/${encodeURIComponent(d.code)}`, { warningFraction: warning.value, targets }, `"${d.version}"`);
      onSaved();
    } catch (e) {
      setError(e as ApiError);
      setSaving(false);
    }
  }

  const placed = new Set(['warningFraction', ...targetKeys(rows)]);
  const errors = { ...serverErrors(error, placeTarget(rows.map((r) => r.priority))), ...checked };
  return (
    <form className="sl-form" aria-labelledby={`${id}-title`} onSubmit={save} noValidate>
      <h4 id={`${id}-title`}>Change the targets of {d.code}</h4>
      <p className="hint">Clocks already running keep the terms they started under; the new targets apply to clocks started from now.</p>
      <Refusal error={error} marked={Object.keys(checked).length > 0} unplaced={unplacedMessages(errors, placed, () => 'The targets')} thing="definition" onReload={onSaved} />
      <Field id={`${id}-warning`} label="Warn at, % of the target" hint="Warn when this share of the target has passed: more than 0, up to 100 (75 is three quarters)" error={errors.warningFraction}>
        {(props) => <input {...props} className="input--short" inputMode="decimal" value={percent} onChange={(e) => setPercent(e.target.value)} />}
      </Field>
      <TargetRows id={id} rows={rows} onChange={setRows} calendars={calendars} calendar={d.calendar} errors={errors} />
      <SaveOrCancel label="Save the targets" saving={saving} onCancel={onCancel} />
    </form>
  );
}
