import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
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
      <p className="caption">ISO/IEC 20000-1:2018 clause 8.7.1 · Service availability management</p>
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
            <table className="table">
              <caption className="visually-hidden">Connections that missed their target in {formatMonth(month)}, worst first</caption>
              <thead>
                <tr>
                  <th scope="col">Connection</th>
                  <th scope="col">Organisation</th>
                  <th scope="col">Supplier</th>
                  <th scope="col" className="numeric">
                    Availability
                  </th>
                  <th scope="col" className="numeric">
                    Target
                  </th>
                  <th scope="col" className="numeric">
                    Unplanned
                  </th>
                  <th scope="col" className="numeric">
                    Over by
                  </th>
                </tr>
              </thead>
              <tbody>
                {missed.items.map((m) => (
                  <tr key={m.connection.id}>
                    <td>
                      <Link to={`/availability?period=${month}&groupBy=connection&connectionId=${m.connection.id}`}>{m.connection.siteName}</Link>
                      {m.connection.leg > 1 && <span className="muted"> (leg {m.connection.leg})</span>}
                    </td>
                    <td>
                      {m.organisation.name} <span className="muted">{m.organisation.odsCode}</span>
                    </td>
                    <td>{m.supplier?.name ?? '—'}</td>
                    <td className="numeric missed">{percent(m.figures.availability)}</td>
                    <td className="numeric">{m.target}%</td>
                    <td className="numeric nowrap">{duration(m.figures.unplannedMs)}</td>
                    <td className="numeric nowrap">{duration(m.overByMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <ShowMore list={missed} />
      </section>
    </>
  );
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

function GroupTable({ report, drillTo }: { report: Report; drillTo: ((g: Group) => string) | null }) {
  const label = GROUP_LABELS[report.groupBy] ?? report.groupBy;
  return (
    <div className="av-scroll">
      <table className="table">
        <caption className="visually-hidden">Availability by {label.toLowerCase()}, worst first</caption>
        <thead>
          <tr>
            <th scope="col">{label}</th>
            <th scope="col" className="numeric">
              Availability
            </th>
            <th scope="col" className="numeric">
              Target
            </th>
            <th scope="col" className="numeric">
              Connections
            </th>
            <th scope="col" className="numeric">
              Missed
            </th>
            <th scope="col" className="numeric">
              Unplanned
            </th>
            <th scope="col" className="numeric">
              Planned
            </th>
          </tr>
        </thead>
        <tbody>
          {report.items.map((g) => (
            <tr key={g.key}>
              <th scope="row">
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
              </th>
              <td className={`numeric ${g.figures.missed > 0 ? 'missed' : 'met'}`}>{percent(g.figures.availability)}</td>
              <td className="numeric">{g.figures.target !== null ? `${g.figures.target}%` : 'Mixed'}</td>
              <td className="numeric">{g.figures.connections}</td>
              <td className="numeric">{g.figures.missed}</td>
              <td className="numeric nowrap">{duration(g.figures.unplannedMs)}</td>
              <td className="numeric nowrap">{duration(g.figures.plannedMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function FiguresTable({ caption, rows }: { caption: string; rows: Array<{ key: string; label: string; figures: Figures }> }) {
  return (
    <table className="table table--compact">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Month</th>
          <th scope="col" className="numeric">
            Availability
          </th>
          <th scope="col" className="numeric">
            Connections
          </th>
          <th scope="col" className="numeric">
            Missed target
          </th>
          <th scope="col" className="numeric">
            Unplanned
          </th>
          <th scope="col" className="numeric">
            Planned
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            <th scope="row">{row.label}</th>
            <td className="numeric">{percent(row.figures.availability)}</td>
            <td className="numeric">{row.figures.connections}</td>
            <td className="numeric">{row.figures.missed}</td>
            <td className="numeric nowrap">{duration(row.figures.unplannedMs)}</td>
            <td className="numeric nowrap">{duration(row.figures.plannedMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
