import { ClauseCaption } from '../components/Layout.tsx';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api, ApiError, namesField, type Page } from '../api.ts';
import { Field } from '../components/Field.tsx';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { ShowMore } from '../components/PagedList.tsx';
import { usePagedList, usePageTitle, useResource } from '../hooks.ts';
import { formatDateTime } from '../labels.ts';
import { ciKindLabel } from '../network/labels.ts';
import type { ConfigurationItem } from '../network/types.ts';
import { useSession } from '../session.tsx';
import { STATE_LABELS } from '../availability/format.ts';
import type { AffectedConnection, MaintenanceWindow } from '../availability/types.ts';
import '../availability/availability.css';

const DAY = 86_400_000;
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const pad = (n: number) => String(n).padStart(2, '0');
/** A local date as YYYY-MM-DD (the calendar is drawn in the reader's own time zone). */
const ymd = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const parseYmd = (s: string | null) => {
  const m = s && /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
};
const addDays = (d: Date, n: number) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
const mondayOf = (d: Date) => addDays(d, -((d.getDay() + 6) % 7));
const dayLabel = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short' });
const monthLabel = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric' });
const timeLabel = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });

/** The days the view shows: a week from Monday, or the whole weeks that hold a month. */
function viewOf(view: 'week' | 'month', at: Date) {
  if (view === 'week') {
    const start = mondayOf(at);
    return { start, end: addDays(start, 7), title: `Week of ${dayLabel.format(start)} ${start.getFullYear()}`, month: -1 };
  }
  const first = new Date(at.getFullYear(), at.getMonth(), 1);
  const next = new Date(at.getFullYear(), at.getMonth() + 1, 1);
  const start = mondayOf(first);
  const end = addDays(mondayOf(addDays(next, -1)), 7);
  return { start, end, title: monthLabel.format(first), month: first.getMonth() };
}

/**
 * The maintenance calendar: planned work by week or month, each window with what it takes down;
 * a service manager plans work on CIs here, and starts, completes or cancels it. While a window
 * is active, alerts on what it covers raise no incident and the downtime counts as planned.
 */
export function MaintenancePage() {
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const view = params.get('view') === 'week' ? 'week' : 'month';
  const at = parseYmd(params.get('at')) ?? new Date();
  const range = viewOf(view, at);
  const [selected, setSelected] = useState<number | null>(null);
  const [refresh, setRefresh] = useState(0);
  const heading = usePageTitle('Maintenance calendar');
  const windows = usePagedList<MaintenanceWindow>('/maintenance-windows', { from: range.start.toISOString(), to: range.end.toISOString(), limit: 200 }, refresh);

  const move = (changes: { view?: string; at?: Date }) => {
    const next = new URLSearchParams(params);
    if (changes.view) next.set('view', changes.view);
    if (changes.at) next.set('at', ymd(changes.at));
    setParams(next);
  };
  const step = (sign: 1 | -1) => move({ at: view === 'week' ? addDays(at, 7 * sign) : new Date(at.getFullYear(), at.getMonth() + sign, 1) });
  const days: Date[] = [];
  for (let d = range.start; d < range.end; d = addDays(d, 1)) days.push(d);
  const weeks = Array.from({ length: days.length / 7 }, (_, i) => days.slice(i * 7, i * 7 + 7));
  const on = (day: Date) => windows.items.filter((w) => Date.parse(w.startsAt) < addDays(day, 1).getTime() && Date.parse(w.endsAt) > day.getTime());
  const today = ymd(new Date());
  const chosen = windows.items.find((w) => w.id === selected) ?? null;

  return (
    <>
      <ClauseCaption>ISO/IEC 20000-1:2018 clauses 8.5.1 and 8.7.1 · Planned work</ClauseCaption>
      <h1 ref={heading} tabIndex={-1}>
        Maintenance calendar
      </h1>
      <p className="lead">
        Planned work on configuration items. While a window lasts, alerts on its CIs and on everything that fails with them raise no incident, and their downtime is planned: it is taken
        out of the <Link to="/availability">availability</Link> period.
      </p>
      <div className="calendar-nav">
        <h2 id="calendar-heading">{range.title}</h2>
        <button type="button" className="button button--secondary av-small" onClick={() => step(-1)}>
          Previous<span className="visually-hidden"> {view}</span>
        </button>
        <button type="button" className="button button--secondary av-small" onClick={() => move({ at: new Date() })}>
          Today
        </button>
        <button type="button" className="button button--secondary av-small" onClick={() => step(1)}>
          Next<span className="visually-hidden"> {view}</span>
        </button>
        <button type="button" className="button button--secondary av-small" aria-pressed={view === 'week'} onClick={() => move({ view: 'week' })}>
          Week
        </button>
        <button type="button" className="button button--secondary av-small" aria-pressed={view === 'month'} onClick={() => move({ view: 'month' })}>
          Month
        </button>
      </div>
      {windows.error && <ProblemMessage error={windows.error} />}
      <table className="calendar" aria-labelledby="calendar-heading">
        <thead>
          <tr>
            {WEEKDAYS.map((d) => (
              <th key={d} scope="col">
                <abbr title={d}>{d.slice(0, 3)}</abbr>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((week) => (
            <tr key={ymd(week[0]!)}>
              {week.map((day) => (
                <td key={ymd(day)} className={[range.month >= 0 && day.getMonth() !== range.month ? 'calendar__other' : '', ymd(day) === today ? 'calendar__today' : ''].join(' ').trim() || undefined}>
                  <span className="calendar__day">{dayLabel.format(day)}</span>
                  {on(day).map((w) => (
                    <button key={w.id} type="button" className={`calendar__window calendar__window--${w.state}`} aria-pressed={selected === w.id} onClick={() => setSelected(selected === w.id ? null : w.id)}>
                      {timeLabel.format(new Date(Math.max(Date.parse(w.startsAt), day.getTime())))} {w.title}
                      <span className="visually-hidden"> ({STATE_LABELS[w.state]})</span>
                    </button>
                  ))}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {chosen && <WindowDetail window={chosen} onChanged={() => setRefresh((r) => r + 1)} />}
      <section aria-labelledby="list-heading">
        <h2 id="list-heading">Windows in this {view}</h2>
        {windows.loaded && windows.items.length === 0 && <p>No maintenance is planned in this {view}.</p>}
        {windows.items.length > 0 && (
          <div className="av-scroll">
            <table className="table">
              <caption className="visually-hidden">Maintenance windows overlapping {range.title}</caption>
              <thead>
                <tr>
                  <th scope="col">Work</th>
                  <th scope="col">Starts</th>
                  <th scope="col">Ends</th>
                  <th scope="col">State</th>
                  <th scope="col">On</th>
                  <th scope="col" className="numeric">
                    Connections down
                  </th>
                </tr>
              </thead>
              <tbody>
                {windows.items.map((w) => (
                  <tr key={w.id}>
                    <td>
                      <button type="button" className="calendar__window" aria-pressed={selected === w.id} onClick={() => setSelected(selected === w.id ? null : w.id)}>
                        {w.title}
                      </button>
                    </td>
                    <td className="nowrap">{formatDateTime(w.startsAt)}</td>
                    <td className="nowrap">{formatDateTime(w.endsAt)}</td>
                    <td>
                      <span className={`tag ${w.active ? 'tag--yellow' : w.state === 'cancelled' ? 'tag--grey' : 'tag--blue'}`}>{w.active ? 'Active now' : STATE_LABELS[w.state]}</span>
                    </td>
                    <td>{w.cis.map((c) => c.name).join(', ') || '—'}</td>
                    <td className="numeric">{w.affected.connections}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {can('maintenance:write') && (
        <PlanForm
          onPlanned={(w) => {
            setRefresh((r) => r + 1);
            setSelected(w.id);
            move({ at: new Date(w.startsAt) });
          }}
        />
      )}
    </>
  );
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

const NEXT_VERBS: Record<string, string> = { in_progress: 'Start the work', completed: 'Complete the work', cancelled: 'Cancel the window' };

function WindowDetail({ window: w, onChanged }: { window: MaintenanceWindow; onChanged(): void }) {
  const { can } = useSession();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const affected = usePagedList<AffectedConnection>(`/maintenance-windows/${w.id}/connections`, { limit: 50 }, w.version);

  async function change(state: string) {
    setBusy(true);
    setError(null);
    try {
      await api.patch(`/maintenance-windows/${w.id}`, { state }, `"${w.version}"`);
      onChanged();
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="window-heading" className="panel">
      <h2 id="window-heading">{w.title}</h2>
      {w.description && <p>{w.description}</p>}
      <dl className="summary-list">
        <div>
          <dt>When</dt>
          <dd>
            {formatDateTime(w.startsAt)} to {formatDateTime(w.endsAt)}
          </dd>
        </div>
        <div>
          <dt>State</dt>
          <dd>
            {STATE_LABELS[w.state]}
            {w.active && <strong> — active now</strong>}
          </dd>
        </div>
        <div>
          <dt>Work on</dt>
          <dd>
            {w.cis.map((c, i) => (
              <span key={c.id}>
                {i > 0 && ', '}
                <Link to={`/configuration/${c.id}`}>{c.name}</Link> <span className="muted">{ciKindLabel(c.kind)}</span>
              </span>
            ))}
          </dd>
        </div>
        <div>
          <dt>Takes down</dt>
          <dd>
            {plural(w.affected.cis, 'configuration item')}: {plural(w.affected.connections, 'connection')} at {plural(w.affected.sites, 'site')} of {plural(w.affected.organisations, 'organisation')}
          </dd>
        </div>
        {w.changeReference && (
          <div>
            <dt>Change</dt>
            <dd>{w.changeReference}</dd>
          </div>
        )}
        <div>
          <dt>Planned by</dt>
          <dd>{w.createdBy}</dd>
        </div>
      </dl>
      {error && <ProblemMessage error={error} />}
      {can('maintenance:write') && w.nextStates.length > 0 && (
        <div className="actions">
          {w.nextStates.map((s) => (
            <button key={s} type="button" className={`button${s === 'cancelled' ? ' button--secondary' : ''}`} disabled={busy} onClick={() => void change(s)}>
              {NEXT_VERBS[s] ?? s}
            </button>
          ))}
        </div>
      )}
      {affected.items.length > 0 && (
        <>
          <h3>Connections it takes down</h3>
          <ul className="link-list">
            {affected.items.map((c) => (
              <li key={c.id}>
                <Link to={`/connections/${c.id}`}>{c.site.name}</Link> <span className="muted">{c.organisation.name}, through {c.through.name}</span>
              </li>
            ))}
          </ul>
          <ShowMore list={affected} label="Show more connections" />
        </>
      )}
    </section>
  );
}

const FORM_FIELDS = ['title', 'description', 'startsAt', 'endsAt', 'ciIds', 'changeReference'];

function PlanForm({ onPlanned }: { onPlanned(w: MaintenanceWindow): void }) {
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [changeReference, setChangeReference] = useState('');
  const [search, setSearch] = useState('');
  const [term, setTerm] = useState('');
  const [cis, setCis] = useState<Array<{ id: number; name: string; kind: string }>>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const found = useResource<Page<ConfigurationItem>>(term ? '/cis' : null, { q: term, limit: 10 });

  async function submit(event: FormEvent) {
    event.preventDefault();
    const body: Record<string, unknown> = { title: title.trim(), ciIds: cis.map((c) => c.id) };
    if (description.trim()) body.description = description.trim();
    if (changeReference.trim()) body.changeReference = changeReference.trim();
    // datetime-local is the reader's wall time; the API takes instants.
    body.startsAt = startsAt ? new Date(startsAt).toISOString() : '';
    body.endsAt = endsAt ? new Date(endsAt).toISOString() : '';
    setBusy(true);
    setError(null);
    try {
      const { data } = await api.post<MaintenanceWindow>('/maintenance-windows', body);
      setTitle('');
      setDescription('');
      setStartsAt('');
      setEndsAt('');
      setChangeReference('');
      setCis([]);
      onPlanned(data);
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  }

  const message = (field: string) => error?.fieldMessage(field);
  const elsewhere = error && (error.errors.length === 0 || error.errors.some((e) => !FORM_FIELDS.some((f) => namesField(e, f))));
  return (
    <section aria-labelledby="plan-heading" className="panel">
      <h2 id="plan-heading">Plan maintenance</h2>
      <form onSubmit={submit} noValidate>
        {elsewhere && <ProblemMessage error={error!} />}
        <Field id="plan-title" label="What the work is" error={message('title')}>
          {(props) => <input {...props} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} />}
        </Field>
        <Field id="plan-description" label="Details (optional)" error={message('description')}>
          {(props) => <textarea {...props} value={description} onChange={(e) => setDescription(e.target.value)} rows={3} maxLength={5000} />}
        </Field>
        <div className="field-row">
          <Field id="plan-starts" label="Starts" hint="Your local time." error={message('startsAt')}>
            {(props) => <input {...props} type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} />}
          </Field>
          <Field id="plan-ends" label="Ends" error={message('endsAt')}>
            {(props) => <input {...props} type="datetime-local" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} />}
          </Field>
          <Field id="plan-change" label="Change reference (optional)" error={message('changeReference')}>
            {(props) => <input {...props} value={changeReference} onChange={(e) => setChangeReference(e.target.value)} maxLength={50} />}
          </Field>
        </div>
        <fieldset className="field">
          <legend>Configuration items the work is on</legend>
          {message('ciIds') && <p className="field-error">{message('ciIds')}</p>}
          {cis.length > 0 ? (
            <ul className="drill" aria-label="Chosen configuration items">
              {cis.map((c) => (
                <li key={c.id}>
                  {c.name} <span className="muted">{ciKindLabel(c.kind)}</span>
                  <button type="button" className="button button--secondary av-small" onClick={() => setCis(cis.filter((x) => x.id !== c.id))}>
                    Remove<span className="visually-hidden"> {c.name}</span>
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p className="hint">None chosen yet: find them by name or reference.</p>
          )}
          <div className="field-row">
            <div className="field">
              <label htmlFor="plan-ci-search">Find a configuration item</label>
              <input
                id="plan-ci-search"
                value={search}
                onChange={(e) => setSearch(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    setTerm(search.trim());
                  }
                }}
              />
            </div>
            <div className="filters__actions">
              <button type="button" className="button button--secondary" onClick={() => setTerm(search.trim())}>
                Find
              </button>
            </div>
          </div>
          {found.error && <ProblemMessage error={found.error} />}
          {found.data && found.data.items.length === 0 && <p role="status">Nothing matches &ldquo;{term}&rdquo;.</p>}
          {found.data && found.data.items.length > 0 && (
            <ul className="ci-picker__results" aria-label="Matching configuration items">
              {found.data.items.map((c) => (
                <li key={c.id}>
                  <span>
                    {c.name} <span className="muted">{ciKindLabel(c.kind)}</span>
                  </span>
                  <button type="button" className="button button--secondary av-small" disabled={cis.some((x) => x.id === c.id)} onClick={() => setCis([...cis, { id: c.id, name: c.name, kind: c.kind }])}>
                    Add<span className="visually-hidden"> {c.name}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            Plan the work
          </button>
        </div>
      </form>
    </section>
  );
}
