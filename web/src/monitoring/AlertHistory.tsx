import { Link } from 'react-router-dom';
import type { Column } from '../components/ItemTable.tsx';
import { ListSection } from '../components/PagedList.tsx';
import { formatDateTime } from '../labels.ts';
import { AlertStatusTag } from './AlertStatusTag.tsx';
import type { Alert } from './types.ts';

const COLUMNS: Column<Alert>[] = [
  { head: 'Status', cell: (a) => <AlertStatusTag status={a.status} /> },
  {
    head: 'Alert',
    cell: (a) => (
      <>
        <strong>{a.alertname || 'alert'}</strong>
        {a.severity && <span className="muted"> ({a.severity})</span>}
        {a.summary && <div className="muted">{a.summary}</div>}
      </>
    ),
  },
  { head: 'Started', cell: (a) => formatDateTime(a.startsAt), className: 'nowrap' },
  { head: 'Ended', cell: (a) => (a.endsAt ? formatDateTime(a.endsAt) : '—'), className: 'nowrap' },
  { head: 'Incident', cell: (a) => (a.incident ? <Link to={`/incidents/${a.incident.id}`}>{a.incident.number}</Link> : <span className="muted">{a.disposition ?? 'waiting for correlation'}</span>) },
];

/** A configuration item's alerts, newest first: what monitoring said about it and what n3sp made of it. */
export function AlertHistory({ ciId }: { ciId: number }) {
  return <ListSection id="alerts" title="Alerts" caption="Alerts on this configuration item, newest first" path="/monitoring/alerts" query={{ ciId, sort: '-startsAt', limit: 20 }} empty="No monitoring alert has named this item." columns={COLUMNS} rowKey={(a) => a.id} more="Show more alerts" />;
}
