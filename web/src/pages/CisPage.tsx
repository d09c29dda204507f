import { ClauseCaption } from '../components/Layout.tsx';
import { Link } from 'react-router-dom';
import { FilterBar, FilterSelect, FilterText } from '../components/FilterBar.tsx';
import { ItemTable, type Column } from '../components/ItemTable.tsx';
import { ResultCount, ShowMore } from '../components/PagedList.tsx';
import { useFilters, usePagedList, usePageTitle } from '../hooks.ts';
import { CI_KIND_LABELS, CI_STATE_LABELS, ciKindLabel, ciStateLabel } from '../network/labels.ts';
import type { ConfigurationItem } from '../network/types.ts';

const COLUMNS: Column<ConfigurationItem>[] = [
  { head: 'Name', cell: (ci) => <Link to={`/configuration/${ci.id}`}>{ci.name}</Link> },
  { head: 'Kind', cell: (ci) => ciKindLabel(ci.kind) },
  { head: 'Reference', cell: (ci) => (ci.externalRef ? <code>{ci.externalRef}</code> : '—') },
  { head: 'Organisation', cell: (ci) => (ci.organisation ? `${ci.organisation.name} (${ci.organisation.odsCode})` : '—') },
  { head: 'State', cell: (ci) => ciStateLabel(ci.state) },
];

/** The configuration items, searched and filtered by the server; the query lives in the address. */
export function CisPage() {
  const filters = useFilters({ q: '', kind: '', state: '', organisation: '' });
  const list = usePagedList<ConfigurationItem>('/cis', { ...filters.applied, sort: 'name', limit: 50 });
  const heading = usePageTitle('Configuration (CMDB)');
  return (
    <>
      <ClauseCaption>ISO/IEC 20000-1:2018 clause 8.2.6</ClauseCaption>
      <h1 ref={heading} tabIndex={-1}>
        Configuration (CMDB)
      </h1>
      <FilterBar label="Configuration items" filters={filters}>
        <FilterText id="ci-q" label="Name or reference" field={filters.field('q')} search maxLength={100} />
        <FilterSelect id="ci-kind" label="Kind" field={filters.field('kind')} any="Any kind" choices={CI_KIND_LABELS} />
        <FilterSelect id="ci-state" label="State" field={filters.field('state')} any="Any state" choices={CI_STATE_LABELS} />
        <FilterText id="ci-organisation" label="Organisation ODS code" field={filters.field('organisation')} upper maxLength={12} />
      </FilterBar>
      <ResultCount list={list} noun={['configuration item', 'configuration items']} filtered={filters.filtered} />
      <ItemTable caption="Configuration items" columns={COLUMNS} items={list.items} rowKey={(ci) => ci.id} />
      <ShowMore list={list} />
    </>
  );
}
