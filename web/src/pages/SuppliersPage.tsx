import { Link } from 'react-router-dom';
import { ItemTable, type Column } from '../components/ItemTable.tsx';
import { ResultCount, ShowMore } from '../components/PagedList.tsx';
import { usePagedList, usePageTitle } from '../hooks.ts';
import { supplierKindLabel, supplierStateLabel } from '../network/labels.ts';
import type { Supplier } from '../network/types.ts';

const COLUMNS: Column<Supplier>[] = [
  { head: 'Name', cell: (s) => <Link to={`/suppliers/${s.id}`}>{s.name}</Link> },
  { head: 'Code', cell: (s) => <code>{s.code}</code> },
  { head: 'Kind', cell: (s) => supplierKindLabel(s.kind) },
  { head: 'State', cell: (s) => supplierStateLabel(s.state) },
  { head: 'Regions served', cell: (s) => (s.regions.length ? s.regions.map((r) => r.name).join(', ') : '—') },
];

/** The access and carrier companies n3sp buys from (a supplier engineer sees only their own). */
export function SuppliersPage() {
  const list = usePagedList<Supplier>('/suppliers', { sort: 'name', limit: 50 });
  const heading = usePageTitle('Suppliers');
  return (
    <>
      <p className="caption">ISO/IEC 20000-1:2018 clause 8.3.4</p>
      <h1 ref={heading} tabIndex={-1}>
        Suppliers
      </h1>
      <ResultCount list={list} noun={['supplier', 'suppliers']} />
      <ItemTable caption="Suppliers" columns={COLUMNS} items={list.items} rowKey={(s) => s.id} />
      <ShowMore list={list} />
    </>
  );
}
