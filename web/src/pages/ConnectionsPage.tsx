import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { usePagedList, usePageTitle } from '../hooks.ts';
import { formatDate } from '../labels.ts';
import { CONNECTION_STATE_LABELS, connectionStateLabel, type Connection } from '../connections/types.ts';

const FIELDS = ['state', 'supplier', 'region'] as const;
type Filters = Record<(typeof FIELDS)[number], string>;

/** Every connection the reader may see, filtered by the server; the query lives in the address. */
export function ConnectionsPage() {
  const [params, setParams] = useSearchParams();
  const read = (): Filters => Object.fromEntries(FIELDS.map((f) => [f, params.get(f) ?? ''])) as Filters;
  const query = read();
  const [draft, setDraft] = useState(query);
  const address = params.toString();
  useEffect(() => setDraft(read()), [address]); // eslint-disable-line react-hooks/exhaustive-deps
  const list = usePagedList<Connection>('/connections', { ...query, limit: 50 });
  const heading = usePageTitle('Connections');

  function submit(event: FormEvent) {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [key, value] of Object.entries(draft)) if (value.trim()) next.set(key, value.trim());
    setParams(next);
  }
  const filtered = FIELDS.some((f) => query[f]);

  return (
    <>
      <p className="caption">ISO/IEC 20000-1:2018 clause 8.2.6</p>
      <h1 ref={heading} tabIndex={-1}>
        Connections
      </h1>
      <form className="filters" role="search" aria-label="Connections" onSubmit={submit}>
        <div className="field">
          <label htmlFor="connection-state">State</label>
          <select id="connection-state" value={draft.state} onChange={(e) => setDraft({ ...draft, state: e.target.value })}>
            <option value="">Any state</option>
            {Object.entries(CONNECTION_STATE_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="connection-supplier">Supplier code</label>
          <input id="connection-supplier" value={draft.supplier} onChange={(e) => setDraft({ ...draft, supplier: e.target.value.toUpperCase() })} maxLength={50} />
        </div>
        <div className="field">
          <label htmlFor="connection-region">Region ODS code</label>
          <input id="connection-region" value={draft.region} onChange={(e) => setDraft({ ...draft, region: e.target.value.toUpperCase() })} maxLength={12} />
        </div>
        <div className="filters__actions">
          <button type="submit" className="button">
            Search
          </button>
          {filtered && (
            <button type="button" className="button button--secondary" onClick={() => setParams(new URLSearchParams())}>
              Clear
            </button>
          )}
        </div>
      </form>
      {list.error && <ProblemMessage error={list.error} />}
      <p className="result-count" role="status" aria-live="polite">
        {!list.loaded ? 'Loading connections…' : countText(list.items.length, list.hasMore, filtered)}
      </p>
      {list.items.length > 0 && (
        <table className="table">
          <caption className="visually-hidden">Connections</caption>
          <thead>
            <tr>
              <th scope="col">Site</th>
              <th scope="col">Organisation</th>
              <th scope="col">Product</th>
              <th scope="col">Supplier</th>
              <th scope="col">Circuit</th>
              <th scope="col">State</th>
              <th scope="col">Expected live</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link to={`/connections/${c.id}`}>{c.site.name}</Link>
                  {c.leg > 1 && <span className="muted"> (leg {c.leg})</span>}
                </td>
                <td>
                  {c.organisation.name} <span className="muted">{c.organisation.odsCode}</span>
                </td>
                <td>{c.product.name}</td>
                <td>{c.supplier ? c.supplier.name : '—'}</td>
                <td>{c.circuitReference ? <code>{c.circuitReference}</code> : '—'}</td>
                <td>{connectionStateLabel(c.state)}</td>
                <td className="nowrap">{formatDate(c.dates.liveOn ?? c.expectedLiveOn)}</td>
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

function countText(shown: number, more: boolean, filtered: boolean): string {
  if (shown === 0) return filtered ? 'No connections match your search.' : 'There are no connections to show.';
  const noun = shown === 1 ? 'connection' : 'connections';
  return more ? `Showing the first ${shown} ${noun}; there are more.` : `Showing ${shown} ${noun}.`;
}
