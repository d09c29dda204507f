import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Journal } from '../components/Journal.tsx';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import type { Column } from '../components/ItemTable.tsx';
import { ListSection } from '../components/PagedList.tsx';
import { usePageTitle, useResource } from '../hooks.ts';
import { formatDateTime, formatValue } from '../labels.ts';
import { CiGraph } from '../network/CiGraph.tsx';
import { ciKindCount, ciKindLabel, ciStateLabel, relationLabel } from '../network/labels.ts';
import type { ConfigurationItem, Graph, Impact, Relation, RootCauses } from '../network/types.ts';
import { useSession } from '../session.tsx';
import { AlertHistory } from '../monitoring/AlertHistory.tsx';
import { OutageHistory } from '../availability/OutageHistory.tsx';
import '../network/network.css';

/** One configuration item: its details, its relations, the graph around it with what fails with it, and what could have caused its failure. */
export function CiPage() {
  const { id = '' } = useParams();
  const { can } = useSession();
  const resource = useResource<ConfigurationItem>(`/cis/${encodeURIComponent(id)}`);
  const ci = resource.data;
  const heading = usePageTitle(ci?.name ?? (resource.error ? 'Configuration item not available' : null));

  if (resource.error) {
    return (
      <>
        <h1 ref={heading} tabIndex={-1}>
          Configuration item {id}
        </h1>
        <ProblemMessage error={resource.error} />
        <p>
          <Link to="/configuration">Back to configuration items</Link>
        </p>
      </>
    );
  }
  if (!ci) return <p role="status">Loading configuration item…</p>;
  const attributes = Object.entries(ci.attributes);

  return (
    <>
      <p className="caption">
        <Link to="/configuration">Configuration (CMDB)</Link> › {ciKindLabel(ci.kind)}
      </p>
      <h1 ref={heading} tabIndex={-1}>
        {ci.name}
      </h1>
      <dl className="summary-list">
        <div>
          <dt>Kind</dt>
          <dd>{ciKindLabel(ci.kind)}</dd>
        </div>
        <div>
          <dt>State</dt>
          <dd>{ciStateLabel(ci.state)}</dd>
        </div>
        <div>
          <dt>Reference</dt>
          <dd>{ci.externalRef ? <code>{ci.externalRef}</code> : '—'}</dd>
        </div>
        <div>
          <dt>Organisation</dt>
          <dd>{ci.organisation ? <Link to={`/organisations/${ci.organisation.odsCode}`}>{ci.organisation.name}</Link> : '—'}</dd>
        </div>
        <div>
          <dt>Site</dt>
          <dd>{ci.siteId ? <Link to={`/sites/${ci.siteId}`}>Site {ci.siteId}</Link> : '—'}</dd>
        </div>
        <div>
          <dt>Supplier</dt>
          <dd>{ci.supplierId ? can('suppliers:read') ? <Link to={`/suppliers/${ci.supplierId}`}>Supplier {ci.supplierId}</Link> : `Supplier ${ci.supplierId}` : '—'}</dd>
        </div>
        {attributes.map(([key, value]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>{formatValue(value)}</dd>
          </div>
        ))}
        <div>
          <dt>Last changed</dt>
          <dd>
            {formatDateTime(ci.updatedAt)} <span className="muted">(version {ci.version})</span>
          </dd>
        </div>
      </dl>
      <GraphSection ci={ci} />
      <Relations ci={ci} />
      <RootCauseCandidates ci={ci} />
      {can('monitoring:read') && <AlertHistory ciId={ci.id} />}
      {can('availability:read') && <OutageHistory query={{ ciId: ci.id }} showConnection={ci.kind !== 'connection'} />}
      {can('journal:read') && <Journal path={`/cis/${ci.id}/journal`} refresh={0} />}
    </>
  );
}

function GraphSection({ ci }: { ci: ConfigurationItem }) {
  const [depth, setDepth] = useState(2);
  const [showImpact, setShowImpact] = useState(false);
  const graph = useResource<Graph>(`/cis/${ci.id}/graph`, { depth, limit: 60 });
  const impact = useResource<Impact>(showImpact ? `/cis/${ci.id}/impact` : null);
  const failing = impact.data && showImpact ? new Set([ci.id, ...Object.values(impact.data.byKind).flatMap((list) => list.map((c) => c.id))]) : undefined;
  const degraded = impact.data && showImpact ? new Set(impact.data.degraded.map((d) => d.id)) : undefined;

  return (
    <section aria-labelledby="graph-heading" className="graph-section">
      <h2 id="graph-heading">Graph</h2>
      <div className="graph-controls">
        <div className="field">
          <label htmlFor="graph-depth">Relations away</label>
          <select id="graph-depth" value={depth} onChange={(e) => setDepth(Number(e.target.value))}>
            {[1, 2, 3, 4].map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </div>
        <label className="toggle">
          <input type="checkbox" checked={showImpact} onChange={(e) => setShowImpact(e.target.checked)} /> Show what fails if this fails
        </label>
      </div>
      <ul className="graph-key" aria-label="Key to the graph">
        <li>
          <span className="swatch swatch--centre" aria-hidden="true" /> This item
        </li>
        <li>
          <svg width="36" height="10" aria-hidden="true" focusable="false">
            <line x1="0" y1="5" x2="36" y2="5" stroke="#4c6272" strokeWidth="1.5" />
          </svg>
          depends on (the item below)
        </li>
        <li>
          <svg width="36" height="10" aria-hidden="true" focusable="false">
            <line x1="0" y1="5" x2="36" y2="5" stroke="#4c6272" strokeWidth="1.5" strokeDasharray="5 4" />
          </svg>
          other relation
        </li>
        {showImpact && (
          <>
            <li>
              <span className="swatch swatch--fails" aria-hidden="true" /> fails
            </li>
            <li>
              <span className="swatch swatch--degraded" aria-hidden="true" /> degraded: survives on an alternative
            </li>
          </>
        )}
      </ul>
      {graph.error && <ProblemMessage error={graph.error} />}
      {impact.error && <ProblemMessage error={impact.error} />}
      {showImpact && impact.data && <ImpactSummary impact={impact.data} />}
      {showImpact && impact.loading && <p role="status">Working out what fails…</p>}
      {graph.data ? (
        <>
          <CiGraph graph={graph.data} failing={failing} degraded={degraded} />
          {graph.data.truncated && <p className="muted">The graph is cut short: more items lie this far away. Choose fewer relations away, or open a neighbour.</p>}
        </>
      ) : (
        !graph.error && <p role="status">Loading the graph…</p>
      )}
    </section>
  );
}

function ImpactSummary({ impact }: { impact: Impact }) {
  const others = impact.total - 1;
  // The counts include the failed CI itself; the sentence is about the others.
  const kinds = Object.entries(impact.counts)
    .map(([kind, n]) => [kind, kind === impact.origin.kind ? n - 1 : n] as const)
    .filter(([, n]) => n > 0);
  return (
    <div className="impact-summary" role="status">
      <p>
        <strong>
          If {impact.origin.name} fails, {others === 0 ? 'nothing else fails with it' : `${others} other ${others === 1 ? 'item fails' : 'items fail'} with it`}
        </strong>
        {kinds.length > 0 && <> ({kinds.map(([kind, n]) => ciKindCount(kind, n)).join(', ')})</>}, affecting {impact.organisationCount}{' '}
        {impact.organisationCount === 1 ? 'organisation' : 'organisations'} at {impact.siteCount} {impact.siteCount === 1 ? 'site' : 'sites'}.
        {impact.degradedCount > 0 && <> {impact.degradedCount === 1 ? '1 more item loses its resilience but keeps working.' : `${impact.degradedCount} more items lose their resilience but keep working.`}</>}
      </p>
      {impact.services.length > 0 && <p>Services lost: {impact.services.map((s) => s.name).join(', ')}.</p>}
    </div>
  );
}

function Relations({ ci }: { ci: ConfigurationItem }) {
  // This item itself is named in bold; the other end of each relation is a link to it.
  const end = (other: { id: number; name: string }) => (other.id === ci.id ? <strong>{other.name}</strong> : <Link to={`/configuration/${other.id}`}>{other.name}</Link>);
  const columns: Column<Relation>[] = [
    { head: 'From', cell: (r) => end(r.source) },
    { head: 'Relation', cell: (r) => relationLabel(r.kind) },
    {
      head: 'To',
      cell: (r) => (
        <>
          {end(r.target)} <span className="muted">{ciKindLabel(r.target.kind)}</span>
        </>
      ),
    },
    { head: 'Alternatives group', cell: (r) => r.redundancyGroup ?? '—' },
  ];
  return <ListSection id="relations" title="Relations" caption={`Relations of ${ci.name}`} path={`/cis/${ci.id}/relations`} query={{ direction: 'both' }} empty="This item has no relations." columns={columns} rowKey={(r) => r.id} />;
}

function RootCauseCandidates({ ci }: { ci: ConfigurationItem }) {
  const causes = useResource<RootCauses>(`/cis/${ci.id}/root-causes`);
  return (
    <section aria-labelledby="causes-heading">
      <h2 id="causes-heading">Root-cause candidates</h2>
      <p className="muted">If this item fails, these are what it depends on, nearest first: the places to look.</p>
      {causes.error && <ProblemMessage error={causes.error} />}
      {causes.data && causes.data.candidates.length === 0 && <p>This item depends on nothing else.</p>}
      {causes.data && causes.data.candidates.length > 0 && (
        <table className="table">
          <caption className="visually-hidden">Root-cause candidates for {ci.name}</caption>
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">Kind</th>
              <th scope="col">State</th>
              <th scope="col" className="numeric">
                Steps away
              </th>
              <th scope="col">One of alternatives</th>
            </tr>
          </thead>
          <tbody>
            {causes.data.candidates.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link to={`/configuration/${c.id}`}>{c.name}</Link>
                </td>
                <td>{ciKindLabel(c.kind)}</td>
                <td>{ciStateLabel(c.state)}</td>
                <td className="numeric">{c.depth}</td>
                <td>{c.redundancyGroup ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
