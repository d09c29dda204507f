import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { Page, Query } from '../api.ts';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { usePageTitle, useResource } from '../hooks.ts';
import { formatDateTime } from '../labels.ts';
import { BulkActions } from '../incidents/BulkActions.tsx';
import { CustomerIncidents } from '../incidents/CustomerIncidents.tsx';
import { DueCell, PriorityTag, StateTagFor } from '../incidents/bits.tsx';
import { INCIDENT_STATES, stateLabel, type IncidentSettings, type IncidentSummary, type Team } from '../incidents/types.ts';
import { useLiveList } from '../incidents/useLiveList.ts';
import type { Supplier } from '../network/types.ts';
import { useSession } from '../session.tsx';
import '../incidents/incidents.css';

/** Customers get the portal; staff and suppliers' engineers the queue. */
export function IncidentsPage() {
  const { self } = useSession();
  if (self?.scope === 'organisations') return <CustomerIncidents />;
  return <Queue />;
}

const FIELDS = ['state', 'priority', 'team', 'assignee', 'supplier', 'organisation', 'q', 'sort', 'major', 'breached'] as const;
type Filters = Record<(typeof FIELDS)[number], string>;

const SORTS: Array<[string, string]> = [
  ['slaDueAt', 'SLA due, soonest first'],
  ['-number', 'Number, newest first'],
  ['-updatedAt', 'Recently updated'],
];

/** Open work is sorted by when its resolution target falls due; anything else by number. */
function sortFor(filters: Filters): string {
  if (filters.sort) return filters.sort;
  return filters.state === 'open' ? 'slaDueAt' : '-number';
}

/**
 * The queue: every incident the reader may see, filtered and sorted by the server, the query in
 * the address. It keeps itself current while it is on screen and marks rows that changed; the
 * service desk can act on several rows at once.
 */
function Queue() {
  const { self, can } = useSession();
  const desk = self?.scope === 'network';
  const canWrite = desk && can('incidents:write');
  const [params, setParams] = useSearchParams();
  const read = (): Filters => {
    const f = Object.fromEntries(FIELDS.map((k) => [k, params.get(k) ?? ''])) as Filters;
    if (!f.state) f.state = 'open';
    return f;
  };
  const filters = read();
  const address = params.toString();
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(read()), [address]); // eslint-disable-line react-hooks/exhaustive-deps
  const sort = sortFor(filters);
  const query = useMemo<Query>(
    () => ({
      state: filters.state === 'all' ? undefined : filters.state,
      priority: filters.priority,
      team: filters.team,
      assignee: filters.assignee,
      supplier: filters.supplier,
      organisation: filters.organisation,
      q: filters.q,
      major: filters.major === 'true' ? true : undefined,
      breached: filters.breached === 'true' ? true : undefined,
      sort,
    }),
    [address], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const list = useLiveList<IncidentSummary>('/incidents', query);
  const settings = useResource<IncidentSettings>('/incident-settings');
  const teams = useResource<Page<Team>>(can('teams:read') ? '/teams' : null, { active: true, limit: 100 });
  const suppliers = useResource<Page<Supplier>>(desk && can('suppliers:read') ? '/suppliers' : null, { state: 'active', sort: 'name', limit: 100 });
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  useEffect(() => setSelected(new Set()), [address]);
  const [now, setNow] = useState(Date.now());
  useEffect(() => setNow(Date.now()), [list.checkedAt]);
  const heading = usePageTitle('Incidents');

  function submit(event: FormEvent) {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [key, value] of Object.entries(draft)) {
      const v = value.trim();
      if (!v || (key === 'state' && v === 'open')) continue;
      next.set(key, key === 'organisation' || key === 'supplier' ? v.toUpperCase() : v);
    }
    setParams(next);
  }
  const filtered = FIELDS.some((f) => f !== 'sort' && f !== 'state' && filters[f]) || filters.state !== 'open';
  const set = (key: keyof Filters) => (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value });
  const tick = (key: 'major' | 'breached') => (e: { target: { checked: boolean } }) => setDraft({ ...draft, [key]: e.target.checked ? 'true' : '' });
  const shown = list.items;
  const allSelected = shown.length > 0 && shown.every((i) => selected.has(i.id));
  const toggle = (id: number) => setSelected((s) => {
    const next = new Set(s);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });

  return (
    <>
      <p className="caption">ISO/IEC 20000-1:2018 clause 8.6.1</p>
      <div className="title-row">
        <h1 ref={heading} tabIndex={-1}>
          Incidents
        </h1>
        {desk && (
          <Link className="button button--secondary" to="/incidents/major">
            Major incident board
          </Link>
        )}
      </div>
      <form className="filters" role="search" aria-label="Incidents" onSubmit={submit}>
        <div className="field field--grow">
          <label htmlFor="incident-q">Number or words</label>
          <input id="incident-q" type="search" value={draft.q} onChange={set('q')} maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor="incident-state">State</label>
          <select id="incident-state" value={draft.state} onChange={set('state')}>
            <option value="open">Open (not yet resolved)</option>
            {INCIDENT_STATES.map((s) => (
              <option key={s} value={s}>
                {stateLabel(s)}
              </option>
            ))}
            <option value="all">Any state</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="incident-priority">Priority</label>
          <select id="incident-priority" value={draft.priority} onChange={set('priority')}>
            <option value="">Any priority</option>
            {settings.data?.matrix.priorities.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </div>
        {teams.data && (
          <div className="field">
            <label htmlFor="incident-team">Team</label>
            <select id="incident-team" value={draft.team} onChange={set('team')}>
              <option value="">Any team</option>
              {teams.data.items.map((t) => (
                <option key={t.id} value={t.code}>
                  {t.name}
                </option>
              ))}
            </select>
          </div>
        )}
        {desk && (
          <div className="field">
            <label htmlFor="incident-assignee">Assignee</label>
            <select id="incident-assignee" value={draft.assignee} onChange={set('assignee')}>
              <option value="">Anyone or no one</option>
              <option value="me">Assigned to me</option>
              <option value="none">Assigned to no one</option>
            </select>
          </div>
        )}
        {suppliers.data && (
          <div className="field">
            <label htmlFor="incident-supplier">Supplier</label>
            <select id="incident-supplier" value={draft.supplier} onChange={set('supplier')}>
              <option value="">Any or none</option>
              {suppliers.data.items.map((s) => (
                <option key={s.id} value={s.code}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
        )}
        {desk && (
          <div className="field">
            <label htmlFor="incident-organisation">Organisation ODS code</label>
            <input id="incident-organisation" className="input--short" value={draft.organisation} onChange={set('organisation')} maxLength={12} />
          </div>
        )}
        <div className="field">
          <label htmlFor="incident-sort">Sort by</label>
          <select id="incident-sort" value={draft.sort || sortFor(draft)} onChange={set('sort')}>
            {SORTS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field filters__checks">
          <div className="check">
            <input id="incident-major" type="checkbox" checked={draft.major === 'true'} onChange={tick('major')} />
            <label htmlFor="incident-major">Major incidents only</label>
          </div>
          <div className="check">
            <input id="incident-breached" type="checkbox" checked={draft.breached === 'true'} onChange={tick('breached')} />
            <label htmlFor="incident-breached">Breached only</label>
          </div>
        </div>
        <div className="filters__actions">
          <button type="submit" className="button">
            Search
          </button>
          {filtered && (
            <button type="button" className="button button--secondary" onClick={() => setParams(new URLSearchParams())}>
              Clear
            </button>
          )}
        </div>
      </form>
      {list.error && <ProblemMessage error={list.error} />}
      <div className="queue-status">
        <p className="result-count" role="status" aria-live="polite">
          {!list.loaded ? 'Loading incidents…' : countText(shown.length, list.hasMore, filtered)}
          {list.updated.size > 0 && ` ${list.updated.size === 1 ? 'One incident has' : `${list.updated.size} incidents have`} changed since you opened the queue.`}
        </p>
        {list.checkedAt && (
          <p className="muted queue-status__checked">
            Kept up to date: last checked at <time dateTime={list.checkedAt.toISOString()}>{list.checkedAt.toLocaleTimeString('en-GB')}</time>{' '}
            <button type="button" className="link-button" onClick={list.refresh}>
              Check now
            </button>
          </p>
        )}
      </div>
      {canWrite && shown.length > 0 && (
        <BulkActions
          selected={shown.filter((i) => selected.has(i.id))}
          teams={teams.data?.items ?? []}
          onDone={(failed) => {
            setSelected(new Set(failed));
            list.refresh();
          }}
        />
      )}
      {shown.length > 0 && (
        // On a narrow screen the table scrolls sideways inside its own region, which keyboard users can focus to scroll.
        <div className="table-scroll" role="region" aria-label="Incidents found" tabIndex={0}>
          <table className="table queue">
            <caption className="visually-hidden">Incidents, {SORTS.find(([v]) => v === sort)?.[1] ?? sort}</caption>
            <thead>
              <tr>
                {canWrite && (
                  <th scope="col" className="queue__select">
                    <input type="checkbox" aria-label="Select every incident shown" checked={allSelected} onChange={() => setSelected(allSelected ? new Set() : new Set(shown.map((i) => i.id)))} />
                  </th>
                )}
                <th scope="col">Incident</th>
                <th scope="col">Priority</th>
                <th scope="col">State</th>
                <th scope="col">Where</th>
                <th scope="col">With</th>
                <th scope="col">SLA due</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((i) => (
                <tr key={i.id} className={list.updated.has(i.id) ? 'queue__row--updated' : undefined}>
                  {canWrite && (
                    <td className="queue__select">
                      <input type="checkbox" aria-label={`Select ${i.number}`} checked={selected.has(i.id)} onChange={() => toggle(i.id)} />
                    </td>
                  )}
                  <td>
                    <Link to={`/incidents/${i.id}`}>{i.number}</Link> {i.major && <span className="tag tag--red">Major</span>}{' '}
                    {list.updated.has(i.id) && <span className="tag tag--blue">Updated</span>}
                    <br />
                    {i.title}
                    {i.parent && (
                      <span className="muted">
                        <br />
                        Linked to {i.parent.number}
                      </span>
                    )}
                  </td>
                  <td>
                    <PriorityTag priority={i.priority} />
                  </td>
                  <td>
                    <StateTagFor state={i.state} />
                  </td>
                  <td>
                    {i.site?.name ?? i.organisation.name}
                    <br />
                    <span className="muted">{i.organisation.odsCode}</span>
                  </td>
                  <td>
                    {i.team ? i.team.name : <span className="muted">No team</span>}
                    {i.assignee && (
                      <>
                        <br />
                        {i.assignee.name}
                      </>
                    )}
                    {i.supplier && (
                      <>
                        <br />
                        <span className="muted">Supplier:</span> {i.supplier.name}
                      </>
                    )}
                  </td>
                  <td>
                    <DueCell dueAt={i.slaDueAt} state={i.state} now={now} />
                  </td>
                  <td className="nowrap">
                    <time dateTime={i.updatedAt}>{formatDateTime(i.updatedAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.hasMore && (
        <button type="button" className="button button--secondary" onClick={list.loadMore} disabled={list.loading}>
          {list.loading ? 'Loading…' : 'Show more'}
        </button>
      )}
    </>
  );
}

function countText(shown: number, more: boolean, filtered: boolean): string {
  if (shown === 0) return filtered ? 'No incidents match your search.' : 'There are no open incidents.';
  const noun = shown === 1 ? 'incident' : 'incidents';
  return more ? `Showing the first ${shown} ${noun}; there are more.` : `Showing ${shown} ${noun}.`;
}
