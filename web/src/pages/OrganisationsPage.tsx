import { Link } from 'react-router-dom';
import { FilterBar, FilterSelect, FilterText } from '../components/FilterBar.tsx';
import { ItemTable, type Column } from '../components/ItemTable.tsx';
import { ResultCount, ShowMore } from '../components/PagedList.tsx';
import { StateTag } from '../components/StateTag.tsx';
import { useFilters, usePagedList, usePageTitle } from '../hooks.ts';
import { kindLabel, ORGANISATION_KIND_LABELS, ORGANISATION_STATE_LABELS } from '../labels.ts';
import { useSession } from '../session.tsx';
import type { Organisation } from '../types.ts';

const SORTS = {
  name: 'Name, A to Z',
  '-name': 'Name, Z to A',
  odsCode: 'ODS code',
  '-updatedAt': 'Recently changed',
};

const COLUMNS: Column<Organisation>[] = [
  { head: 'Name', cell: (o) => <Link to={`/organisations/${o.odsCode}`}>{o.name}</Link> },
  { head: 'ODS code', cell: (o) => <code>{o.odsCode}</code>, className: 'nowrap' },
  { head: 'Kind', cell: (o) => kindLabel(o.kind) },
  { head: 'State', cell: (o) => <StateTag state={o.state} /> },
  { head: 'Parent', cell: (o) => (o.parent ? <Link to={`/organisations/${o.parent.odsCode}`}>{o.parent.name}</Link> : '—') },
  { head: 'Postcode', cell: (o) => o.postcode ?? '—' },
  { head: 'Children', cell: (o) => o.childCount, className: 'numeric' },
];

/** Search, filter and sort organisations; the query lives in the address, so it can be shared and the back button works. */
export function OrganisationsPage() {
  const { self } = useSession();
  const filters = useFilters({ q: '', kind: '', state: '', sort: 'name' });
  const list = usePagedList<Organisation>('/organisations', { ...filters.applied, limit: 25 });
  const title = self?.scope === 'organisations' ? 'Your organisations' : 'Organisations';
  const heading = usePageTitle(title);
  return (
    <>
      <p className="caption">Network</p>
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      <FilterBar label="Organisations" filters={filters}>
        <FilterText id="org-q" label="Name or ODS code" field={filters.field('q')} search maxLength={100} />
        <FilterSelect id="org-kind" label="Kind" field={filters.field('kind')} any="Any kind" choices={ORGANISATION_KIND_LABELS} />
        <FilterSelect id="org-state" label="State" field={filters.field('state')} any="Any state" choices={ORGANISATION_STATE_LABELS} />
        <FilterSelect id="org-sort" label="Sort by" field={filters.field('sort')} choices={SORTS} />
      </FilterBar>
      <ResultCount list={list} noun={['organisation', 'organisations']} filtered={filters.filtered} />
      <ItemTable caption="Organisations" columns={COLUMNS} items={list.items} rowKey={(o) => o.odsCode} />
      <ShowMore list={list} />
    </>
  );
}
