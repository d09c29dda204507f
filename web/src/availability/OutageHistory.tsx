import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiError, type Query } from '../api.ts';
import { Field } from '../components/Field.tsx';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { ShowMore } from '../components/PagedList.tsx';
import { usePagedList } from '../hooks.ts';
import { formatDateTime } from '../labels.ts';
import { useSession } from '../session.tsx';
import { duration } from './format.ts';
import type { Outage } from './types.ts';
import './availability.css';

/**
 * A list of outages (a connection's, a CI's, or a drill-down's), newest first: when, how long,
 * planned or not, and what recorded it. The service desk may correct one (its start, its end, or
 * that it was recorded in error) with a reason, which the journal keeps.
 */
export function OutageHistory({ query, title = 'Outage history', headingLevel = 2, showConnection = false }: { query: Query; title?: string; headingLevel?: 2 | 3; showConnection?: boolean }) {
  const { can } = useSession();
  const [refresh, setRefresh] = useState(0);
  const [editing, setEditing] = useState<number | null>(null);
  const list = usePagedList<Outage>('/outages', { ...query, limit: 20 }, refresh);
  const Heading = `h${headingLevel}` as const;
  const id = `outages-${Object.values(query).join('-').replace(/[^a-z0-9-]/gi, '')}`;
  return (
    <section aria-labelledby={id} className="outage-history">
      <Heading id={id}>{title}</Heading>
      {list.error && <ProblemMessage error={list.error} />}
      {list.loaded && list.items.length === 0 && <p>No outages recorded.</p>}
      {!list.loaded && !list.error && <p role="status">Loading outages…</p>}
      {list.items.length > 0 && (
        <div className="av-scroll">
          <table className="table">
            <caption className="visually-hidden">{title}</caption>
            <thead>
              <tr>
                {showConnection && <th scope="col">Connection</th>}
                <th scope="col">Started</th>
                <th scope="col">Ended</th>
                <th scope="col" className="numeric">
                  Lasted
                </th>
                <th scope="col">Planned</th>
                <th scope="col">Recorded from</th>
                {can('availability:write') && <th scope="col">Correct</th>}
              </tr>
            </thead>
            <tbody>
              {list.items.map((o) => (
                <OutageRow key={o.id} o={o} showConnection={showConnection} editing={editing === o.id} onEdit={() => setEditing(editing === o.id ? null : o.id)} onSaved={() => {
                  setEditing(null);
                  setRefresh((r) => r + 1);
                }} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ShowMore list={list} label="Show more outages" />
    </section>
  );
}

function OutageRow({ o, showConnection, editing, onEdit, onSaved }: { o: Outage; showConnection: boolean; editing: boolean; onEdit(): void; onSaved(): void }) {
  const { can } = useSession();
  const writer = can('availability:write');
  const columns = 5 + (showConnection ? 1 : 0) + (writer ? 1 : 0);
  return (
    <>
      <tr>
        {showConnection && (
          <td>
            <Link to={`/connections/${o.connection.id}`}>{o.connection.siteName}</Link>
          </td>
        )}
        <td className="nowrap">
          <time dateTime={o.startedAt}>{formatDateTime(o.startedAt)}</time>
          {o.correctedAt && <span className="tag tag--yellow">Corrected</span>}
        </td>
        <td className="nowrap">{o.endedAt ? <time dateTime={o.endedAt}>{formatDateTime(o.endedAt)}</time> : <strong>Still down</strong>}</td>
        <td className="numeric nowrap">{duration(o.durationMs)}</td>
        <td>{o.planned ? <span className="tag tag--blue">Planned{o.maintenanceWindow ? `: ${o.maintenanceWindow.title}` : ''}</span> : 'No'}</td>
        <td>{causeText(o)}</td>
        {writer && (
          <td>
            <button type="button" className="button button--secondary av-small" aria-expanded={editing} onClick={onEdit}>
              {editing ? 'Close' : 'Correct'}
              <span className="visually-hidden"> the outage from {formatDateTime(o.startedAt)}</span>
            </button>
          </td>
        )}
      </tr>
      {editing && (
        <tr>
          <td colSpan={columns}>
            <CorrectionForm o={o} onSaved={onSaved} />
          </td>
        </tr>
      )}
    </>
  );
}

function causeText(o: Outage) {
  if (o.cause.kind === 'incident') return o.cause.incident ? <Link to={`/incidents/${o.cause.incident.id}`}>Incident {o.cause.incident.number}</Link> : 'An incident';
  if (o.cause.kind === 'alert') return `Monitoring alert ${o.cause.alertId ?? ''}`.trim();
  return `Maintenance ${o.maintenanceWindow?.title ?? ''}`.trim();
}

/** `datetime-local` wants the browser's local wall time without an offset. */
function localInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function CorrectionForm({ o, onSaved }: { o: Outage; onSaved(): void }) {
  const [startedAt, setStartedAt] = useState(localInput(o.startedAt));
  const [endedAt, setEndedAt] = useState(localInput(o.endedAt));
  const [voiding, setVoiding] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const prefix = `correct-${o.id}`;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const body: Record<string, unknown> = { reason: reason.trim() };
    if (voiding) body.void = true;
    else {
      if (startedAt && startedAt !== localInput(o.startedAt)) body.startedAt = new Date(startedAt).toISOString();
      if (endedAt && endedAt !== localInput(o.endedAt)) body.endedAt = new Date(endedAt).toISOString();
    }
    setBusy(true);
    setError(null);
    try {
      await api.patch(`/outages/${o.id}`, body, `"${o.version}"`);
      onSaved();
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  }

  const message = (field: string) => error?.fieldMessage(field);
  return (
    <form className="correction" onSubmit={submit} noValidate aria-label={`Correct the outage from ${formatDateTime(o.startedAt)}`}>
      {error && !['startedAt', 'endedAt', 'reason'].some((f) => message(f)) && <ProblemMessage error={error} />}
      <div className="field-row">
        <Field id={`${prefix}-start`} label="Service lost at" error={message('startedAt')}>
          {(props) => <input {...props} type="datetime-local" value={startedAt} disabled={voiding} onChange={(e) => setStartedAt(e.target.value)} />}
        </Field>
        <Field id={`${prefix}-end`} label="Service back at" error={message('endedAt')} hint={o.endedAt ? undefined : 'Leave empty while it lasts.'}>
          {(props) => <input {...props} type="datetime-local" value={endedAt} disabled={voiding} onChange={(e) => setEndedAt(e.target.value)} />}
        </Field>
      </div>
      <label className="av-toggle">
        <input type="checkbox" checked={voiding} onChange={(e) => setVoiding(e.target.checked)} /> Recorded in error: void it (kept, counted for nothing)
      </label>
      <Field id={`${prefix}-reason`} label="Reason" hint="Kept in the journal with the change." error={message('reason')}>
        {(props) => <input {...props} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />}
      </Field>
      <div className="actions">
        <button type="submit" className="button" disabled={busy}>
          {voiding ? 'Void the outage' : 'Save the correction'}
        </button>
      </div>
    </form>
  );
}
