import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { StateTag } from '../components/StateTag.tsx';
import { usePagedList, usePageTitle } from '../hooks.ts';
import { kindLabel, ORGANISATION_KIND_LABELS, ORGANISATION_STATE_LABELS } from '../labels.ts';
import { useSession } from '../session.tsx';
import type { Organisation } from '../types.ts';

const SORTS: Record<string, string> = {
  name: 'Name, A to Z',
  '-name': 'Name, Z to A',
  odsCode: 'ODS code',
  '-updatedAt': 'Recently changed',
};

const PAGE_SIZE = 25;

/** Search, filter and sort organisations; the query lives in the address, so it can be shared and the back button works. */
export function OrganisationsPage() {
  const { self } = useSession();
  const [params, setParams] = useSearchParams();
  const query = { q: params.get('q') ?? '', kind: params.get('kind') ?? '', state: params.get('state') ?? '', sort: params.get('sort') ?? 'name' };
  const [draft, setDraft] = useState(query);
  // The back button changes the address: the form follows it.
  const address = params.toString();
  useEffect(() => setDraft({ q: params.get('q') ?? '', kind: params.get('kind') ?? '', state: params.get('state') ?? '', sort: params.get('sort') ?? 'name' }), [address]); // eslint-disable-line react-hooks/exhaustive-deps
  const list = usePagedList<Organisation>('/organisations', { ...query, limit: PAGE_SIZE });
  const customer = self?.scope === 'organisations';
  const heading = usePageTitle(customer ? 'Your organisations' : 'Organisations');

  function submit(event: FormEvent) {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [key, value] of Object.entries(draft)) if (value && !(key === 'sort' && value === 'name')) next.set(key, value.trim());
    setParams(next);
  }

  function clear() {
    setDraft({ q: '', kind: '', state: '', sort: 'name' });
    setParams(new URLSearchParams());
  }

  const filtered = !!(query.q || query.kind || query.state);
  return (
    <>
      <p className="caption">Network</p>
      <h1 ref={heading} tabIndex={-1}>
        {customer ? 'Your organisations' : 'Organisations'}
      </h1>
      <form className="filters" role="search" aria-label="Organisations" onSubmit={submit}>
        <div className="field field--grow">
          <label htmlFor="org-q">Name or ODS code</label>
          <input id="org-q" type="search" value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} maxLength={100} />
        </div>
        <div className="field">
          <label htmlFor="org-kind">Kind</label>
          <select id="org-kind" value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value })}>
            <option value="">Any kind</option>
            {Object.entries(ORGANISATION_KIND_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="org-state">State</label>
          <select id="org-state" value={draft.state} onChange={(e) => setDraft({ ...draft, state: e.target.value })}>
            <option value="">Any state</option>
            {Object.entries(ORGANISATION_STATE_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="org-sort">Sort by</label>
          <select id="org-sort" value={draft.sort} onChange={(e) => setDraft({ ...draft, sort: e.target.value })}>
            {Object.entries(SORTS).map(([value, label]) => (
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
          {(filtered || query.sort !== 'name') && (
            <button type="button" className="button button--secondary" onClick={clear}>
              Clear
            </button>
          )}
        </div>
      </form>

      {list.error && <ProblemMessage error={list.error} />}
      <p className="result-count" role="status" aria-live="polite">
        {!list.loaded ? 'Loading organisations…' : countText(list.items.length, list.hasMore, filtered)}
      </p>
      {list.items.length > 0 && (
        <table className="table">
          <caption className="visually-hidden">Organisations</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" className="nowrap">
                ODS code
              </th>
              <th scope="col">Kind</th>
              <th scope="col">State</th>
              <th scope="col">Parent</th>
              <th scope="col">Postcode</th>
              <th scope="col" className="numeric">
                Children
              </th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((o) => (
              <tr key={o.odsCode}>
                <td>
                  <Link to={`/organisations/${o.odsCode}`}>{o.name}</Link>
                </td>
                <td>
                  <code>{o.odsCode}</code>
                </td>
                <td>{kindLabel(o.kind)}</td>
                <td>
                  <StateTag state={o.state} />
                </td>
                <td>{o.parent ? <Link to={`/organisations/${o.parent.odsCode}`}>{o.parent.name}</Link> : '—'}</td>
                <td>{o.postcode ?? '—'}</td>
                <td className="numeric">{o.childCount}</td>
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
  if (shown === 0) return filtered ? 'No organisations match your search.' : 'There are no organisations to show.';
  const noun = shown === 1 ? 'organisation' : 'organisations';
  return more ? `Showing the first ${shown} ${noun}; there are more.` : `Showing ${shown} ${noun}.`;
}
