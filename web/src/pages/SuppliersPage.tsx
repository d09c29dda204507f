import { Link } from 'react-router-dom';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { usePagedList, usePageTitle } from '../hooks.ts';
import { supplierKindLabel, supplierStateLabel } from '../network/labels.ts';
import type { Supplier } from '../network/types.ts';

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
      {list.error && <ProblemMessage error={list.error} />}
      <p className="result-count" role="status" aria-live="polite">
        {!list.loaded ? 'Loading suppliers…' : list.items.length === 0 ? 'There are no suppliers to show.' : `Showing ${list.hasMore ? 'the first ' : ''}${list.items.length} ${list.items.length === 1 ? 'supplier' : 'suppliers'}.`}
      </p>
      {list.items.length > 0 && (
        <table className="table">
          <caption className="visually-hidden">Suppliers</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Code</th>
              <th scope="col">Kind</th>
              <th scope="col">State</th>
              <th scope="col">Regions served</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link to={`/suppliers/${s.id}`}>{s.name}</Link>
                </td>
                <td>
                  <code>{s.code}</code>
                </td>
                <td>{supplierKindLabel(s.kind)}</td>
                <td>{supplierStateLabel(s.state)}</td>
                <td>{s.regions.length ? s.regions.map((r) => r.name).join(', ') : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.hasMore && (
        <button type="button" className="button button--secondary" onClick={list.loadMore} disabled={list.loading}>
          {list.loading ? 'Loading…' : 'Show more'}
        </button>
      )}
    </>
  );
}
