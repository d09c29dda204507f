import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { FilterBar, FilterSelect, FilterText } from '../components/FilterBar.tsx';
import { ItemTable, type Column } from '../components/ItemTable.tsx';
import { ResultCount, ShowMore } from '../components/PagedList.tsx';
import { useFilters, usePagedList, usePageTitle } from '../hooks.ts';
import { formatDateTime } from '../labels.ts';
import { AutoCloseSetting } from '../requests/AutoCloseSetting.tsx';
import { NewRequestForm } from '../requests/NewRequestForm.tsx';
import { isOpenRequestState, REQUEST_KIND_LABELS, REQUEST_STATE_LABELS, requestKindLabel, requestStateColour, requestStateLabel, type RequestListRow } from '../requests/types.ts';
import { SlaDue, type SlaDueLabels, type SlaTargets } from '../incidents/bits.tsx';
import { useSession } from '../session.tsx';

const SORTS = {
  '-createdAt': 'Newest first',
  slaDueAt: 'Due soonest first',
  '-updatedAt': 'Recently updated',
};

const STATES = { open: 'Open (not yet fulfilled)', ...REQUEST_STATE_LABELS };

/** A request's resolution is its fulfilment: "Fulfilment SLA warning", "Fulfilment due …", under "Response due …" while its response runs and falls due first. */
const REQUEST_DUE_LABELS: SlaDueLabels = { resolutionTarget: 'Fulfilment', resolution: 'Fulfilment due' };

/** A list row, naming the SLA targets breached and warned. */
type ListRow = RequestListRow & SlaTargets;

/** The list's columns, its due times read against `now` (when the list was last read). */
const columnsAt = (now: number): Column<ListRow>[] => [
  {
    head: 'Request',
    cell: (r) => (
      <>
        <Link to={`/requests/${r.id}`}>{r.number}</Link>
        <br />
        {r.title}
      </>
    ),
  },
  { head: 'Kind', cell: (r) => requestKindLabel(r.kind) },
  { head: 'State', cell: (r) => <span className={`tag tag--${requestStateColour(r.state)}`}>{requestStateLabel(r.state)}</span> },
  {
    head: 'For',
    cell: (r) => (
      <>
        {r.site?.name ?? r.organisation.name}
        <br />
        <span className="muted">{r.organisation.odsCode}</span>
      </>
    ),
  },
  {
    head: 'SLA due',
    cell: (r) => <SlaDue row={r} open={isOpenRequestState(r.state)} now={now} labels={REQUEST_DUE_LABELS} />,
    className: 'nowrap',
  },
  { head: 'Raised', cell: (r) => <time dateTime={r.createdAt}>{formatDateTime(r.createdAt)}</time>, className: 'nowrap' },
];

/**
 * Service requests the reader may see (a customer: their own organisations'), searched and
 * filtered by the server with the query in the address; and the form to ask for something.
 */
export function ServiceRequestsPage() {
  const { self, can } = useSession();
  const navigate = useNavigate();
  const desk = self?.scope === 'network';
  const filters = useFilters({ q: '', state: '', kind: '', organisation: '', sort: '-createdAt' });
  const [asking, setAsking] = useState(false);
  const list = usePagedList<ListRow>('/service-requests', { ...filters.applied, limit: 50 });
  const [now, setNow] = useState(Date.now());
  useEffect(() => setNow(Date.now()), [list.checkedAt]);
  const heading = usePageTitle('Service requests');

  return (
    <>
      <p className="caption">ISO/IEC 20000-1:2018 clause 8.6.2</p>
      <div className="title-row">
        <h1 ref={heading} tabIndex={-1}>
          Service requests
        </h1>
        {can('requests:write') && !asking && (
          <button type="button" className="button" onClick={() => setAsking(true)}>
            Ask for something
          </button>
        )}
      </div>
      {asking && <NewRequestForm onCreated={(r) => navigate(`/requests/${r.id}`)} />}
      <FilterBar label="Service requests" filters={filters}>
        <FilterText id="request-q" label="Number or words" field={filters.field('q')} search maxLength={200} />
        <FilterSelect id="request-state" label="State" field={filters.field('state')} any="Any state" choices={STATES} />
        <FilterSelect id="request-kind-filter" label="Kind" field={filters.field('kind')} any="Any kind" choices={REQUEST_KIND_LABELS} />
        {desk && <FilterText id="request-organisation" label="Organisation ODS code" field={filters.field('organisation')} upper short maxLength={12} />}
        <FilterSelect id="request-sort" label="Sort by" field={filters.field('sort')} choices={SORTS} />
      </FilterBar>
      <ResultCount list={list} noun={['service request', 'service requests']} filtered={filters.filtered} empty="There are no service requests yet." />
      <ItemTable caption="Service requests" columns={columnsAt(now)} items={list.items} rowKey={(r) => r.id} />
      <ShowMore list={list} />
      {desk && <AutoCloseSetting editable={can('service_levels:write')} />}
    </>
  );
}
