import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { StateTag } from '../components/StateTag.tsx';
import { usePageTitle } from '../hooks.ts';
import { ORGANISATION_STATE_LABELS } from '../labels.ts';
import { SITE_KIND_LABELS, siteKindLabel } from '../network/labels.ts';
import { BY_SITE_STATE, MapLegend, SiteMap, type Colouring } from '../network/SiteMap.tsx';
import { connectionStateLabel, type Connection } from '../connections/types.ts';
import type { Site } from '../network/types.ts';
import { useAll } from '../network/useAll.ts';
import { useSession } from '../session.tsx';
import '../network/network.css';

const FIELDS = ['q', 'kind', 'state', 'organisation'] as const;
type Filters = Record<(typeof FIELDS)[number], string>;

/**
 * The sites on a map, with the same sites as a table beneath it (the map's text alternative).
 * The server decides which sites someone may see: a customer's map holds their own and no other.
 */
export function SitesPage() {
  const { self } = useSession();
  const [params, setParams] = useSearchParams();
  const read = (): Filters => Object.fromEntries(FIELDS.map((f) => [f, params.get(f) ?? ''])) as Filters;
  const query = read();
  const [draft, setDraft] = useState(query);
  const address = params.toString();
  useEffect(() => setDraft(read()), [address]); // eslint-disable-line react-hooks/exhaustive-deps
  // Held here as well as in the address, so the radio answers at once.
  const [whole, setWhole] = useState(params.get('view') === 'uk');
  useEffect(() => setWhole(params.get('view') === 'uk'), [address]); // eslint-disable-line react-hooks/exhaustive-deps
  const sites = useAll<Site>('/sites', { ...query, sort: 'name' });
  const mayReadConnections = self?.permissions.includes('connections:read') ?? false;
  const connections = useAll<Connection>(mayReadConnections ? '/connections' : '', {});
  const colouring = mayReadConnections && connections.loaded && !connections.error ? byConnectionState(connections.items) : BY_SITE_STATE;
  const heading = usePageTitle('Sites');
  const customer = self?.scope === 'organisations';

  function submit(event: FormEvent) {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [key, value] of Object.entries(draft)) if (value.trim()) next.set(key, value.trim());
    if (whole) next.set('view', 'uk');
    setParams(next);
  }
  function setView(uk: boolean) {
    setWhole(uk);
    const next = new URLSearchParams(params);
    if (uk) next.set('view', 'uk');
    else next.delete('view');
    setParams(next, { replace: true });
  }
  const filtered = FIELDS.some((f) => query[f]);

  return (
    <>
      <p className="caption">Network</p>
      <h1 ref={heading} tabIndex={-1}>
        Sites
      </h1>
      <p className="lead">{customer ? 'The places where your organisations’ connections terminate, coloured by how far each has got.' : 'The places where connections terminate, coloured by how far each site’s connection has got.'}</p>
      <form className="filters" role="search" aria-label="Sites" onSubmit={submit}>
        <div className="field field--grow">
          <label htmlFor="site-q">Name or ODS code</label>
          <input id="site-q" type="search" value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} maxLength={100} />
        </div>
        <div className="field">
          <label htmlFor="site-organisation">Organisation ODS code</label>
          <input id="site-organisation" value={draft.organisation} onChange={(e) => setDraft({ ...draft, organisation: e.target.value.toUpperCase() })} maxLength={12} className="input--short" />
        </div>
        <div className="field">
          <label htmlFor="site-kind">Kind</label>
          <select id="site-kind" value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value })}>
            <option value="">Any kind</option>
            {Object.entries(SITE_KIND_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="site-state">State</label>
          <select id="site-state" value={draft.state} onChange={(e) => setDraft({ ...draft, state: e.target.value })}>
            <option value="">Any state</option>
            {Object.entries(ORGANISATION_STATE_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="filters__actions">
          <button type="submit" className="button">
            Search
          </button>
          {filtered && (
            <button type="button" className="button button--secondary" onClick={() => setParams(new URLSearchParams(whole ? { view: 'uk' } : {}))}>
              Clear
            </button>
          )}
        </div>
      </form>

      {sites.error && <ProblemMessage error={sites.error} />}
      <p className="result-count" role="status" aria-live="polite">
        {!sites.loaded ? 'Loading sites…' : countText(sites.items.length, sites.capped, filtered)}
      </p>

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
          <table className="table">
            <caption className="visually-hidden">Sites, the same as on the map</caption>
            <thead>
              <tr>
                <th scope="col">Site</th>
                <th scope="col">Organisation</th>
                <th scope="col">Kind</th>
                <th scope="col">Postcode</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {sites.items.map((s) => (
                <tr key={s.id}>
                  <td>
                    <Link to={`/sites/${s.id}`}>{s.name}</Link>
                  </td>
                  <td>
                    <Link to={`/organisations/${s.organisation.odsCode}`}>{s.organisation.name}</Link> <span className="muted">{s.organisation.odsCode}</span>
                  </td>
                  <td>{siteKindLabel(s.kind)}</td>
                  <td>{s.postcode ?? '—'}</td>
                  <td>
                    <StateTag state={s.state} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}

function countText(shown: number, capped: boolean, filtered: boolean): string {
  if (shown === 0) return filtered ? 'No sites match your search.' : 'There are no sites to show.';
  const noun = shown === 1 ? 'site' : 'sites';
  return capped ? `Showing the first ${shown} ${noun}; narrow the search to see the rest.` : `Showing ${shown} ${noun}.`;
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
