import { ClauseCaption } from '../components/Layout.tsx';
import { Link } from 'react-router-dom';
import { FilterBar, FilterSelect, FilterText } from '../components/FilterBar.tsx';
import { ItemTable, type Column } from '../components/ItemTable.tsx';
import { ResultCount, ShowMore } from '../components/PagedList.tsx';
import { useFilters, usePagedList, usePageTitle } from '../hooks.ts';
import { formatDate } from '../labels.ts';
import { CONNECTION_STATE_LABELS, connectionStateLabel, type Connection } from '../connections/types.ts';

const COLUMNS: Column<Connection>[] = [
  {
    head: 'Site',
    cell: (c) => (
      <>
        <Link to={`/connections/${c.id}`}>{c.site.name}</Link>
        {c.leg > 1 && <span className="muted"> (leg {c.leg})</span>}
      </>
    ),
  },
  {
    head: 'Organisation',
    cell: (c) => (
      <>
        {c.organisation.name} <span className="muted">{c.organisation.odsCode}</span>
      </>
    ),
  },
  { head: 'Product', cell: (c) => c.product.name },
  { head: 'Supplier', cell: (c) => (c.supplier ? c.supplier.name : '—') },
  { head: 'Circuit', cell: (c) => (c.circuitReference ? <code>{c.circuitReference}</code> : '—') },
  { head: 'State', cell: (c) => connectionStateLabel(c.state) },
  { head: 'Expected live', cell: (c) => formatDate(c.dates.liveOn ?? c.expectedLiveOn), className: 'nowrap' },
];

/** Every connection the reader may see, filtered by the server; the query lives in the address. */
export function ConnectionsPage() {
  const filters = useFilters({ state: '', supplier: '', region: '' });
  const list = usePagedList<Connection>('/connections', { ...filters.applied, limit: 50 });
  const heading = usePageTitle('Connections');
  return (
    <>
      <ClauseCaption>ISO/IEC 20000-1:2018 clause 8.2.6</ClauseCaption>
      <h1 ref={heading} tabIndex={-1}>
        Connections
      </h1>
      <FilterBar label="Connections" filters={filters}>
        <FilterSelect id="connection-state" label="State" field={filters.field('state')} any="Any state" choices={CONNECTION_STATE_LABELS} />
        <FilterText id="connection-supplier" label="Supplier code" field={filters.field('supplier')} upper maxLength={50} />
        <FilterText id="connection-region" label="Region ODS code" field={filters.field('region')} upper maxLength={12} />
      </FilterBar>
      <ResultCount list={list} noun={['connection', 'connections']} filtered={filters.filtered} />
      <ItemTable caption="Connections" columns={COLUMNS} items={list.items} rowKey={(c) => c.id} />
      <ShowMore list={list} />
    </>
  );
}
