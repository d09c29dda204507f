import { ClauseCaption } from '../components/Layout.tsx';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { ItemTable, type Column } from '../components/ItemTable.tsx';
import { ShowMore } from '../components/PagedList.tsx';
import { usePagedList, usePageTitle, useResource } from '../hooks.ts';
import { formatDateTime } from '../labels.ts';
import { GroupsChart, MonthsChart } from '../availability/Charts.tsx';
import { OutageHistory } from '../availability/OutageHistory.tsx';
import { DRILL_FILTER, duration, formatMonth, GROUP_LABELS, monthOf, percent } from '../availability/format.ts';
import type { Figures, Group, Miss, Months, Report } from '../availability/types.ts';
import '../availability/availability.css';

const FILTERS = ['organisation', 'supplier', 'product', 'region', 'siteId', 'connectionId'] as const;
const FILTER_LABELS: Record<(typeof FILTERS)[number], string> = {
  organisation: 'Organisation',
  supplier: 'Supplier',
  product: 'Product',
  region: 'Region',
  siteId: 'Site',
  connectionId: 'Connection',
};
const GROUP_BYS = ['network', 'region', 'supplier', 'product', 'organisation', 'site', 'connection'] as const;

/**
 * The monthly availability report (ISO/IEC 20000-1 8.7.1): the figure for everything the reader
 * may see, month by month for a year, grouped as they choose with each group a link one level
 * down (group → its connections → a connection's outages), and the connections that missed their
 * target. Everything the page shows is in its address, so a drill-down can be shared.
 */
export function AvailabilityPage() {
  const [params, setParams] = useSearchParams();
  const month = params.get('period') ?? monthOf(new Date());
  const groupBy = params.get('groupBy') ?? 'region';
  const filters = Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? ''])) as Record<(typeof FILTERS)[number], string>;
  const [draftMonth, setDraftMonth] = useState(month);
  const [draftGroup, setDraftGroup] = useState(groupBy);
  const address = params.toString();
  useEffect(() => {
    setDraftMonth(month);
    setDraftGroup(groupBy);
  }, [address]); // eslint-disable-line react-hooks/exhaustive-deps
  const heading = usePageTitle(`Availability, ${formatMonth(month)}`);

  const filterQuery = Object.fromEntries(Object.entries(filters).filter(([, v]) => v));
  const report = useResource<Report>('/availability', { period: month, groupBy, limit: 50, ...filterQuery });
  const months = useResource<Months>('/availability/months', { to: month, ...filterQuery });
  const missed = usePagedList<Miss>('/availability/missed', { period: month, limit: 20, ...filterQuery });

  const go = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === '') next.delete(k);
      else next.set(k, v);
    }
    setParams(next);
  };

  function submit(event: FormEvent) {
    event.preventDefault();
    go({ period: draftMonth, groupBy: draftGroup });
  }

  const r = report.data;
  const drilled = FILTERS.filter((f) => filters[f]);

  return (
    <>
      <ClauseCaption>ISO/IEC 20000-1:2018 clause 8.7.1 · Service availability management</ClauseCaption>
      <h1 ref={heading} tabIndex={-1}>
        Availability
      </h1>
      <p className="lead">
        Availability = 1 − unplanned downtime ÷ (time in service − planned downtime), for each connection against its product&rsquo;s target. Downtime inside a maintenance
        window is planned and taken out of the period; overlapping outages count once. <Link to="/maintenance">Maintenance calendar</Link>
      </p>
      <form className="filters" aria-label="Report period and grouping" onSubmit={submit}>
        <div className="field">
          <label htmlFor="availability-month">Month</label>
          <input id="availability-month" type="month" value={draftMonth} max={monthOf(new Date())} onChange={(e) => setDraftMonth(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="availability-group">Group by</label>
          <select id="availability-group" value={draftGroup} onChange={(e) => setDraftGroup(e.target.value)}>
            {GROUP_BYS.map((g) => (
              <option key={g} value={g}>
                {GROUP_LABELS[g]}
              </option>
            ))}
          </select>
        </div>
        <div className="filters__actions">
          <button type="submit" className="button">
            Show
          </button>
        </div>
      </form>
      {drilled.length > 0 && (
        <nav aria-label="Drill-down">
          <ul className="drill">
            {drilled.map((f) => (
              <li key={f}>
                {FILTER_LABELS[f]}: <strong>{filters[f]}</strong>
                <button type="button" className="button button--secondary av-small" onClick={() => go({ [f]: null })}>
                  Remove<span className="visually-hidden"> the {FILTER_LABELS[f].toLowerCase()} filter</span>
                </button>
              </li>
            ))}
            <li>
              <Link to={`/availability?period=${month}`}>Back to the whole network</Link>
            </li>
          </ul>
        </nav>
      )}
      {report.error && <ProblemMessage error={report.error} />}
      {!r && !report.error && <p role="status">Working out availability…</p>}
      {r && <Headline report={r} />}

      <section aria-labelledby="months-heading">
        <h2 id="months-heading">Month by month</h2>
        {months.error && <ProblemMessage error={months.error} />}
        {months.data && (
          <>
            <MonthsChart months={months.data.months} />
            <details>
              <summary>Month by month as a table</summary>
              <FiguresTable caption="Availability month by month" rows={months.data.months.map((m) => ({ key: m.month, label: formatMonth(m.month), figures: m.total }))} />
            </details>
          </>
        )}
      </section>

      {r && (
        <section aria-labelledby="groups-heading">
          <h2 id="groups-heading">
            {formatMonth(month)} by {GROUP_LABELS[r.groupBy]?.toLowerCase() ?? r.groupBy}
          </h2>
          {r.items.length === 0 ? (
            <p>No connection was in service in this period.</p>
          ) : (
            <>
              {r.groupBy !== 'network' && <GroupsChart groups={r.items} title={`Availability by ${GROUP_LABELS[r.groupBy]?.toLowerCase()}`} />}
              <GroupTable report={r} drillTo={r.groupBy in DRILL_FILTER ? (g) => drillAddress(params, r.groupBy, g) : null} />
              {r.nextCursor && <p className="muted">The worst 50 are shown; narrow the report to see the rest.</p>}
            </>
          )}
        </section>
      )}

      {filters.connectionId && (
        <OutageHistory
          title={`Outages of connection ${filters.connectionId} in ${formatMonth(month)}`}
          query={{ connectionId: filters.connectionId, from: r?.period.from ?? '', to: r?.period.to ?? '' }}
        />
      )}

      <section aria-labelledby="missed-heading">
        <h2 id="missed-heading">Connections that missed their target</h2>
        {missed.error && <ProblemMessage error={missed.error} />}
        {missed.loaded && missed.items.length === 0 && <p>Every connection met its target in {formatMonth(month)}.</p>}
        {missed.items.length > 0 && (
          <div className="av-scroll">
            <ItemTable caption={`Connections that missed their target in ${formatMonth(month)}, worst first`} columns={missColumns(month)} items={missed.items} rowKey={(m) => m.connection.id} />
          </div>
        )}
        <ShowMore list={missed} />
      </section>
    </>
  );
}

/** The connections that missed their target in `month`, each a link to its own outages that month. */
function missColumns(month: string): Column<Miss>[] {
  return [
    {
      head: 'Connection',
      cell: (m) => (
        <>
          <Link to={`/availability?period=${month}&groupBy=connection&connectionId=${m.connection.id}`}>{m.connection.siteName}</Link>
          {m.connection.leg > 1 && <span className="muted"> (leg {m.connection.leg})</span>}
        </>
      ),
    },
    {
      head: 'Organisation',
      cell: (m) => (
        <>
          {m.organisation.name} <span className="muted">{m.organisation.odsCode}</span>
        </>
      ),
    },
    { head: 'Supplier', cell: (m) => m.supplier?.name ?? '—' },
    { head: 'Availability', cell: (m) => <span className="missed">{percent(m.figures.availability)}</span>, className: 'numeric' },
    { head: 'Target', cell: (m) => `${m.target}%`, className: 'numeric' },
    { head: 'Unplanned', cell: (m) => duration(m.figures.unplannedMs), className: 'numeric nowrap' },
    { head: 'Over by', cell: (m) => duration(m.overByMs), className: 'numeric nowrap' },
  ];
}

/** One level down: a group's connections; a connection's outages. */
function drillAddress(params: URLSearchParams, groupBy: string, g: Group): string {
  const next = new URLSearchParams(params);
  next.set(DRILL_FILTER[groupBy]!, g.key);
  next.set('groupBy', 'connection');
  return `/availability?${next.toString()}`;
}

function Headline({ report }: { report: Report }) {
  const t = report.total;
  return (
    <>
      <p className="availability-headline" role="status">
        <strong>{percent(t.availability)}</strong> available in {report.period.label.length === 7 ? formatMonth(report.period.label) : report.period.label}
        {!report.period.complete && <span className="muted"> (so far: measured to {formatDateTime(report.period.asOf)})</span>}
      </p>
      <dl className="summary-list">
        <div>
          <dt>Connections measured</dt>
          <dd>{t.connections}</dd>
        </div>
        <div>
          <dt>Met their target</dt>
          <dd>
            <span className="met">{t.met}</span> of {t.connections}
            {t.target !== null && <span className="muted"> (target {t.target}%)</span>}
          </dd>
        </div>
        <div>
          <dt>Missed their target</dt>
          <dd className={t.missed > 0 ? 'missed' : undefined}>{t.missed}</dd>
        </div>
        <div>
          <dt>Unplanned downtime</dt>
          <dd>{duration(t.unplannedMs)}</dd>
        </div>
        <div>
          <dt>Planned downtime (taken out of the period)</dt>
          <dd>{duration(t.plannedMs)}</dd>
        </div>
      </dl>
    </>
  );
}

/** A group's figures after its name: the availability marked met or missed against the target. */
const GROUP_COLUMNS: Column<Group>[] = [
  { head: 'Availability', cell: (g) => <span className={g.figures.missed > 0 ? 'missed' : 'met'}>{percent(g.figures.availability)}</span>, className: 'numeric' },
  { head: 'Target', cell: (g) => (g.figures.target !== null ? `${g.figures.target}%` : 'Mixed'), className: 'numeric' },
  { head: 'Connections', cell: (g) => g.figures.connections, className: 'numeric' },
  { head: 'Missed', cell: (g) => g.figures.missed, className: 'numeric' },
  { head: 'Unplanned', cell: (g) => duration(g.figures.unplannedMs), className: 'numeric nowrap' },
  { head: 'Planned', cell: (g) => duration(g.figures.plannedMs), className: 'numeric nowrap' },
];

function GroupTable({ report, drillTo }: { report: Report; drillTo: ((g: Group) => string) | null }) {
  const label = GROUP_LABELS[report.groupBy] ?? report.groupBy;
  const name: Column<Group> = {
    head: label,
    rowHeader: true,
    cell: (g) => (
      <>
        {drillTo ? (
          <Link to={drillTo(g)}>
            {g.name}
            <span className="visually-hidden">: {report.groupBy === 'connection' ? 'its outages' : 'its connections'}</span>
          </Link>
        ) : (
          g.name
        )}{' '}
        {report.groupBy !== 'network' && report.groupBy !== 'connection' && report.groupBy !== 'site' && <span className="muted">{g.key}</span>}
        {report.groupBy === 'connection' && (
          <>
            {' '}
            <Link to={`/connections/${g.key}`} className="muted">
              connection {g.key}
            </Link>
          </>
        )}
      </>
    ),
  };
  return (
    <div className="av-scroll">
      <ItemTable caption={`Availability by ${label.toLowerCase()}, worst first`} columns={[name, ...GROUP_COLUMNS]} items={report.items} rowKey={(g) => g.key} />
    </div>
  );
}

type FiguresRow = { key: string; label: string; figures: Figures };

const FIGURES_COLUMNS: Column<FiguresRow>[] = [
  { head: 'Month', cell: (row) => row.label, rowHeader: true },
  { head: 'Availability', cell: (row) => percent(row.figures.availability), className: 'numeric' },
  { head: 'Connections', cell: (row) => row.figures.connections, className: 'numeric' },
  { head: 'Missed target', cell: (row) => row.figures.missed, className: 'numeric' },
  { head: 'Unplanned', cell: (row) => duration(row.figures.unplannedMs), className: 'numeric nowrap' },
  { head: 'Planned', cell: (row) => duration(row.figures.plannedMs), className: 'numeric nowrap' },
];

function FiguresTable({ caption, rows }: { caption: string; rows: FiguresRow[] }) {
  return <ItemTable className="table table--compact" caption={caption} columns={FIGURES_COLUMNS} items={rows} rowKey={(row) => row.key} />;
}
