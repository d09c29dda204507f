import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Journal } from '../components/Journal.tsx';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { usePagedList, usePageTitle, useResource } from '../hooks.ts';
import { formatDate, formatDateTime } from '../labels.ts';
import { money, supplierKindLabel, supplierStateLabel } from '../network/labels.ts';
import type { Contact, Contract, Price, Supplier } from '../network/types.ts';
import { useSession } from '../session.tsx';

/** One supplier: who they are, the regions they serve, their underpinning contracts, contacts and price book. */
export function SupplierPage() {
  const { id = '' } = useParams();
  const { can } = useSession();
  const resource = useResource<Supplier>(`/suppliers/${encodeURIComponent(id)}`);
  const supplier = resource.data;
  const heading = usePageTitle(supplier?.name ?? (resource.error ? 'Supplier not available' : null));

  if (resource.error) {
    return (
      <>
        <h1 ref={heading} tabIndex={-1}>
          Supplier {id}
        </h1>
        <ProblemMessage error={resource.error} />
        <p>
          <Link to="/suppliers">Back to suppliers</Link>
        </p>
      </>
    );
  }
  if (!supplier) return <p role="status">Loading supplier…</p>;
  const base = `/suppliers/${supplier.id}`;

  return (
    <>
      <p className="caption">
        <Link to="/suppliers">Suppliers</Link>
      </p>
      <h1 ref={heading} tabIndex={-1}>
        {supplier.name}
      </h1>
      <dl className="summary-list">
        <div>
          <dt>Code</dt>
          <dd>
            <code>{supplier.code}</code>
          </dd>
        </div>
        <div>
          <dt>Kind</dt>
          <dd>{supplierKindLabel(supplier.kind)}</dd>
        </div>
        <div>
          <dt>State</dt>
          <dd>{supplierStateLabel(supplier.state)}</dd>
        </div>
        <div>
          <dt>Website</dt>
          <dd>{supplier.website ? <a href={supplier.website} rel="noreferrer noopener">{supplier.website}</a> : '—'}</dd>
        </div>
        <div>
          <dt>Regions served</dt>
          <dd>
            {supplier.regions.length === 0 ? (
              'None recorded'
            ) : (
              <ul className="inline-list">
                {supplier.regions.map((r) => (
                  <li key={r.odsCode}>
                    {r.name} <span className="muted">{r.odsCode}</span>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
        <div>
          <dt>Last changed</dt>
          <dd>
            {formatDateTime(supplier.updatedAt)} <span className="muted">(version {supplier.version})</span>
          </dd>
        </div>
      </dl>

      <SubList<Contract>
        id="contracts"
        title="Contracts"
        path={`${base}/contracts`}
        empty="No contracts are recorded."
        head={['Reference', 'Title', 'Starts', 'Ends', 'Notice']}
        row={(c) => [<code key="r">{c.reference}</code>, c.title, formatDate(c.startsOn), c.endsOn ? formatDate(c.endsOn) : 'No end date', `${c.noticeDays} days`]}
      />
      <SubList<Contact>
        id="contacts"
        title="Contacts"
        path={`${base}/contacts`}
        empty="No contacts are recorded."
        head={['Name', 'Role', 'Email', 'Phone']}
        row={(c) => [c.name, c.role, c.email ? <a key="e" href={`mailto:${c.email}`}>{c.email}</a> : '—', c.phone ? <a key="p" href={`tel:${c.phone.replace(/[^0-9+]/g, '')}`}>{c.phone}</a> : '—']}
      />
      <SubList<Price>
        id="prices"
        title="Price book"
        path={`${base}/prices`}
        empty="The price book is empty."
        head={['Product', 'Region', 'Installation', 'Annual rental', 'Lead time', 'Valid']}
        numeric={[2, 3, 4]}
        row={(p) => [
          <>
            {p.product.name} <span className="muted">{p.product.code}</span>
          </>,
          p.region ? p.region.name : 'Everywhere',
          money(p.installCharge),
          money(p.annualRental),
          `${p.leadTimeDays} days`,
          `${formatDate(p.validFrom)} – ${p.validTo ? formatDate(p.validTo) : 'open'}`,
        ]}
      />
      {can('journal:read') && <Journal path={`${base}/journal`} refresh={0} />}
    </>
  );
}

function SubList<T extends { id: number }>(props: { id: string; title: string; path: string; empty: string; head: string[]; numeric?: number[]; row: (item: T) => ReactNode[] }) {
  const list = usePagedList<T>(props.path, { limit: 50 });
  const numeric = (i: number) => (props.numeric?.includes(i) ? 'numeric' : undefined);
  return (
    <section aria-labelledby={`${props.id}-heading`}>
      <h2 id={`${props.id}-heading`}>{props.title}</h2>
      {list.error && <ProblemMessage error={list.error} />}
      {list.loaded && list.items.length === 0 && <p>{props.empty}</p>}
      {list.items.length > 0 && (
        <table className="table">
          <caption className="visually-hidden">{props.title}</caption>
          <thead>
            <tr>
              {props.head.map((h, i) => (
                <th key={h} scope="col" className={numeric(i)}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {list.items.map((item) => (
              <tr key={item.id}>
                {props.row(item).map((cell, i) => (
                  <td key={i} className={numeric(i)}>
                    {cell}
                  </td>
                ))}
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
    </section>
  );
}
