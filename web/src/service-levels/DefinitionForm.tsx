import { useState, type FormEvent } from 'react';
import { api, ApiError, type Page } from '../api.ts';
import { Field, SaveOrCancel } from '../components/Field.tsx';
import { useResource } from '../hooks.ts';
import type { IncidentSettings } from '../incidents/types.ts';
import { checkPercent, Refusal, serverErrors, unplacedMessages, type FieldErrors } from './form.tsx';
import { checkTargetRows, placeTarget, targetKeys, TargetRows, type TargetRow } from './Targets.tsx';
import { KIND_LABELS, RECORD_LABELS } from './types.ts';

type Named = { code: string; name: string };
const LABELS: Record<string, string> = {
  code: 'Code',
  name: 'Name',
  description: 'Description',
  kind: 'Kind',
  recordType: 'Records',
  organisationOdsCode: 'Organisation',
  teamCode: 'Team',
  supplierCode: 'Supplier',
  serviceClassCode: 'Service class',
  calendar: 'Calendar',
  warningFraction: 'Warning',
  active: 'Active',
};

/**
 * A new SLA, OLA or underpinning definition: what it applies to (an organisation and those below
 * it, a team for an OLA, a supplier for an underpinning contract, a service class), the calendar
 * it counts in, and a response and resolution target for every priority of the matrix in force.
 */
export function DefinitionForm({ calendars, onCancel, onCreated }: { calendars: string[]; onCancel: () => void; onCreated: () => void }) {
  const settings = useResource<IncidentSettings>('/incident-settings');
  const priorities = settings.data?.matrix.priorities ?? null;
  if (settings.error) return <Refusal error={settings.error} marked={false} unplaced={[]} thing="setting" />;
  if (!priorities) return <p role="status">Reading the priorities…</p>;
  return <NewDefinition priorities={priorities} calendars={calendars} onCancel={onCancel} onCreated={onCreated} />;
}

function NewDefinition({ priorities, calendars, onCancel, onCreated }: { priorities: string[]; calendars: string[]; onCancel: () => void; onCreated: () => void }) {
  const teams = useResource<Page<Named>>('/teams', { limit: 200 });
  const suppliers = useResource<Page<Named>>('/suppliers', { limit: 200 });
  const classes = useResource<Page<Named>>('/service-classes', { limit: 200 });
  const [draft, setDraft] = useState({
    code: '',
    name: '',
    description: '',
    kind: 'sla',
    recordType: 'incident',
    organisationOdsCode: '',
    teamCode: '',
    supplierCode: '',
    serviceClassCode: '',
    calendar: calendars.includes('office-hours') ? 'office-hours' : (calendars[0] ?? ''),
    warning: '75',
    active: true,
  });
  const [rows, setRows] = useState<TargetRow[]>(priorities.map((priority) => ({ priority, calendar: '', response: '', resolution: '' })));
  const [checked, setChecked] = useState<FieldErrors>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const set = (change: Partial<typeof draft>) => setDraft({ ...draft, ...change });
  const id = 'new-definition';

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const { targets, errors } = checkTargetRows(rows);
    const code = draft.code.trim().toUpperCase();
    if (!/^[A-Z0-9][A-Z0-9-]{1,39}$/.test(code)) errors.code = 'Enter 2 to 40 letters, digits and hyphens, not starting with a hyphen, like SLA-GOLD';
    if (draft.name.trim() === '') errors.name = 'Enter a name';
    if (!draft.calendar) errors.calendar = 'Choose the calendar its targets count in';
    const warning = checkPercent(draft.warning);
    if (warning.error) errors.warningFraction = warning.error;
    setChecked(errors);
    if (Object.keys(errors).length > 0) return;
    const optional = (value: string) => value.trim() || undefined;
    const body = {
      code,
      name: draft.name.trim(),
      description: draft.description.trim() || undefined,
      kind: draft.kind,
      recordType: draft.recordType,
      organisationOdsCode: optional(draft.organisationOdsCode.toUpperCase()),
      teamCode: draft.kind === 'ola' ? optional(draft.teamCode) : undefined,
      supplierCode: draft.kind === 'underpinning' ? optional(draft.supplierCode) : undefined,
      serviceClassCode: optional(draft.serviceClassCode),
      calendar: draft.calendar,
      warningFraction: warning.value,
      targets,
      active: draft.active,
    };
    setSaving(true);
    try {
      await api.post('/sla-definitions', body);
      onCreated();
    } catch (e) {
      setError(e as ApiError);
      setSaving(false);
    }
  }

  const placed = new Set([...Object.keys(LABELS), ...targetKeys(rows)]);
  const errors = { ...serverErrors(error, placeTarget(priorities)), ...checked };
  const options = (list: Page<Named> | null, none: string) => (
    <>
      <option value="">{none}</option>
      {list?.items.map((x) => (
        <option key={x.code} value={x.code}>
          {x.name} ({x.code})
        </option>
      ))}
    </>
  );
  return (
    <form className="sl-form panel" aria-labelledby={`${id}-title`} onSubmit={save} noValidate>
      <h3 id={`${id}-title`}>New service level definition</h3>
      <Refusal error={error} marked={Object.keys(checked).length > 0} unplaced={unplacedMessages(errors, placed, (k) => LABELS[k] ?? 'Targets')} thing="definition" />
      <div className="field-row">
        <Field id={`${id}-code`} label="Code" hint="Upper case, never changes: SLA-GOLD" error={errors.code}>
          {(props) => <input {...props} className="input--short" autoCapitalize="characters" value={draft.code} onChange={(e) => set({ code: e.target.value })} />}
        </Field>
        <Field id={`${id}-name`} label="Name" error={errors.name}>
          {(props) => <input {...props} value={draft.name} onChange={(e) => set({ name: e.target.value })} />}
        </Field>
      </div>
      <Field id={`${id}-description`} label="Description (optional)" error={errors.description}>
        {(props) => <textarea {...props} rows={2} value={draft.description} onChange={(e) => set({ description: e.target.value })} />}
      </Field>
      <div className="field-row">
        <Field id={`${id}-kind`} label="Kind" error={errors.kind}>
          {(props) => (
            <select {...props} value={draft.kind} onChange={(e) => set({ kind: e.target.value })}>
              {Object.entries(KIND_LABELS).map(([k, label]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={`${id}-records`} label="Records" error={errors.recordType}>
          {(props) => (
            <select {...props} value={draft.recordType} onChange={(e) => set({ recordType: e.target.value })}>
              {Object.entries(RECORD_LABELS).map(([k, label]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <fieldset className="sl-fieldset">
        <legend>What it applies to</legend>
        <p className="hint">Leave a limit empty to apply everywhere. Where several definitions of a kind apply, the most specific wins.</p>
        <div className="field-row">
          <Field id={`${id}-organisation`} label="Organisation's ODS code (optional)" hint="That organisation and every one below it" error={errors.organisationOdsCode}>
            {(props) => <input {...props} className="input--short" value={draft.organisationOdsCode} onChange={(e) => set({ organisationOdsCode: e.target.value })} />}
          </Field>
          {draft.kind === 'ola' && (
            <Field id={`${id}-team`} label="Team (optional)" hint="While this team holds the record" error={errors.teamCode}>
              {(props) => (
                <select {...props} value={draft.teamCode} onChange={(e) => set({ teamCode: e.target.value })}>
                  {options(teams.data, 'Any team')}
                </select>
              )}
            </Field>
          )}
          {draft.kind === 'underpinning' && (
            <Field id={`${id}-supplier`} label="Supplier (optional)" hint="While this supplier holds the record" error={errors.supplierCode}>
              {(props) => (
                <select {...props} value={draft.supplierCode} onChange={(e) => set({ supplierCode: e.target.value })}>
                  {options(suppliers.data, 'Any supplier')}
                </select>
              )}
            </Field>
          )}
          <Field id={`${id}-class`} label="Service class (optional)" hint="Records whose product is of this class" error={errors.serviceClassCode}>
            {(props) => (
              <select {...props} value={draft.serviceClassCode} onChange={(e) => set({ serviceClassCode: e.target.value })}>
                {options(classes.data, 'Any service class')}
              </select>
            )}
          </Field>
        </div>
      </fieldset>
      <div className="field-row">
        <Field id={`${id}-calendar`} label="Calendar" hint="Its targets count in this calendar's business time" error={errors.calendar}>
          {(props) => (
            <select {...props} value={draft.calendar} onChange={(e) => set({ calendar: e.target.value })}>
              <option value="">Choose a calendar</option>
              {calendars.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={`${id}-warning`} label="Warn at, % of the target" hint="More than 0, up to 100" error={errors.warningFraction}>
          {(props) => <input {...props} className="input--short" inputMode="decimal" value={draft.warning} onChange={(e) => set({ warning: e.target.value })} />}
        </Field>
      </div>
      <fieldset className="sl-fieldset">
        <legend>Targets per priority</legend>
        <TargetRows id={id} rows={rows} onChange={setRows} calendars={calendars} calendar={draft.calendar} errors={errors} />
      </fieldset>
      <div className={`field${errors.active ? ' field--error' : ''}`}>
        {errors.active && (
          <p className="field-error" id={`${id}-active-error`}>
            {errors.active}
          </p>
        )}
        <label className="av-toggle">
          <input type="checkbox" checked={draft.active} aria-describedby={errors.active ? `${id}-active-error` : undefined} onChange={(e) => set({ active: e.target.checked })} /> Active: choose it for new records from now
        </label>
      </div>
      <SaveOrCancel label="Create the definition" saving={saving} onCancel={onCancel} />
    </form>
  );
}
