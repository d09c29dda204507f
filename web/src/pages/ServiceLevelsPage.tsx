import { useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api, ApiError, namesField, type Page } from '../api.ts';
import { Field, SaveOrCancel } from '../components/Field.tsx';
import { IncidentPriorities } from '../service-levels/IncidentPriorities.tsx';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { usePageTitle, useResource } from '../hooks.ts';
import { formatDate, formatDateTime } from '../labels.ts';
import { useSession } from '../session.tsx';
import '../availability/availability.css';
import '../service-levels/service-levels.css';

interface Counts {
  met: number;
  breached: number;
  total: number;
  compliancePercent: number | null;
}
interface Compliance {
  from: string;
  to: string;
  groupBy: string;
  groups: Array<Counts & { key: string; name: string }>;
  totals: Counts;
}
interface Target {
  priority: string;
  calendar: string;
  responseMinutes: number | null;
  resolutionMinutes: number;
}
interface Definition {
  code: string;
  name: string;
  description: string;
  kind: string;
  recordType: string;
  organisation: { odsCode: string; name: string } | null;
  team: { code: string; name: string } | null;
  supplier: { code: string; name: string } | null;
  serviceClass: { code: string; name: string } | null;
  calendar: string;
  warningFraction: number;
  targets: Target[];
  active: boolean;
  version: number;
}
type Day = Array<{ opens: string; closes: string }>;
interface Calendar {
  name: string;
  description: string;
  timeZone: string;
  hours: '24x7' | Record<string, Day | undefined>;
  bankHolidays: string | null;
  bankHolidayCoverage: { firstDate: string; lastDate: string } | null;
  bankHolidayProblem: string | null;
  closures: Array<{ kind: 'dates'; from: string; to: string; title: string } | { kind: 'period'; start: string; end: string; title: string }>;
}

const KIND_LABELS: Record<string, string> = { sla: 'SLA (to the customer)', ola: 'OLA (an internal team)', underpinning: 'Underpinning (a supplier)' };
const RECORD_LABELS: Record<string, string> = { incident: 'Incidents', service_request: 'Service requests' };
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const DIVISIONS: Record<string, string> = { 'england-and-wales': 'England and Wales', scotland: 'Scotland', 'northern-ireland': 'Northern Ireland' };
const MET = '#007f3b';
const BREACHED = '#d5281b';
const TEXT = '#4c6272';
const GRID = '#d8dde0';

/** Business minutes as people say them: "5 h", "1 h 30 min", "45 min". */
export function minutesText(minutes: number | null): string {
  if (minutes === null) return '—';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}
const percentText = (p: number | null) => (p === null ? '—' : `${p.toFixed(p % 1 ? 2 : 0)}%`);

/** yyyy-mm-dd of a local date. */
const dayOf = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
/** The instant a local date starts, as ISO. */
function startOf(day: string, plusDays = 0): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d! + plusDays).toISOString();
}

/**
 * Service level management (ISO/IEC 20000-1 8.3.3) for the desk: how many targets were met and
 * breached in a period, by priority or by definition; the SLA, OLA and underpinning definitions
 * with their targets; and the business calendars the clocks count in. Service managers and
 * administrators change a definition's targets and warning fraction here.
 */
export function ServiceLevelsPage() {
  const [params, setParams] = useSearchParams();
  const today = dayOf(new Date());
  const to = params.get('to') ?? today;
  const from = params.get('from') ?? dayOf(new Date(Date.now() - 29 * 86_400_000));
  const groupBy = params.get('groupBy') === 'definition' ? 'definition' : 'priority';
  const [draft, setDraft] = useState({ from, to, groupBy });
  const address = params.toString();
  useEffect(() => setDraft({ from, to, groupBy }), [address]); // eslint-disable-line react-hooks/exhaustive-deps
  const heading = usePageTitle('Service levels');
  const { can } = useSession();

  const compliance = useResource<Compliance>('/sla-compliance', { from: startOf(from), to: startOf(to, 1), groupBy });
  const definitions = useResource<Page<Definition>>('/sla-definitions', { limit: 200 });
  const calendars = useResource<Page<Calendar>>('/business-calendars', { limit: 200 });

  function submit(event: FormEvent) {
    event.preventDefault();
    setParams(new URLSearchParams({ from: draft.from, to: draft.to, groupBy: draft.groupBy }));
  }

  const c = compliance.data;
  const period = `${formatDate(from)} to ${formatDate(to)}`;
  return (
    <>
      <p className="caption">ISO/IEC 20000-1:2018 clause 8.3.3 · Service level management</p>
      <h1 ref={heading} tabIndex={-1}>
        Service levels
      </h1>
      <p className="lead">
        What is promised to customers (SLAs), by internal teams (OLAs) and by suppliers (underpinning contracts), and how often it was kept. A target counts as met or
        breached in the period its outcome was decided; cancelled records count as neither.
      </p>

      <section aria-labelledby="compliance-heading">
        <h2 id="compliance-heading">Compliance</h2>
        <form className="filters" aria-label="Compliance period and grouping" onSubmit={submit}>
          <div className="field">
            <label htmlFor="sl-from">From</label>
            <input id="sl-from" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} required />
          </div>
          <div className="field">
            <label htmlFor="sl-to">To (inclusive)</label>
            <input id="sl-to" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} required />
          </div>
          <div className="field">
            <label htmlFor="sl-group">Group by</label>
            <select id="sl-group" value={draft.groupBy} onChange={(e) => setDraft({ ...draft, groupBy: e.target.value as 'priority' | 'definition' })}>
              <option value="priority">Priority</option>
              <option value="definition">Definition</option>
            </select>
          </div>
          <div className="filters__actions">
            <button type="submit" className="button">
              Show
            </button>
          </div>
        </form>
        {compliance.error && <ProblemMessage error={compliance.error} />}
        {!c && !compliance.error && <p role="status">Counting targets met and breached…</p>}
        {c && (
          <>
            <p className="availability-headline" role="status">
              {c.totals.total === 0 ? (
                <>No target was met or breached from {period}.</>
              ) : (
                <>
                  <strong>{percentText(c.totals.compliancePercent)}</strong> of targets met from {period}: {c.totals.met} met, {c.totals.breached} breached
                </>
              )}
            </p>
            {c.groups.length > 0 && (
              <>
                <ComplianceChart compliance={c} period={period} />
                <div className="av-scroll">
                  <table className="table">
                    <caption>Targets met and breached by {c.groupBy}, {period}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{c.groupBy === 'definition' ? 'Definition' : 'Priority'}</th>
                        <th scope="col" className="numeric">
                          Met
                        </th>
                        <th scope="col" className="numeric">
                          Breached
                        </th>
                        <th scope="col" className="numeric">
                          Decided
                        </th>
                        <th scope="col" className="numeric">
                          Met (%)
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {c.groups.map((g) => (
                        <tr key={g.key}>
                          <th scope="row">
                            {g.name}
                            {g.name !== g.key && <span className="muted"> {g.key}</span>}
                          </th>
                          <td className="numeric">{g.met}</td>
                          <td className="numeric">{g.breached}</td>
                          <td className="numeric">{g.total}</td>
                          <td className="numeric">{percentText(g.compliancePercent)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            )}
          </>
        )}
      </section>

      <IncidentPriorities editable={can('service_levels:write')} />

      <section aria-labelledby="definitions-heading">
        <h2 id="definitions-heading">Definitions</h2>
        {definitions.error && <ProblemMessage error={definitions.error} />}
        {definitions.data && definitions.data.items.length === 0 && <p>There are no service level definitions you may see.</p>}
        {definitions.data?.items.map((d) => (
          <DefinitionCard key={`${d.code}-${d.version}`} definition={d} editable={can('service_levels:write')} onSaved={definitions.reload} />
        ))}
      </section>

      <section aria-labelledby="calendars-heading">
        <h2 id="calendars-heading">Business calendars</h2>
        {calendars.error && (calendars.error.status === 403 ? <p>Business calendars are the service desk&rsquo;s configuration; each clock names the calendar it counts in.</p> : <ProblemMessage error={calendars.error} />)}
        {calendars.data?.items.map((cal) => <CalendarCard key={cal.name} calendar={cal} />)}
      </section>
    </>
  );
}

/** Met and breached per group as stacked horizontal bars; the table below carries the same numbers. */
function ComplianceChart({ compliance, period }: { compliance: Compliance; period: string }) {
  const groups = compliance.groups.slice(0, 30);
  const W = 800;
  const ROW = 26;
  const M = { top: 8, right: 150, bottom: 28, left: 200 };
  const H = M.top + M.bottom + groups.length * ROW;
  const max = Math.max(1, ...groups.map((g) => g.total));
  const x = (v: number) => M.left + (v / max) * (W - M.left - M.right);
  const label = `Targets met and breached by ${compliance.groupBy}, ${period}: ${groups.map((g) => `${g.name} ${g.met} met, ${g.breached} breached`).join('; ')}.`;
  return (
    <figure className="availability-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} className="availability-chart__svg">
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={x(max * f)} x2={x(max * f)} y1={M.top} y2={H - M.bottom} stroke={GRID} />
            <text x={x(max * f)} y={H - 8} textAnchor="middle" fontSize="11" fill={TEXT}>
              {Number.isInteger(max * f) ? max * f : ''}
            </text>
          </g>
        ))}
        {groups.map((g, i) => {
          const top = M.top + i * ROW;
          const name = g.name.length > 28 ? `${g.name.slice(0, 27)}…` : g.name;
          return (
            <g key={g.key}>
              <text x={M.left - 6} y={top + ROW / 2 + 4} textAnchor="end" fontSize="12" fill={TEXT}>
                {name}
              </text>
              {g.met > 0 && <rect x={M.left} y={top + 4} width={x(g.met) - M.left} height={ROW - 8} fill={MET} />}
              {g.breached > 0 && <rect x={x(g.met)} y={top + 4} width={x(g.total) - x(g.met)} height={ROW - 8} fill={BREACHED} />}
              <text x={x(g.total) + 6} y={top + ROW / 2 + 4} fontSize="11" fill={TEXT}>
                {g.met} met, {g.breached} breached
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>Green: targets met; red: targets breached. The table below has the same numbers.</figcaption>
    </figure>
  );
}

function appliesTo(d: Definition): string {
  const parts = [RECORD_LABELS[d.recordType] ?? d.recordType];
  if (d.organisation) parts.push(`of ${d.organisation.name} (${d.organisation.odsCode}) and below`);
  if (d.serviceClass) parts.push(`on service class ${d.serviceClass.name}`);
  if (d.team) parts.push(`while team ${d.team.name} holds them`);
  if (d.supplier) parts.push(`while ${d.supplier.name} holds them`);
  if (parts.length === 1) parts.push('everywhere, unless a more specific definition applies');
  return parts.join(' ');
}

function DefinitionCard({ definition: d, editable, onSaved }: { definition: Definition; editable: boolean; onSaved: () => void }) {
  const [editing, setEditing] = useState(false);
  const id = `def-${d.code}`;
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
          <dd>at {Math.round(d.warningFraction * 100)}% of the target ({d.warningFraction})</dd>
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
        <button type="button" className="button button--secondary" onClick={() => setEditing(true)}>
          Change the targets<span className="visually-hidden"> of {d.code}</span>
        </button>
      )}
      {editable && editing && (
        <TargetsForm
          definition={d}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            onSaved();
          }}
        />
      )}
    </section>
  );
}

/** The server's message for a field, whichever way it names a target row (by index or by priority). */
function messageOf(error: ApiError | null, names: string[]): string | undefined {
  if (!error) return undefined;
  return error.errors.find((e) => names.some((n) => namesField(e, n)))?.message;
}

function TargetsForm({ definition: d, onCancel, onSaved }: { definition: Definition; onCancel: () => void; onSaved: () => void }) {
  const [fraction, setFraction] = useState(String(d.warningFraction));
  const [rows, setRows] = useState(d.targets.map((t) => ({ response: t.responseMinutes === null ? '' : String(t.responseMinutes), resolution: String(t.resolutionMinutes) })));
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const id = `edit-${d.code}`;

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setError(null);
    const targets = d.targets.map((t, i) => ({
      priority: t.priority,
      calendar: t.calendar === d.calendar ? null : t.calendar,
      responseMinutes: rows[i]!.response.trim() === '' ? null : Number(rows[i]!.response),
      resolutionMinutes: Number(rows[i]!.resolution),
    }));
    try {
      await api.patch(`/sla-definitions/${encodeURIComponent(d.code)}`, { warningFraction: Number(fraction), targets }, `"${d.version}"`);
      onSaved();
    } catch (e) {
      setError(e as ApiError);
      setSaving(false);
    }
  }

  const fieldNames = ['warningFraction', ...d.targets.flatMap((t, i) => [`targets[${i}]`, `targets.${t.priority}`, `targets[${i}].responseMinutes`, `targets[${i}].resolutionMinutes`, `targets.${t.priority}.responseMinutes`, `targets.${t.priority}.resolutionMinutes`]), 'targets'];
  const placed = error !== null && error.allAbout(fieldNames);
  return (
    <form className="sl-targets" aria-labelledby={`${id}-title`} onSubmit={save} noValidate>
      <h4 id={`${id}-title`}>Change the targets of {d.code}</h4>
      <p className="hint">Clocks already running keep the terms they started under; the new targets apply to clocks started from now.</p>
      {error && error.status === 412 && (
        <div className="error-summary" role="alert">
          <h5 className="error-summary__title">Someone else changed this definition</h5>
          <p>Nothing was saved. Cancel and open the form again to see their change.</p>
        </div>
      )}
      {error && error.status !== 412 && (placed ? <p className="field-error" role="alert">{error.title}: see the field marked below.</p> : <ProblemMessage error={error} />)}
      <Field id={`${id}-fraction`} label="Warning fraction" hint="Warn when this fraction of the target has passed, from above 0 up to 1 (0.75 is three quarters)" error={messageOf(error, ['warningFraction'])}>
        {(props) => <input {...props} className="input--short" inputMode="decimal" value={fraction} onChange={(e) => setFraction(e.target.value)} />}
      </Field>
      {d.targets.map((t, i) => (
        <fieldset key={t.priority} className="field-row">
          <legend>
            {t.priority} <span className="muted">({t.calendar})</span>
          </legend>
          <Field
            id={`${id}-${t.priority}-response`}
            label={`${t.priority} response, minutes`}
            hint={rows[i]!.response ? `= ${minutesText(Number(rows[i]!.response) || 0)}; empty for none` : 'Empty for none'}
            error={messageOf(error, [`targets[${i}].responseMinutes`, `targets.${t.priority}.responseMinutes`])}
          >
            {(props) => <input {...props} className="input--short" inputMode="numeric" value={rows[i]!.response} onChange={(e) => setRows(rows.map((r, j) => (j === i ? { ...r, response: e.target.value } : r)))} />}
          </Field>
          <Field
            id={`${id}-${t.priority}-resolution`}
            label={`${t.priority} resolution, minutes`}
            hint={`= ${minutesText(Number(rows[i]!.resolution) || 0)}`}
            error={messageOf(error, [`targets[${i}].resolutionMinutes`, `targets.${t.priority}.resolutionMinutes`, `targets[${i}]`, `targets.${t.priority}`])}
          >
            {(props) => <input {...props} className="input--short" inputMode="numeric" value={rows[i]!.resolution} onChange={(e) => setRows(rows.map((r, j) => (j === i ? { ...r, resolution: e.target.value } : r)))} />}
          </Field>
        </fieldset>
      ))}
      <SaveOrCancel label="Save the targets" saving={saving} onCancel={onCancel} />
    </form>
  );
}

function CalendarCard({ calendar: cal }: { calendar: Calendar }) {
  const id = `cal-${cal.name}`;
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{cal.name}</h3>
      {cal.description && <p>{cal.description}</p>}
      <dl className="summary-list">
        <div>
          <dt>Time zone</dt>
          <dd>{cal.timeZone}</dd>
        </div>
        <div>
          <dt>Hours</dt>
          <dd>
            {cal.hours === '24x7' ? (
              'Round the clock, every day'
            ) : (
              <ul className="sl-list">
                {WEEKDAYS.map((day) => {
                  const intervals = (cal.hours as Record<string, Day | undefined>)[day] ?? [];
                  return (
                    <li key={day}>
                      {day[0]!.toUpperCase() + day.slice(1)}: {intervals.length === 0 ? 'closed' : intervals.map((i) => `${i.opens}–${i.closes}`).join(', ')}
                    </li>
                  );
                })}
              </ul>
            )}
          </dd>
        </div>
        <div>
          <dt>Bank holidays</dt>
          <dd>
            {cal.bankHolidays === null ? 'Counted as working days' : `Shut on ${DIVISIONS[cal.bankHolidays] ?? cal.bankHolidays} bank holidays`}
            {cal.bankHolidayCoverage && (
              <span className="muted">
                {' '}
                (published list covers {formatDate(cal.bankHolidayCoverage.firstDate)} to {formatDate(cal.bankHolidayCoverage.lastDate)})
              </span>
            )}
            {cal.bankHolidayProblem && <p className="field-error">{cal.bankHolidayProblem}</p>}
          </dd>
        </div>
        <div>
          <dt>Closures</dt>
          <dd>
            {cal.closures.length === 0 ? (
              'None'
            ) : (
              <ul className="sl-list">
                {cal.closures.map((c, i) => (
                  <li key={i}>
                    {c.title}: {c.kind === 'dates' ? `${formatDate(c.from)} to ${formatDate(c.to)}` : `${formatDateTime(c.start)} to ${formatDateTime(c.end)}`}
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
}
