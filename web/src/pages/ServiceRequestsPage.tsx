import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { usePagedList, usePageTitle } from '../hooks.ts';
import { formatDateTime } from '../labels.ts';
import { NewRequestForm } from '../requests/NewRequestForm.tsx';
import { REQUEST_KIND_LABELS, REQUEST_STATE_LABELS, requestKindLabel, requestStateColour, requestStateLabel, type RequestSummary } from '../requests/types.ts';
import { useSession } from '../session.tsx';

const FIELDS = ['q', 'state', 'kind', 'organisation', 'sort'] as const;
type Filters = Record<(typeof FIELDS)[number], string>;

const SORTS: Array<[string, string]> = [
  ['-createdAt', 'Newest first'],
  ['slaDueAt', 'Due soonest first'],
  ['-updatedAt', 'Recently updated'],
];

/**
 * Service requests the reader may see (a customer: their own organisations'), searched and
 * filtered by the server with the query in the address; and the form to ask for something.
 */
export function ServiceRequestsPage() {
  const { self, can } = useSession();
  const navigate = useNavigate();
  const desk = self?.scope === 'network';
  const [params, setParams] = useSearchParams();
  const read = (): Filters => Object.fromEntries(FIELDS.map((f) => [f, params.get(f) ?? ''])) as Filters;
  const filters = read();
  const address = params.toString();
  const [draft, setDraft] = useState(filters);
  const [asking, setAsking] = useState(false);
  useEffect(() => setDraft(read()), [address]); // eslint-disable-line react-hooks/exhaustive-deps
  const list = usePagedList<RequestSummary>('/service-requests', { ...filters, sort: filters.sort || '-createdAt', limit: 50 });
  const heading = usePageTitle('Service requests');

  function submit(event: FormEvent) {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [key, value] of Object.entries(draft)) if (value.trim()) next.set(key, key === 'organisation' ? value.trim().toUpperCase() : value.trim());
    setParams(next);
  }
  const filtered = FIELDS.some((f) => f !== 'sort' && filters[f]);
  const set = (key: keyof Filters) => (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value });

  return (
    <>
      <p className="caption">ISO/IEC 20000-1:2018 clause 8.6.2</p>
      <div className="title-row">
        <h1 ref={heading} tabIndex={-1}>
          Service requests
        </h1>
        {can('requests:write') && !asking && (
          <button type="button" className="button" onClick={() => setAsking(true)}>
            Ask for something
          </button>
        )}
      </div>
      {asking && <NewRequestForm onCreated={(r) => navigate(`/requests/${r.id}`)} />}
      <form className="filters" role="search" aria-label="Service requests" onSubmit={submit}>
        <div className="field field--grow">
          <label htmlFor="request-q">Number or words</label>
          <input id="request-q" type="search" value={draft.q} onChange={set('q')} maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor="request-state">State</label>
          <select id="request-state" value={draft.state} onChange={set('state')}>
            <option value="">Any state</option>
            <option value="open">Open (not yet fulfilled)</option>
            {Object.entries(REQUEST_STATE_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="request-kind-filter">Kind</label>
          <select id="request-kind-filter" value={draft.kind} onChange={set('kind')}>
            <option value="">Any kind</option>
            {Object.entries(REQUEST_KIND_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        {desk && (
          <div className="field">
            <label htmlFor="request-organisation">Organisation ODS code</label>
            <input id="request-organisation" className="input--short" value={draft.organisation} onChange={set('organisation')} maxLength={12} />
          </div>
        )}
        <div className="field">
          <label htmlFor="request-sort">Sort by</label>
          <select id="request-sort" value={draft.sort || '-createdAt'} onChange={set('sort')}>
            {SORTS.map(([value, label]) => (
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
            <button type="button" className="button button--secondary" onClick={() => setParams(new URLSearchParams())}>
              Clear
            </button>
          )}
        </div>
      </form>
      {list.error && <ProblemMessage error={list.error} />}
      <p className="result-count" role="status" aria-live="polite">
        {!list.loaded ? 'Loading service requests…' : countText(list.items.length, list.hasMore, filtered)}
      </p>
      {list.items.length > 0 && (
        <table className="table">
          <caption className="visually-hidden">Service requests</caption>
          <thead>
            <tr>
              <th scope="col">Request</th>
              <th scope="col">Kind</th>
              <th scope="col">State</th>
              <th scope="col">For</th>
              <th scope="col">Due</th>
              <th scope="col">Raised</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link to={`/requests/${r.id}`}>{r.number}</Link>
                  <br />
                  {r.title}
                </td>
                <td>{requestKindLabel(r.kind)}</td>
                <td>
                  <span className={`tag tag--${requestStateColour(r.state)}`}>{requestStateLabel(r.state)}</span>
                </td>
                <td>
                  {r.site?.name ?? r.organisation.name}
                  <br />
                  <span className="muted">{r.organisation.odsCode}</span>
                </td>
                <td className="nowrap">{r.slaDueAt ? <time dateTime={r.slaDueAt}>{formatDateTime(r.slaDueAt)}</time> : '—'}</td>
                <td className="nowrap">
                  <time dateTime={r.createdAt}>{formatDateTime(r.createdAt)}</time>
                </td>
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
  if (shown === 0) return filtered ? 'No service requests match your search.' : 'There are no service requests yet.';
  const noun = shown === 1 ? 'service request' : 'service requests';
  return more ? `Showing the first ${shown} ${noun}; there are more.` : `Showing ${shown} ${noun}.`;
}
