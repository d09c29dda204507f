import { Link } from 'react-router-dom';
import { ItemTable, type Column } from '../components/ItemTable.tsx';
import { ResultCount, ShowMore } from '../components/PagedList.tsx';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { usePagedList, usePageTitle } from '../hooks.ts';
import { supplierKindLabel, supplierStateLabel } from '../network/labels.ts';
import type { Supplier } from '../network/types.ts';
import { ClauseCaption } from '../components/Layout.tsx';

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
      <ClauseCaption>ISO/IEC 20000-1:2018 clause 8.3.4</ClauseCaption>
      <h1 ref={heading} tabIndex={-1}>
        Suppliers
      </h1>
      {list.error && !list.loaded ? (
        // Refused (a customer has no supplier list) or unreadable: that alone, not a list still "loading".
        <ProblemMessage error={list.error} />
      ) : (
        <>
          <ResultCount list={list} noun={['supplier', 'suppliers']} />
          <ItemTable caption="Suppliers" columns={COLUMNS} items={list.items} rowKey={(s) => s.id} />
          <ShowMore list={list} />
        </>
      )}
    </>
  );
}
