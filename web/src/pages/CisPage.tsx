import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { usePagedList, usePageTitle } from '../hooks.ts';
import { CI_KIND_LABELS, CI_STATE_LABELS, ciKindLabel, ciStateLabel } from '../network/labels.ts';
import type { ConfigurationItem } from '../network/types.ts';

const FIELDS = ['q', 'kind', 'state', 'organisation'] as const;
type Filters = Record<(typeof FIELDS)[number], string>;

/** The configuration items, searched and filtered by the server; the query lives in the address. */
export function CisPage() {
  const [params, setParams] = useSearchParams();
  const read = (): Filters => Object.fromEntries(FIELDS.map((f) => [f, params.get(f) ?? ''])) as Filters;
  const query = read();
  const [draft, setDraft] = useState(query);
  const address = params.toString();
  useEffect(() => setDraft(read()), [address]); // eslint-disable-line react-hooks/exhaustive-deps
  const list = usePagedList<ConfigurationItem>('/cis', { ...query, sort: 'name', limit: 50 });
  const heading = usePageTitle('Configuration (CMDB)');

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
        Configuration (CMDB)
      </h1>
      <form className="filters" role="search" aria-label="Configuration items" onSubmit={submit}>
        <div className="field field--grow">
          <label htmlFor="ci-q">Name or reference</label>
          <input id="ci-q" type="search" value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} maxLength={100} />
        </div>
        <div className="field">
          <label htmlFor="ci-kind">Kind</label>
          <select id="ci-kind" value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value })}>
            <option value="">Any kind</option>
            {Object.entries(CI_KIND_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="ci-state">State</label>
          <select id="ci-state" value={draft.state} onChange={(e) => setDraft({ ...draft, state: e.target.value })}>
            <option value="">Any state</option>
            {Object.entries(CI_STATE_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="ci-organisation">Organisation ODS code</label>
          <input id="ci-organisation" value={draft.organisation} onChange={(e) => setDraft({ ...draft, organisation: e.target.value.toUpperCase() })} maxLength={12} />
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
        {!list.loaded ? 'Loading configuration items…' : countText(list.items.length, list.hasMore, filtered)}
      </p>
      {list.items.length > 0 && (
        <table className="table">
          <caption className="visually-hidden">Configuration items</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Reference</th>
              <th scope="col">Organisation</th>
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
                <td>{ci.organisation ? `${ci.organisation.name} (${ci.organisation.odsCode})` : '—'}</td>
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
    </>
  );
}

function countText(shown: number, more: boolean, filtered: boolean): string {
  if (shown === 0) return filtered ? 'No configuration items match your search.' : 'There are no configuration items to show.';
  const noun = shown === 1 ? 'configuration item' : 'configuration items';
  return more ? `Showing the first ${shown} ${noun}; there are more.` : `Showing ${shown} ${noun}.`;
}
