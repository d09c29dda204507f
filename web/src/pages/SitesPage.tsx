import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { FilterBar, FilterSelect, FilterText } from '../components/FilterBar.tsx';
import { ItemTable, type Column } from '../components/ItemTable.tsx';
import { ResultCount } from '../components/PagedList.tsx';
import { StateTag } from '../components/StateTag.tsx';
import { useFilters, usePageTitle } from '../hooks.ts';
import { ORGANISATION_STATE_LABELS } from '../labels.ts';
import { SITE_KIND_LABELS, siteKindLabel } from '../network/labels.ts';
import { BY_SITE_STATE, MapLegend, SiteMap, type Colouring } from '../network/SiteMap.tsx';
import { connectionStateLabel, type Connection } from '../connections/types.ts';
import type { Site } from '../network/types.ts';
import { useAll } from '../network/useAll.ts';
import { useSession } from '../session.tsx';
import '../network/network.css';

const COLUMNS: Column<Site>[] = [
  { head: 'Site', cell: (s) => <Link to={`/sites/${s.id}`}>{s.name}</Link> },
  {
    head: 'Organisation',
    cell: (s) => (
      <>
        <Link to={`/organisations/${s.organisation.odsCode}`}>{s.organisation.name}</Link> <span className="muted">{s.organisation.odsCode}</span>
      </>
    ),
  },
  { head: 'Kind', cell: (s) => siteKindLabel(s.kind) },
  { head: 'Postcode', cell: (s) => s.postcode ?? '—' },
  { head: 'State', cell: (s) => <StateTag state={s.state} /> },
];

/**
 * The sites on a map, with the same sites as a table beneath it (the map's text alternative).
 * The server decides which sites someone may see: a customer's map holds their own and no other.
 */
export function SitesPage() {
  const { self } = useSession();
  const [params, setParams] = useSearchParams();
  const filters = useFilters({ q: '', kind: '', state: '', organisation: '' });
  // Held here as well as in the address, so the radio answers at once.
  const [whole, setWhole] = useState(params.get('view') === 'uk');
  const address = params.toString();
  useEffect(() => setWhole(params.get('view') === 'uk'), [address]); // eslint-disable-line react-hooks/exhaustive-deps
  const sites = useAll<Site>('/sites', { ...filters.applied, sort: 'name' });
  const mayReadConnections = self?.permissions.includes('connections:read') ?? false;
  const connections = useAll<Connection>(mayReadConnections ? '/connections' : '', {});
  const colouring = mayReadConnections && connections.loaded && !connections.error ? byConnectionState(connections.items) : BY_SITE_STATE;
  const heading = usePageTitle('Sites');
  const customer = self?.scope === 'organisations';

  function setView(uk: boolean) {
    setWhole(uk);
    const next = new URLSearchParams(params);
    if (uk) next.set('view', 'uk');
    else next.delete('view');
    setParams(next, { replace: true });
  }

  return (
    <>
      <p className="caption">Network</p>
      <h1 ref={heading} tabIndex={-1}>
        Sites
      </h1>
      <p className="lead">{customer ? 'The places where your organisations’ connections terminate, coloured by how far each has got.' : 'The places where connections terminate, coloured by how far each site’s connection has got.'}</p>
      <FilterBar label="Sites" filters={filters}>
        <FilterText id="site-q" label="Name or ODS code" field={filters.field('q')} search maxLength={100} />
        <FilterText id="site-organisation" label="Organisation ODS code" field={filters.field('organisation')} upper short maxLength={12} />
        <FilterSelect id="site-kind" label="Kind" field={filters.field('kind')} any="Any kind" choices={SITE_KIND_LABELS} />
        <FilterSelect id="site-state" label="State" field={filters.field('state')} any="Any state" choices={ORGANISATION_STATE_LABELS} />
      </FilterBar>
      <ResultCount list={{ ...sites, hasMore: sites.capped }} noun={['site', 'sites']} filtered={filters.filtered} more="narrow the search to see the rest" />

      {sites.loaded && sites.items.length > 0 && (
        <section aria-labelledby="map-heading" className="map-section">
          <div className="title-row">
            <h2 id="map-heading">Map</h2>
            <fieldset className="segmented">
              <legend className="visually-hidden">Map extent</legend>
              <label>
                <input type="radio" name="extent" checked={!whole} onChange={() => setView(false)} /> Around these sites
              </label>
              <label>
                <input type="radio" name="extent" checked={whole} onChange={() => setView(true)} /> The whole UK
              </label>
            </fieldset>
          </div>
          <div className="map-layout">
            <SiteMap sites={sites.items} fit={!whole} colouring={colouring} label={`Map of ${sites.items.length} sites; each is a link to the site`} />
            <MapLegend sites={sites.items} colouring={colouring} />
          </div>
        </section>
      )}

      {sites.items.length > 0 && (
        <section aria-labelledby="list-heading">
          <h2 id="list-heading">List of sites</h2>
          <ItemTable caption="Sites, the same as on the map" columns={COLUMNS} items={sites.items} rowKey={(s) => s.id} />
        </section>
      )}
    </>
  );
}

/** Open connection states from the furthest along; a site takes the furthest of its connections. */
const PROGRESS = ['live', 'installed', 'surveyed', 'ordered', 'quoted', 'requested'] as const;

function byConnectionState(connections: Connection[]): Colouring {
  const furthest = new Map<number, string>();
  for (const c of connections) {
    const rank = PROGRESS.indexOf(c.state as (typeof PROGRESS)[number]);
    if (rank < 0) continue; // ceased and cancelled connections no longer serve the site
    const held = furthest.get(c.site.id);
    if (held === undefined || rank < PROGRESS.indexOf(held as (typeof PROGRESS)[number])) furthest.set(c.site.id, c.state);
  }
  return {
    states: [...PROGRESS, 'none'],
    stateOf: (site) => furthest.get(site.id) ?? 'none',
    label: (state) => (state === 'none' ? 'No connection' : connectionStateLabel(state)),
  };
}
