import { Link } from 'react-router-dom';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { usePagedList } from '../hooks.ts';
import { formatDateTime } from '../labels.ts';
import { AlertStatusTag } from './AlertStatusTag.tsx';
import type { Alert } from './types.ts';

/** A configuration item's alerts, newest first: what monitoring said about it and what n3sp made of it. */
export function AlertHistory({ ciId }: { ciId: number }) {
  const list = usePagedList<Alert>('/monitoring/alerts', { ciId, sort: '-startsAt', limit: 20 });
  return (
    <section aria-labelledby="alerts-heading">
      <h2 id="alerts-heading">Alerts</h2>
      {list.error && <ProblemMessage error={list.error} />}
      {list.loaded && list.items.length === 0 && <p>No monitoring alert has named this item.</p>}
      {list.items.length > 0 && (
        <table className="table">
          <caption className="visually-hidden">Alerts on this configuration item, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Alert</th>
              <th scope="col">Started</th>
              <th scope="col">Ended</th>
              <th scope="col">Incident</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((a) => (
              <tr key={a.id}>
                <td>
                  <AlertStatusTag status={a.status} />
                </td>
                <td>
                  <strong>{a.alertname || 'alert'}</strong>
                  {a.severity && <span className="muted"> ({a.severity})</span>}
                  {a.summary && <div className="muted">{a.summary}</div>}
                </td>
                <td className="nowrap">{formatDateTime(a.startsAt)}</td>
                <td className="nowrap">{a.endsAt ? formatDateTime(a.endsAt) : '—'}</td>
                <td>{a.incident ? <Link to={`/incidents/${a.incident.id}`}>{a.incident.number}</Link> : <span className="muted">{a.disposition ?? 'waiting for correlation'}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.hasMore && (
        <button type="button" className="button button--secondary" onClick={list.loadMore} disabled={list.loading}>
          Show more alerts
        </button>
      )}
    </section>
  );
}
