import { Link, useParams } from 'react-router-dom';
import { Journal } from '../components/Journal.tsx';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import type { Column } from '../components/ItemTable.tsx';
import { ListSection } from '../components/PagedList.tsx';
import { StateTag } from '../components/StateTag.tsx';
import { usePageTitle, useResource } from '../hooks.ts';
import { formatDate, formatDateTime } from '../labels.ts';
import { ciKindLabel, ciStateLabel, siteKindLabel } from '../network/labels.ts';
import { SiteMap } from '../network/SiteMap.tsx';
import type { ConfigurationItem, Site } from '../network/types.ts';
import { connectionStateLabel, type Connection } from '../connections/types.ts';
import { useSession } from '../session.tsx';
import '../network/network.css';

/** One site: its organisation, address and location (on a small map), its connections and the CIs kept for it. */
export function SitePage() {
  const { id = '' } = useParams();
  const { can } = useSession();
  const resource = useResource<Site>(`/sites/${encodeURIComponent(id)}`);
  const site = resource.data;
  const heading = usePageTitle(site?.name ?? (resource.error ? 'Site not available' : null));

  if (resource.error) {
    return (
      <>
        <h1 ref={heading} tabIndex={-1}>
          Site {id}
        </h1>
        <ProblemMessage error={resource.error} />
        <p>
          <Link to="/sites">Back to sites</Link>
        </p>
      </>
    );
  }
  if (!site) return <p role="status">Loading site…</p>;

  return (
    <>
      <p className="caption">
        <Link to="/sites">Sites</Link> › <Link to={`/organisations/${site.organisation.odsCode}`}>{site.organisation.name}</Link>
      </p>
      <h1 ref={heading} tabIndex={-1}>
        {site.name}
      </h1>
      <div className="columns">
        <dl className="summary-list">
          <div>
            <dt>Organisation</dt>
            <dd>
              <Link to={`/organisations/${site.organisation.odsCode}`}>{site.organisation.name}</Link> <span className="muted">{site.organisation.odsCode}</span>
            </dd>
          </div>
          <div>
            <dt>Kind</dt>
            <dd>{siteKindLabel(site.kind)}</dd>
          </div>
          <div>
            <dt>State</dt>
            <dd>
              <StateTag state={site.state} />
            </dd>
          </div>
          <div>
            <dt>Address</dt>
            <dd>
              {site.address.length || site.postcode ? (
                <address className="address">
                  {[...site.address, site.postcode].filter(Boolean).map((line, i) => (
                    <span key={i}>
                      {line}
                      <br />
                    </span>
                  ))}
                </address>
              ) : (
                '—'
              )}
            </dd>
          </div>
          <div>
            <dt>Location</dt>
            <dd>{site.location ? `${site.location.latitude.toFixed(4)}° N, ${Math.abs(site.location.longitude).toFixed(4)}° ${site.location.longitude < 0 ? 'W' : 'E'}` : 'Not known'}</dd>
          </div>
          <div>
            <dt>ODS record</dt>
            <dd>{site.odsCode ? <code>{site.odsCode}</code> : '—'} {site.source ? <span className="muted">(kept by the ODS import from {site.source})</span> : <span className="muted">(kept by hand)</span>}</dd>
          </div>
          <div>
            <dt>Opened</dt>
            <dd>{formatDate(site.openedOn)}</dd>
          </div>
          <div>
            <dt>Closed</dt>
            <dd>{formatDate(site.closedOn)}</dd>
          </div>
          <div>
            <dt>Last changed</dt>
            <dd>
              {formatDateTime(site.updatedAt)} <span className="muted">(version {site.version})</span>
            </dd>
          </div>
        </dl>
        {site.location && <SiteMap sites={[site]} label={`Where ${site.name} is`} width={420} />}
      </div>
      {can('connections:read') && <SiteConnections siteId={site.id} />}
      {can('cmdb:read') && <SiteCis siteId={site.id} />}
      {can('journal:read') && <Journal path={`/sites/${site.id}/journal`} refresh={0} />}
    </>
  );
}

const CI_COLUMNS: Column<ConfigurationItem>[] = [
  { head: 'Name', cell: (ci) => <Link to={`/configuration/${ci.id}`}>{ci.name}</Link> },
  { head: 'Kind', cell: (ci) => ciKindLabel(ci.kind) },
  { head: 'Reference', cell: (ci) => (ci.externalRef ? <code>{ci.externalRef}</code> : '—') },
  { head: 'State', cell: (ci) => ciStateLabel(ci.state) },
];

function SiteCis({ siteId }: { siteId: number }) {
  return <ListSection id="site-cis" title="Configuration items" caption="Configuration items at this site" path="/cis" query={{ siteId, sort: 'name' }} empty="No configuration items are kept for this site yet." columns={CI_COLUMNS} rowKey={(ci) => ci.id} />;
}

const CONNECTION_COLUMNS: Column<Connection>[] = [
  { head: 'Connection', cell: (c) => <Link to={`/connections/${c.id}`}>Connection {c.id}</Link> },
  { head: 'Product', cell: (c) => c.product.name },
  { head: 'Supplier', cell: (c) => c.supplier?.name ?? '—' },
  { head: 'State', cell: (c) => connectionStateLabel(c.state) },
];

function SiteConnections({ siteId }: { siteId: number }) {
  return <ListSection id="site-connections" title="Connections" caption="Connections at this site" path="/connections" query={{ siteId, sort: 'id' }} empty="This site has no connection yet." columns={CONNECTION_COLUMNS} rowKey={(c) => c.id} />;
}
