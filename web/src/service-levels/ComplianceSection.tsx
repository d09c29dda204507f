import { useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Field } from '../components/Field.tsx';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { useResource } from '../hooks.ts';
import { formatDate } from '../labels.ts';
import type { Compliance } from './types.ts';

const MET = '#007f3b';
const BREACHED = '#d5281b';
const TEXT = '#4c6272';
const GRID = '#d8dde0';

/** What the headline counts, in the words it says it with; the first of each is the default. */
const KINDS = { sla: 'SLA', ola: 'OLA', underpinning: 'underpinning', all: 'SLA, OLA and underpinning' } as const;
const KIND_OPTIONS: Record<keyof typeof KINDS, string> = { sla: 'SLA (to the customer)', ola: 'OLA (internal teams)', underpinning: 'Underpinning (suppliers)', all: 'All of them' };
const METRICS = { all: '', response: 'response ', resolution: 'resolution ' } as const;
const METRIC_OPTIONS: Record<keyof typeof METRICS, string> = { all: 'Response and resolution', response: 'Response', resolution: 'Resolution (fulfilment)' };
const RECORDS = { all: 'incidents and service requests', incident: 'incidents', service_request: 'service requests' } as const;
const RECORD_OPTIONS: Record<keyof typeof RECORDS, string> = { all: 'Incidents and service requests', incident: 'Incidents', service_request: 'Service requests' };

const choice = <T extends Record<string, unknown>>(options: T, value: string | null): keyof T & string => (value !== null && value in options ? value : Object.keys(options)[0]!);
const percentText = (p: number | null) => (p === null ? '—' : `${p.toFixed(p % 1 ? 2 : 0)}%`);

/** yyyy-mm-dd of a local date. */
const dayOf = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
/** The text when it is a real yyyy-mm-dd date (not 2026-13-45), else null. */
function realDay(text: string | null): string | null {
  if (text === null || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  const date = new Date(y, m - 1, d);
  return date.getFullYear() === y && date.getMonth() === m - 1 && date.getDate() === d ? text : null;
}
/** The instant a local date starts, as ISO. */
function startOf(day: string, plusDays = 0): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plusDays).toISOString();
}
const ORDER = 'The start must be before the end';

/**
 * Targets met and breached in a period of whole local dates, by priority or by definition: by
 * default the customer-facing (SLA) ones, response and resolution, on incidents and service
 * requests, and the headline says which. The period and the filters live in the address; a date
 * there that is not one is left out, and said so.
 */
export function ComplianceSection() {
  const [params, setParams] = useSearchParams();
  const today = dayOf(new Date());
  const monthAgo = dayOf(new Date(Date.now() - 29 * 86_400_000));
  const given = { from: params.get('from'), to: params.get('to') };
  const from = realDay(given.from) ?? monthAgo;
  const to = realDay(given.to) ?? today;
  const ignored = (['from', 'to'] as const).filter((k) => given[k] !== null && given[k] !== '' && realDay(given[k]) === null);
  const filters = {
    groupBy: choice({ priority: 1, definition: 1 }, params.get('groupBy')),
    kind: choice(KINDS, params.get('kind')),
    metric: choice(METRICS, params.get('metric')),
    recordType: choice(RECORDS, params.get('recordType')),
  };
  const inOrder = from <= to;
  const [draft, setDraft] = useState({ from, to, ...filters });
  const [checked, setChecked] = useState<{ from?: string; to?: string } | null>(null);
  const address = params.toString();
  useEffect(() => {
    setDraft({ from, to, ...filters });
    setChecked(null);
  }, [address]); // eslint-disable-line react-hooks/exhaustive-deps

  const query = { from: startOf(from), to: startOf(to, 1), groupBy: filters.groupBy, kind: filters.kind === 'all' ? undefined : filters.kind, metric: filters.metric === 'all' ? undefined : filters.metric, recordType: filters.recordType === 'all' ? undefined : filters.recordType };
  const compliance = useResource<Compliance>(inOrder ? '/sla-compliance' : null, query);

  function submit(event: FormEvent) {
    event.preventDefault();
    const problems: { from?: string; to?: string } = {};
    if (!realDay(draft.from)) problems.from = 'Enter the first date of the period';
    if (!realDay(draft.to)) problems.to = 'Enter the last date of the period';
    if (!problems.from && !problems.to && draft.from > draft.to) problems.from = ORDER;
    setChecked(problems);
    if (problems.from || problems.to) return;
    setParams(new URLSearchParams({ from: draft.from, to: draft.to, groupBy: draft.groupBy, kind: draft.kind, metric: draft.metric, recordType: draft.recordType }));
  }

  const errors = checked ?? (inOrder ? {} : { from: ORDER });
  const what = `${KINDS[filters.kind]} ${METRICS[filters.metric]}targets on ${RECORDS[filters.recordType]}`;
  const c = compliance.data;
  const period = `${formatDate(from)} to ${formatDate(to)}`;
  return (
    <section aria-labelledby="compliance-heading">
      <h2 id="compliance-heading">Compliance</h2>
      {ignored.length > 0 && (
        <p className="notice" role="note">
          {ignored.map((k) => `“${given[k]}”`).join(' and ')} in the address {ignored.length === 1 ? 'is not a date' : 'are not dates'}, so the period {ignored.length === 2 ? 'is the last 30 days' : ignored[0] === 'from' ? 'starts on the default, 30 days before its end' : 'ends on the default, today'}.
        </p>
      )}
      <form className="filters" aria-label="Compliance period and grouping" onSubmit={submit} noValidate>
        <Field id="sl-from" label="From" error={errors.from}>
          {(props) => <input {...props} type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} required />}
        </Field>
        <Field id="sl-to" label="To (inclusive)" error={errors.to}>
          {(props) => <input {...props} type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} required />}
        </Field>
        <Field id="sl-kind" label="Targets">
          {(props) => <Options {...props} options={KIND_OPTIONS} value={draft.kind} onChange={(kind) => setDraft({ ...draft, kind })} />}
        </Field>
        <Field id="sl-metric" label="Measure">
          {(props) => <Options {...props} options={METRIC_OPTIONS} value={draft.metric} onChange={(metric) => setDraft({ ...draft, metric })} />}
        </Field>
        <Field id="sl-records" label="Records">
          {(props) => <Options {...props} options={RECORD_OPTIONS} value={draft.recordType} onChange={(recordType) => setDraft({ ...draft, recordType })} />}
        </Field>
        <Field id="sl-group" label="Group by">
          {(props) => <Options {...props} options={{ priority: 'Priority', definition: 'Definition' }} value={draft.groupBy} onChange={(groupBy) => setDraft({ ...draft, groupBy })} />}
        </Field>
        <div className="filters__actions">
          <button type="submit" className="button">
            Show
          </button>
        </div>
      </form>
      {compliance.error && <ProblemMessage error={compliance.error} />}
      {inOrder && !c && !compliance.error && <p role="status">Counting targets met and breached…</p>}
      {inOrder && c && (
        <>
          <p className="availability-headline" role="status">
            {c.totals.total === 0 ? (
              <>
                No {what.replace('targets', 'target')} was met or breached from {period}.
              </>
            ) : (
              <>
                <strong>{percentText(c.totals.compliancePercent)}</strong> of {what} met from {period}: {c.totals.met} met, {c.totals.breached} breached
              </>
            )}
          </p>
          {c.groups.length > 0 && <ComplianceFigures compliance={c} title={`Targets met and breached by ${c.groupBy}: ${what}, ${period}`} />}
        </>
      )}
    </section>
  );
}

function Options<K extends string>({ options, value, onChange, ...props }: { options: Record<K, string>; value: K; onChange: (value: K) => void; id: string }) {
  return (
    <select {...props} value={value} onChange={(e) => onChange(e.target.value as K)}>
      {(Object.entries(options) as Array<[K, string]>).map(([key, label]) => (
        <option key={key} value={key}>
          {label}
        </option>
      ))}
    </select>
  );
}

function ComplianceFigures({ compliance: c, title }: { compliance: Compliance; title: string }) {
  return (
    <>
      <ComplianceChart compliance={c} title={title} />
      <div className="av-scroll">
        <table className="table">
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{c.groupBy === 'definition' ? 'Definition' : 'Priority'}</th>
              <th scope="col" className="numeric">
                Met
              </th>
              <th scope="col" className="numeric">
                Breached
              </th>
              <th scope="col" className="numeric">
                Decided
              </th>
              <th scope="col" className="numeric">
                Met (%)
              </th>
            </tr>
          </thead>
          <tbody>
            {c.groups.map((g) => (
              <tr key={g.key}>
                <th scope="row">
                  {g.name}
                  {g.name !== g.key && <span className="muted"> {g.key}</span>}
                </th>
                <td className="numeric">{g.met}</td>
                <td className="numeric">{g.breached}</td>
                <td className="numeric">{g.total}</td>
                <td className="numeric">{percentText(g.compliancePercent)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Met and breached per group as stacked horizontal bars; the table below carries the same numbers. */
function ComplianceChart({ compliance, title }: { compliance: Compliance; title: string }) {
  const groups = compliance.groups.slice(0, 30);
  const W = 800;
  const ROW = 26;
  const M = { top: 8, right: 150, bottom: 28, left: 200 };
  const H = M.top + M.bottom + groups.length * ROW;
  const max = Math.max(1, ...groups.map((g) => g.total));
  const x = (v: number) => M.left + (v / max) * (W - M.left - M.right);
  const label = `${title}: ${groups.map((g) => `${g.name} ${g.met} met, ${g.breached} breached`).join('; ')}.`;
  return (
    <figure className="availability-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} className="availability-chart__svg">
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={x(max * f)} x2={x(max * f)} y1={M.top} y2={H - M.bottom} stroke={GRID} />
            <text x={x(max * f)} y={H - 8} textAnchor="middle" fontSize="11" fill={TEXT}>
              {Number.isInteger(max * f) ? max * f : ''}
            </text>
          </g>
        ))}
        {groups.map((g, i) => {
          const top = M.top + i * ROW;
          const name = g.name.length > 28 ? `${g.name.slice(0, 27)}…` : g.name;
          return (
            <g key={g.key}>
              <text x={M.left - 6} y={top + ROW / 2 + 4} textAnchor="end" fontSize="12" fill={TEXT}>
                {name}
              </text>
              {g.met > 0 && <rect x={M.left} y={top + 4} width={x(g.met) - M.left} height={ROW - 8} fill={MET} />}
              {g.breached > 0 && <rect x={x(g.met)} y={top + 4} width={x(g.total) - x(g.met)} height={ROW - 8} fill={BREACHED} />}
              <text x={x(g.total) + 6} y={top + ROW / 2 + 4} fontSize="11" fill={TEXT}>
                {g.met} met, {g.breached} breached
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>Green: targets met; red: targets breached. The table below has the same numbers.</figcaption>
    </figure>
  );
}
