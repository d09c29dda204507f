import { useEffect, useState, type ChangeEvent, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { Page } from '../api.ts';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { usePageTitle, useResource } from '../hooks.ts';
import { formatDateTime } from '../labels.ts';
import { AlertStatusTag } from '../monitoring/AlertStatusTag.tsx';
import { GROUP_KIND_LABELS, GROUP_STATE_LABELS, type Alert, type AlertGroup } from '../monitoring/types.ts';
import '../monitoring/monitoring.css';

/** How often the console reads again while the tab is visible. */
const POLL_MS = 5_000;

const FIELDS = ['status', 'severity', 'q', 'unmapped'] as const;
type Filters = Record<(typeof FIELDS)[number], string>;

/** Reads again every few seconds while the tab is visible, and at once when it comes back. */
function usePoll(reload: () => void) {
  useEffect(() => {
    const tick = () => document.visibilityState === 'visible' && reload();
    const timer = setInterval(tick, POLL_MS);
    document.addEventListener('visibilitychange', tick);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', tick);
    };
  }, [reload]);
}

/**
 * The live event console: the correlations under way (each the incident n3sp opened or updated
 * from alerts, with its root CI and how many alerts still fire), and the alerts themselves,
 * grouped by correlation, filtered by status, severity and words, read again every few seconds.
 */
export function EventConsolePage() {
  const heading = usePageTitle('Event console');
  const [params, setParams] = useSearchParams();
  const filters: Filters = { status: params.get('status') ?? 'firing', severity: params.get('severity') ?? '', q: params.get('q') ?? '', unmapped: params.get('unmapped') ?? '' };
  const [draft, setDraft] = useState(filters);
  const groups = useResource<Page<AlertGroup>>('/monitoring/correlations', { state: 'live', limit: 100 });
  const alerts = useResource<Page<Alert>>('/monitoring/alerts', {
    status: filters.status === 'all' ? undefined : filters.status,
    severity: filters.severity || undefined,
    q: filters.q || undefined,
    mapped: filters.unmapped === 'true' ? false : undefined,
    limit: 200,
  });
  const [checkedAt, setCheckedAt] = useState<Date | null>(null);
  const { reload: reloadGroups } = groups;
  const { reload: reloadAlerts } = alerts;
  const [reloadAll] = useState(() => () => {
    reloadGroups();
    reloadAlerts();
  });
  usePoll(reloadAll);
  useEffect(() => {
    if (alerts.data) setCheckedAt(new Date());
  }, [alerts.data]);

  const set = (field: keyof Filters) => (e: ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setDraft({ ...draft, [field]: e.target.type === 'checkbox' ? ((e.target as HTMLInputElement).checked ? 'true' : '') : e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setParams(Object.fromEntries(FIELDS.filter((f) => draft[f]).map((f) => [f, draft[f]])));
  };

  const byGroup = new Map<number | null, Alert[]>();
  for (const a of alerts.data?.items ?? []) byGroup.set(a.group?.id ?? null, [...(byGroup.get(a.group?.id ?? null) ?? []), a]);
  const groupById = new Map((groups.data?.items ?? []).map((g) => [g.id, g]));
  const order = [...byGroup.keys()].sort((a, b) => (a === null ? 1 : b === null ? -1 : (groupById.get(b)?.kind === 'major' ? 1 : 0) - (groupById.get(a)?.kind === 'major' ? 1 : 0) || b - a));

  return (
    <>
      <p className="caption">Incident management › ISO/IEC 20000-1:2018 clause 8.6.1</p>
      <h1 ref={heading} tabIndex={-1}>
        Event console
      </h1>
      <p className="muted" role="status" aria-live="polite">
        {checkedAt ? `Live: read at ${checkedAt.toLocaleTimeString('en-GB')}, again every ${POLL_MS / 1000} seconds.` : 'Loading…'}
      </p>

      <section aria-labelledby="correlations-heading">
        <h2 id="correlations-heading">Correlations under way</h2>
        {groups.error && <ProblemMessage error={groups.error} />}
        {groups.data && groups.data.items.length === 0 && <p>No incident is open from alerts.</p>}
        <ul className="console-groups">
          {(groups.data?.items ?? []).map((g) => (
            <li key={g.id} className={`console-group console-group--${g.kind}`}>
              <strong>{GROUP_KIND_LABELS[g.kind]}</strong> <Link to={`/incidents/${g.incident.id}`}>{g.incident.number}</Link> {g.incident.title}
              <div>
                On <Link to={`/configuration/${g.ci.id}`}>{g.ci.name}</Link>
                {g.site && (
                  <>
                    {' '}at <Link to={`/sites/${g.site.id}`}>{g.site.name}</Link>
                  </>
                )}
                {g.reason && <span className="muted"> ({g.reason})</span>}
              </div>
              <div className="muted">
                {g.firingCount} of {g.alertCount} alerts firing
                {g.kind === 'major' && `, ${g.siteCount} sites`}; {GROUP_STATE_LABELS[g.state]}
                {g.resolveDueAt && `, resolves at ${formatDateTime(g.resolveDueAt)}`}
              </div>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="alerts-heading">
        <h2 id="alerts-heading">Alerts</h2>
        <form className="filters" role="search" aria-label="Alerts" onSubmit={submit}>
          <div className="field field--grow">
            <label htmlFor="alert-q">Alert name or summary</label>
            <input id="alert-q" type="search" value={draft.q} onChange={set('q')} maxLength={200} />
          </div>
          <div className="field">
            <label htmlFor="alert-status">Status</label>
            <select id="alert-status" value={draft.status} onChange={set('status')}>
              <option value="firing">Firing</option>
              <option value="resolved">Resolved</option>
              <option value="all">Firing or resolved</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="alert-severity">Severity</label>
            <input id="alert-severity" className="input--short" value={draft.severity} onChange={set('severity')} maxLength={50} />
          </div>
          <div className="field filters__checks">
            <div className="check">
              <input id="alert-unmapped" type="checkbox" checked={draft.unmapped === 'true'} onChange={set('unmapped')} />
              <label htmlFor="alert-unmapped">Only alerts no rule mapped to a CI</label>
            </div>
          </div>
          <button type="submit" className="button">
            Filter
          </button>
        </form>
        {alerts.error && <ProblemMessage error={alerts.error} />}
        {alerts.data && (
          <p className="result-count">
            {alerts.data.items.length === 0 ? 'No alert matches.' : `${alerts.data.items.length}${alerts.data.nextCursor ? '+' : ''} alerts, newest change first.`}
          </p>
        )}
        {order.map((groupId) => {
          const items = byGroup.get(groupId)!;
          const group = groupId === null ? undefined : groupById.get(groupId);
          const incident = items[0]!.incident;
          const title = groupId === null ? 'Not correlated' : `${GROUP_KIND_LABELS[group?.kind ?? items[0]!.group!.kind]} ${incident?.number ?? ''}`;
          return (
            <table className="table console-table" key={groupId ?? 'none'}>
              <caption>
                {incident ? <Link to={`/incidents/${incident.id}`}>{title}</Link> : title}
                {group && (
                  <span className="muted">
                    {' '}on {group.ci.name}: {group.firingCount} of {group.alertCount} firing
                  </span>
                )}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Status</th>
                  <th scope="col">Alert</th>
                  <th scope="col">CI</th>
                  <th scope="col">Site</th>
                  <th scope="col">Started</th>
                  <th scope="col">What n3sp made of it</th>
                </tr>
              </thead>
              <tbody>
                {items.map((a) => (
                  <tr key={a.id}>
                    <td>
                      <AlertStatusTag status={a.status} />
                    </td>
                    <td>
                      <strong>{a.alertname || 'alert'}</strong>
                      {a.severity && <span className="muted"> ({a.severity})</span>}
                      {a.summary && <div className="muted">{a.summary}</div>}
                    </td>
                    <td>{a.ci ? <Link to={`/configuration/${a.ci.id}`}>{a.ci.name}</Link> : <span className="muted">none</span>}</td>
                    <td>{a.site ? <Link to={`/sites/${a.site.id}`}>{a.site.name}</Link> : '—'}</td>
                    <td className="nowrap">{formatDateTime(a.startsAt)}</td>
                    <td>{a.disposition ?? <span className="muted">waiting for correlation</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          );
        })}
      </section>
    </>
  );
}
