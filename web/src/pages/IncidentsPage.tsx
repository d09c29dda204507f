import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import type { Page, Query } from '../api.ts';
import { FilterBar, FilterCheck, FilterSelect, FilterText } from '../components/FilterBar.tsx';
import { ItemTable, type Column } from '../components/ItemTable.tsx';
import { ResultCount, ShowMore } from '../components/PagedList.tsx';
import { useFilters, usePageTitle, useResource } from '../hooks.ts';
import { formatDateTime, formatShortDateTime } from '../labels.ts';
import { BulkActions } from '../incidents/BulkActions.tsx';
import { CustomerIncidents } from '../incidents/CustomerIncidents.tsx';
import { INCIDENT_DUE_LABELS, PriorityTag, SlaDue, StateTagFor, type SlaTargets } from '../incidents/bits.tsx';
import { INCIDENT_STATES, isOpenState, stateLabel, type IncidentQueueRow, type IncidentSettings, type IncidentSummary, type Team } from '../incidents/types.ts';
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

const SORTS = {
  slaDueAt: 'SLA due, soonest first',
  '-number': 'Number, newest first',
  '-updatedAt': 'Recently updated',
};

const STATES = [['open', 'Open (not yet resolved)'], ...INCIDENT_STATES.map((s) => [s, stateLabel(s)] as const), ['all', 'Any state']] as const;

const ASSIGNEES = { me: 'Assigned to me', none: 'Assigned to no one' };

/** A queue row: the incident with its standing against its SLA targets, which only the queue reads, naming the targets breached and warned. */
type QueueRow = IncidentQueueRow & SlaTargets;

/** Open work is sorted by when its next SLA target (response or resolution) falls due; anything else by number. */
function sortFor(filters: { sort: string; state: string }): string {
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
  const filters = useFilters({ q: '', state: 'open', priority: '', team: '', assignee: '', supplier: '', organisation: '', sort: '', major: '', breached: '' });
  const { applied } = filters;
  const filterKey = JSON.stringify(applied);
  const sort = sortFor(applied);
  const query = useMemo<Query>(
    () => ({
      state: applied.state === 'all' ? undefined : applied.state,
      priority: applied.priority,
      team: applied.team,
      assignee: applied.assignee,
      supplier: applied.supplier,
      organisation: applied.organisation,
      q: applied.q,
      major: applied.major === 'true' ? true : undefined,
      breached: applied.breached === 'true' ? true : undefined,
      sort,
    }),
    [filterKey], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const list = useLiveList<QueueRow>('/incidents', query);
  const settings = useResource<IncidentSettings>('/incident-settings');
  const teams = useResource<Page<Team>>(can('teams:read') ? '/teams' : null, { active: true, limit: 100 });
  const suppliers = useResource<Page<Supplier>>(desk && can('suppliers:read') ? '/suppliers' : null, { state: 'active', sort: 'name', limit: 100 });
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  useEffect(() => setSelected(new Set()), [filterKey]);
  const [now, setNow] = useState(Date.now());
  useEffect(() => setNow(Date.now()), [list.checkedAt]);
  const heading = usePageTitle('Incidents');

  const shown = list.items;
  const allSelected = shown.length > 0 && shown.every((i) => selected.has(i.id));
  const toggle = (id: number) => setSelected((s) => {
    const next = new Set(s);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });
  const columns: Array<Column<QueueRow> | false> = [
    canWrite && {
      head: <input type="checkbox" aria-label="Select every incident shown" checked={allSelected} onChange={() => setSelected(allSelected ? new Set() : new Set(shown.map((i) => i.id)))} />,
      cell: (i) => <input type="checkbox" aria-label={`Select ${i.number}`} checked={selected.has(i.id)} onChange={() => toggle(i.id)} />,
      className: 'queue__select',
    },
    {
      // The incident, and where it is: its title takes the room the other columns leave.
      head: 'Incident',
      className: 'queue__incident',
      cell: (i) => (
        <>
          <Link to={`/incidents/${i.id}`}>{i.number}</Link> {i.major && <span className="tag tag--red">Major</span>} {list.updated.has(i.id) && <span className="tag tag--blue">Updated</span>}
          <br />
          {i.title}
          <br />
          <span className="muted">
            {i.site?.name ?? i.organisation.name} ({i.organisation.odsCode})
            {i.parent && (
              <>
                <br />
                Linked to {i.parent.number}
              </>
            )}
          </span>
        </>
      ),
    },
    {
      head: 'Priority and state',
      cell: (i) => (
        <>
          <PriorityTag priority={i.priority} />
          <br />
          <StateTagFor state={i.state} />
        </>
      ),
    },
    { head: 'With', cell: (i) => <WithWhom incident={i} /> },
    { head: 'SLA due', cell: (i) => <SlaDue row={i} open={isOpenState(i.state)} paused={i.state === 'pending_customer'} now={now} labels={INCIDENT_DUE_LABELS} /> },
    { head: 'Updated', cell: (i) => <time dateTime={i.updatedAt} title={formatDateTime(i.updatedAt)}>{formatShortDateTime(i.updatedAt, now)}</time>, className: 'queue__when' },
  ];

  return (
    <>
      <p className="caption">ISO/IEC 20000-1:2018 clause 8.6.1</p>
      <div className="title-row">
        <h1 ref={heading} tabIndex={-1}>
          Incidents
        </h1>
        {desk && (
          <div>
            {canWrite && (
              <>
                <Link className="button" to="/incidents/new">
                  Log an incident
                </Link>{' '}
              </>
            )}
            <Link className="button button--secondary" to="/incidents/major">
              Major incident board
            </Link>
          </div>
        )}
      </div>
      <FilterBar label="Incidents" filters={filters}>
        <FilterText id="incident-q" label="Number or words" field={filters.field('q')} search maxLength={200} />
        <FilterSelect id="incident-state" label="State" field={filters.field('state')} choices={STATES} />
        <FilterSelect id="incident-priority" label="Priority" field={filters.field('priority')} any="Any priority" choices={(settings.data?.matrix.priorities ?? []).map((p) => [p, p] as const)} />
        {teams.data && <FilterSelect id="incident-team" label="Team" field={filters.field('team')} any="Any team" choices={teams.data.items.map((t) => [t.code, t.name] as const)} />}
        {desk && <FilterSelect id="incident-assignee" label="Assignee" field={filters.field('assignee')} any="Anyone or no one" choices={ASSIGNEES} />}
        {suppliers.data && <FilterSelect id="incident-supplier" label="Supplier" field={filters.field('supplier')} any="Any or none" choices={suppliers.data.items.map((s) => [s.code, s.name] as const)} />}
        {desk && <FilterText id="incident-organisation" label="Organisation ODS code" field={filters.field('organisation')} upper short maxLength={12} />}
        <FilterSelect id="incident-sort" label="Sort by" field={{ ...filters.field('sort'), value: sortFor(filters.draft) }} choices={SORTS} />
        <div className="field filters__checks">
          <FilterCheck id="incident-major" label="Major incidents only" field={filters.field('major')} />
          <FilterCheck id="incident-breached" label="Breached only" field={filters.field('breached')} />
        </div>
      </FilterBar>
      <ResultCount
        list={list}
        noun={['incident', 'incidents']}
        filtered={filters.filtered}
        empty="There are no open incidents."
        aside={
          list.checkedAt && (
            <p className="muted queue-status__checked">
              Kept up to date: last checked at <time dateTime={list.checkedAt.toISOString()}>{list.checkedAt.toLocaleTimeString('en-GB')}</time>{' '}
              <button type="button" className="link-button" onClick={() => list.refresh()}>
                Check now
              </button>
            </p>
          )
        }
      >
        {list.updated.size > 0 && ` ${list.updated.size === 1 ? 'One incident has' : `${list.updated.size} incidents have`} changed since you opened the queue.`}
      </ResultCount>
      {canWrite && shown.length > 0 && (
        <BulkActions
          selected={shown.filter((i) => selected.has(i.id))}
          teams={teams.data?.items ?? []}
          onDone={(done, failed) => {
            setSelected(new Set(failed));
            list.refresh(done);
          }}
        />
      )}
      {/* On a narrow screen the table scrolls sideways inside its own region (ItemTable), which keyboard users can focus to scroll. */}
      <ItemTable className="table queue" caption={`Incidents, ${SORTS[sort as keyof typeof SORTS] ?? sort}`} columns={columns} items={shown} rowKey={(i) => i.id} rowClassName={(i) => (list.updated.has(i.id) ? 'queue__row--updated' : undefined)} />
      <ShowMore list={list} />
    </>
  );
}

/** Who has the incident: its team, its assignee, and the supplier it is handed to. */
function WithWhom({ incident: i }: { incident: IncidentSummary }) {
  return (
    <>
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
    </>
  );
}
