import { Link, useParams } from 'react-router-dom';
import { Journal } from '../components/Journal.tsx';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import type { Column } from '../components/ItemTable.tsx';
import { ListSection } from '../components/PagedList.tsx';
import { usePageTitle, useResource } from '../hooks.ts';
import { formatDate, formatDateTime } from '../labels.ts';
import { money, supplierKindLabel, supplierStateLabel } from '../network/labels.ts';
import type { Contact, Contract, Price, Supplier } from '../network/types.ts';
import { useSession } from '../session.tsx';

const CONTRACT_COLUMNS: Column<Contract>[] = [
  { head: 'Reference', cell: (c) => <code>{c.reference}</code> },
  { head: 'Title', cell: (c) => c.title },
  { head: 'Starts', cell: (c) => formatDate(c.startsOn) },
  { head: 'Ends', cell: (c) => (c.endsOn ? formatDate(c.endsOn) : 'No end date') },
  { head: 'Notice', cell: (c) => `${c.noticeDays} days` },
];

const CONTACT_COLUMNS: Column<Contact>[] = [
  { head: 'Name', cell: (c) => c.name },
  { head: 'Role', cell: (c) => c.role },
  { head: 'Email', cell: (c) => (c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : '—') },
  { head: 'Phone', cell: (c) => (c.phone ? <a href={`tel:${c.phone.replace(/[^0-9+]/g, '')}`}>{c.phone}</a> : '—') },
];

const PRICE_COLUMNS: Column<Price>[] = [
  {
    head: 'Product',
    cell: (p) => (
      <>
        {p.product.name} <span className="muted">{p.product.code}</span>
      </>
    ),
  },
  { head: 'Region', cell: (p) => (p.region ? p.region.name : 'Everywhere') },
  { head: 'Installation', cell: (p) => money(p.installCharge), className: 'numeric' },
  { head: 'Annual rental', cell: (p) => money(p.annualRental), className: 'numeric' },
  { head: 'Lead time', cell: (p) => `${p.leadTimeDays} days`, className: 'numeric' },
  { head: 'Valid', cell: (p) => `${formatDate(p.validFrom)} – ${p.validTo ? formatDate(p.validTo) : 'open'}` },
];

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

      <ListSection id="contracts" title="Contracts" path={`${base}/contracts`} empty="No contracts are recorded." columns={CONTRACT_COLUMNS} rowKey={(c) => c.id} />
      <ListSection id="contacts" title="Contacts" path={`${base}/contacts`} empty="No contacts are recorded." columns={CONTACT_COLUMNS} rowKey={(c) => c.id} />
      <ListSection id="prices" title="Price book" path={`${base}/prices`} empty="The price book is empty." columns={PRICE_COLUMNS} rowKey={(p) => p.id} />
      {can('journal:read') && <Journal path={`${base}/journal`} refresh={0} />}
    </>
  );
}
