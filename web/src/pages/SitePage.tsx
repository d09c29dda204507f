import { Link, useParams } from 'react-router-dom';
import { Journal } from '../components/Journal.tsx';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { StateTag } from '../components/StateTag.tsx';
import { usePagedList, usePageTitle, useResource } from '../hooks.ts';
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

function SiteCis({ siteId }: { siteId: number }) {
  const list = usePagedList<ConfigurationItem>('/cis', { siteId, limit: 50, sort: 'name' });
  return (
    <section aria-labelledby="site-cis-heading">
      <h2 id="site-cis-heading">Configuration items</h2>
      {list.error && <ProblemMessage error={list.error} />}
      {list.loaded && list.items.length === 0 && <p>No configuration items are kept for this site yet.</p>}
      {list.items.length > 0 && (
        <table className="table">
          <caption className="visually-hidden">Configuration items at this site</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Reference</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((ci) => (
              <tr key={ci.id}>
                <td>
                  <Link to={`/configuration/${ci.id}`}>{ci.name}</Link>
                </td>
                <td>{ciKindLabel(ci.kind)}</td>
                <td>{ci.externalRef ? <code>{ci.externalRef}</code> : '—'}</td>
                <td>{ciStateLabel(ci.state)}</td>
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

function SiteConnections({ siteId }: { siteId: number }) {
  const list = usePagedList<Connection>('/connections', { siteId, limit: 50, sort: 'id' });
  return (
    <section aria-labelledby="site-connections-heading">
      <h2 id="site-connections-heading">Connections</h2>
      {list.error && <ProblemMessage error={list.error} />}
      {list.loaded && list.items.length === 0 && <p>This site has no connection yet.</p>}
      {list.items.length > 0 && (
        <table className="table">
          <caption className="visually-hidden">Connections at this site</caption>
          <thead>
            <tr>
              <th scope="col">Connection</th>
              <th scope="col">Product</th>
              <th scope="col">Supplier</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link to={`/connections/${c.id}`}>Connection {c.id}</Link>
                </td>
                <td>{c.product.name}</td>
                <td>{c.supplier?.name ?? '—'}</td>
                <td>{connectionStateLabel(c.state)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
