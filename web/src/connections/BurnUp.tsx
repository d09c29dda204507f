import type { Rollout } from './types.ts';
import { formatDate } from '../labels.ts';

const W = 800;
const H = 340;
const M = { top: 16, right: 24, bottom: 40, left: 48 };
const DAY = 86_400_000;
const time = (iso: string) => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);

const LINES = [
  { key: 'ordered', label: 'Ordered', colour: '#005eb8', dash: undefined },
  { key: 'installed', label: 'Installed', colour: '#6a3d9a', dash: '6 3' },
  { key: 'live', label: 'Live', colour: '#007f3b', dash: undefined },
] as const;
const TARGET = '#d5281b';
const RANGE = '#ffb81c';

/**
 * The roll-out's burn-up as inline SVG: cumulative ordered, installed and live by week, the target
 * line, and the forecast completion range shaded. The table beside it carries the same numbers.
 */
export function BurnUp({ report }: { report: Rollout }) {
  const { series, target, forecast } = report;
  if (series.length === 0) return <p>Nothing has been ordered yet, so there is no burn-up to draw.</p>;
  const start = time(series[0]!.week);
  const ends = [time(series[series.length - 1]!.week), time(report.asOf), ...[forecast.latestOn, forecast.completesOn, target?.targetOn].filter((d): d is string => !!d).map(time)];
  const end = Math.max(...ends, start + 7 * DAY);
  const top = Math.max(1, target?.targetCount ?? 0, ...series.map((p) => Math.max(p.ordered, p.target ?? 0))) * 1.08;
  const x = (t: number) => M.left + ((t - start) / (end - start)) * (W - M.left - M.right);
  const y = (n: number) => H - M.bottom - (n / top) * (H - M.top - M.bottom);
  const path = (points: Array<[number, number]>) => points.map(([t, n], i) => `${i ? 'L' : 'M'}${x(t).toFixed(1)},${y(n).toFixed(1)}`).join(' ');
  const targetPoints: Array<[number, number]> = series.filter((p) => p.target !== null).map((p) => [time(p.week), p.target!]);
  if (target) targetPoints.push([time(target.targetOn), target.targetCount]);
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round((top / 1.08) * f)).filter((n, i, all) => all.indexOf(n) === i);
  const weeks = Math.round((end - start) / (7 * DAY));
  const step = Math.max(1, Math.ceil(weeks / 6));
  const xTicks: number[] = [];
  for (let t = start; t <= end; t += 7 * DAY * step) xTicks.push(t);
  const label = `Burn-up chart: ${report.totals.ordered} ordered, ${report.totals.installed} installed and ${report.totals.live} live${target ? ` against a target of ${target.targetCount} by ${formatDate(target.targetOn)}` : ''}. ${forecast.summary}`;

  return (
    <figure className="burnup">
      <ul className="burnup-key" aria-label="Key to the burn-up chart">
        {LINES.map((l) => (
          <li key={l.key}>
            <svg width="28" height="10" aria-hidden="true" focusable="false">
              <line x1="0" y1="5" x2="28" y2="5" stroke={l.colour} strokeWidth="3" strokeDasharray={l.dash} />
            </svg>
            {l.label}
          </li>
        ))}
        {targetPoints.length > 0 && (
          <li>
            <svg width="28" height="10" aria-hidden="true" focusable="false">
              <line x1="0" y1="5" x2="28" y2="5" stroke={TARGET} strokeWidth="2" strokeDasharray="2 3" />
            </svg>
            Target
          </li>
        )}
        {forecast.earliestOn && (
          <li>
            <span style={{ display: 'inline-block', width: 16, height: 10, background: RANGE, opacity: 0.5 }} aria-hidden="true" /> Forecast completion range{forecast.latestOn ? '' : ' (no end at the slow side)'}
          </li>
        )}
      </ul>
      <svg className="burnup__svg" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
        {forecast.earliestOn && (
          <rect x={x(time(forecast.earliestOn))} y={M.top} width={Math.max(2, (forecast.latestOn ? x(time(forecast.latestOn)) : W - M.right) - x(time(forecast.earliestOn)))} height={H - M.top - M.bottom} fill={RANGE} opacity="0.35" />
        )}
        {yTicks.map((n) => (
          <g key={n}>
            <line x1={M.left} x2={W - M.right} y1={y(n)} y2={y(n)} stroke="#d8dde0" />
            <text x={M.left - 6} y={y(n) + 4} textAnchor="end" fontSize="12" fill="#4c6272">
              {n}
            </text>
          </g>
        ))}
        {xTicks.map((t) => (
          <text key={t} x={x(t)} y={H - M.bottom + 18} textAnchor="middle" fontSize="12" fill="#4c6272">
            {formatDate(new Date(t).toISOString())}
          </text>
        ))}
        <line x1={M.left} x2={W - M.right} y1={y(0)} y2={y(0)} stroke="#4c6272" />
        <line x1={x(time(report.asOf))} x2={x(time(report.asOf))} y1={M.top} y2={H - M.bottom} stroke="#4c6272" strokeDasharray="1 3" />
        {targetPoints.length > 1 && <path d={path(targetPoints)} fill="none" stroke={TARGET} strokeWidth="2" strokeDasharray="2 3" />}
        {LINES.map((l) => (
          <path key={l.key} d={path(series.map((p) => [time(p.week), p[l.key]]))} fill="none" stroke={l.colour} strokeWidth="3" strokeDasharray={l.dash} />
        ))}
      </svg>
      <figcaption>Cumulative connections by week; the dotted upright line is today ({formatDate(report.asOf)}).</figcaption>
    </figure>
  );
}
