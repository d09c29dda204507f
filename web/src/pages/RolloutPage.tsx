import { useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ItemTable, type Column } from '../components/ItemTable.tsx';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { usePageTitle, useResource } from '../hooks.ts';
import { formatDate } from '../labels.ts';
import { BurnUp } from '../connections/BurnUp.tsx';
import type { Rollout, RolloutGroup } from '../connections/types.ts';
import '../connections/connections.css';

const FIELDS = ['region', 'supplier'] as const;
type Filters = Record<(typeof FIELDS)[number], string>;

/** The roll-out: the burn-up against the target, the recent install rate, the forecast, and the same per region and per supplier. */
export function RolloutPage() {
  const [params, setParams] = useSearchParams();
  const read = (): Filters => Object.fromEntries(FIELDS.map((f) => [f, params.get(f) ?? ''])) as Filters;
  const query = read();
  const [draft, setDraft] = useState(query);
  const address = params.toString();
  useEffect(() => setDraft(read()), [address]); // eslint-disable-line react-hooks/exhaustive-deps
  const report = useResource<Rollout>('/rollout', query);
  const heading = usePageTitle('Roll-out');
  const r = report.data;

  function submit(event: FormEvent) {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [key, value] of Object.entries(draft)) if (value.trim()) next.set(key, value.trim());
    setParams(next);
  }

  return (
    <>
      <p className="caption">ISO/IEC 20000-1:2018 clause 8.5.3</p>
      <h1 ref={heading} tabIndex={-1}>
        Roll-out
      </h1>
      <form className="filters" role="search" aria-label="Roll-out" onSubmit={submit}>
        <div className="field">
          <label htmlFor="rollout-region">Region ODS code</label>
          <input id="rollout-region" value={draft.region} onChange={(e) => setDraft({ ...draft, region: e.target.value.toUpperCase() })} maxLength={12} />
        </div>
        <div className="field">
          <label htmlFor="rollout-supplier">Supplier code</label>
          <input id="rollout-supplier" value={draft.supplier} onChange={(e) => setDraft({ ...draft, supplier: e.target.value.toUpperCase() })} maxLength={50} />
        </div>
        <div className="filters__actions">
          <button type="submit" className="button">
            Show
          </button>
          {FIELDS.some((f) => query[f]) && (
            <button type="button" className="button button--secondary" onClick={() => setParams(new URLSearchParams())}>
              Clear
            </button>
          )}
        </div>
      </form>
      {report.error && <ProblemMessage error={report.error} />}
      {!r && !report.error && <p role="status">Loading the roll-out…</p>}
      {r && (
        <>
          <p className="forecast-sentence">
            <strong>{r.forecast.summary}</strong>
          </p>
          <dl className="summary-list">
            <div>
              <dt>Ordered</dt>
              <dd>{r.totals.ordered}</dd>
            </div>
            <div>
              <dt>Installed</dt>
              <dd>{r.totals.installed}</dd>
            </div>
            <div>
              <dt>Live</dt>
              <dd>{r.totals.live}</dd>
            </div>
            <div>
              <dt>In flight</dt>
              <dd>{r.totals.inFlight}</dd>
            </div>
            <div>
              <dt>Target</dt>
              <dd>{r.target ? `${r.target.targetCount} live by ${formatDate(r.target.targetOn)} (${r.target.name})` : 'No target set'}</dd>
            </div>
            <div>
              <dt>Recent weekly rate</dt>
              <dd>
                {rate(r.forecast)} <span className="muted">(go-lives in the last {r.recentWeekly.length} complete weeks: {r.recentWeekly.join(', ') || 'none'})</span>
              </dd>
            </div>
          </dl>
          <section aria-labelledby="burnup-heading">
            <h2 id="burnup-heading">Burn-up</h2>
            <BurnUp report={r} />
            <details className="burnup-table">
              <summary>The burn-up as a table</summary>
              <ItemTable className="table table--compact" caption="Cumulative connections by week" columns={WEEK_COLUMNS} items={r.series} rowKey={(p) => p.week} />
            </details>
          </section>
          <Breakdown id="regions" title="By region" groups={r.byRegion} />
          <Breakdown id="suppliers" title="By supplier" groups={r.bySupplier} />
        </>
      )}
    </>
  );
}

const WEEK_COLUMNS: Column<Rollout['series'][number]>[] = [
  { head: 'Week of', cell: (p) => formatDate(p.week), rowHeader: true, className: 'nowrap' },
  { head: 'Ordered', cell: (p) => p.ordered, className: 'numeric' },
  { head: 'Installed', cell: (p) => p.installed, className: 'numeric' },
  { head: 'Live', cell: (p) => p.live, className: 'numeric' },
  { head: 'Target', cell: (p) => p.target ?? '—', className: 'numeric' },
];

function rate(forecast: Rollout['forecast']): string {
  const { mean, spread, weeks } = forecast.rate;
  return `${mean.toFixed(1)} a week${spread ? ` (± ${spread.toFixed(1)})` : ''} over ${weeks} ${weeks === 1 ? 'week' : 'weeks'}`;
}

const groupName = (g: RolloutGroup) => (
  <>
    {g.name ?? 'None'} {g.key && <span className="muted">{g.key}</span>}
  </>
);

const GROUP_COLUMNS: Column<RolloutGroup>[] = [
  { head: 'Ordered', cell: (g) => g.ordered, className: 'numeric' },
  { head: 'Installed', cell: (g) => g.installed, className: 'numeric' },
  { head: 'Live', cell: (g) => g.live, className: 'numeric' },
  { head: 'In flight', cell: (g) => g.inFlight, className: 'numeric' },
  { head: 'Weekly rate', cell: (g) => rate(g.forecast) },
  { head: 'Forecast', cell: (g) => g.forecast.summary },
];

function Breakdown({ id, title, groups }: { id: string; title: string; groups: RolloutGroup[] }) {
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      {groups.length === 0 ? (
        <p>Nothing to show.</p>
      ) : (
        <ItemTable caption={title} columns={[{ head: id === 'regions' ? 'Region' : 'Supplier', cell: groupName, rowHeader: true }, ...GROUP_COLUMNS]} items={groups} rowKey={(g) => g.key ?? 'none'} />
      )}
    </section>
  );
}
