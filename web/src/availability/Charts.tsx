import type { Figures, Group, Months } from './types.ts';
import { formatMonth, formatShortMonth, percent } from './format.ts';

const GOOD = '#007f3b';
const BAD = '#d5281b';
const NEUTRAL = '#005eb8';
const TARGET = '#212b32';
const GRID = '#d8dde0';
const TEXT = '#4c6272';

/** The lowest percentage the axis shows: a little below the lowest value or target, in half-percent steps. */
function axisFloor(values: Array<number | null>): number {
  const known = values.filter((v): v is number => v !== null);
  const low = Math.min(100, ...known);
  return Math.max(0, Math.floor((low - 0.25) * 2) / 2);
}

/** Green when every connection met its own target, red when any missed; a blue bar has nothing measured. */
const colourOf = (f: Figures) => (f.availability === null ? NEUTRAL : f.missed === 0 ? GOOD : BAD);

/**
 * Availability month by month as inline SVG bars, with the target as a dashed line when the
 * connections share one. Each bar is labelled with its value; the table beside it carries the
 * same numbers for anyone who would rather read.
 */
export function MonthsChart({ months }: { months: Months['months'] }) {
  const W = 800;
  const H = 300;
  const M = { top: 24, right: 16, bottom: 36, left: 56 };
  if (months.length === 0) return null;
  const targets = [...new Set(months.map((m) => m.total.target).filter((t): t is number => t !== null))];
  const target = targets.length === 1 ? targets[0]! : null;
  const floor = axisFloor([...months.map((m) => m.total.availability), target]);
  const y = (v: number) => M.top + ((100 - v) / (100 - floor || 1)) * (H - M.top - M.bottom);
  const slot = (W - M.left - M.right) / months.length;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => floor + (100 - floor) * f);
  const measured = months.filter((m) => m.total.availability !== null);
  const label = `Availability by month, ${formatMonth(months[0]!.month)} to ${formatMonth(months[months.length - 1]!.month)}: ${measured.map((m) => `${formatShortMonth(m.month)} ${percent(m.total.availability)}`).join(', ')}${target !== null ? `; target ${target}%` : ''}.`;
  return (
    <figure className="availability-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} className="availability-chart__svg">
        {ticks.map((t) => (
          <g key={t}>
            <line x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} stroke={GRID} />
            <text x={M.left - 6} y={y(t) + 4} textAnchor="end" fontSize="12" fill={TEXT}>
              {t.toFixed(t % 1 ? 2 : 0)}%
            </text>
          </g>
        ))}
        {months.map((m, i) => {
          const v = m.total.availability;
          const x = M.left + i * slot + slot * 0.15;
          const width = slot * 0.7;
          return (
            <g key={m.month}>
              {v !== null && <rect x={x} y={y(v)} width={width} height={Math.max(1, y(floor) - y(v))} fill={colourOf(m.total)} />}
              {v !== null && (
                <text x={x + width / 2} y={y(v) - 5} textAnchor="middle" fontSize="11" fill={TEXT}>
                  {v.toFixed(2)}
                </text>
              )}
              <text x={x + width / 2} y={H - M.bottom + 16} textAnchor="middle" fontSize="12" fill={TEXT}>
                {formatShortMonth(m.month)}
              </text>
              {(i === 0 || m.month.endsWith('-01')) && (
                <text x={x + width / 2} y={H - M.bottom + 30} textAnchor="middle" fontSize="11" fill={TEXT}>
                  {m.month.slice(0, 4)}
                </text>
              )}
            </g>
          );
        })}
        {target !== null && target >= floor && <line x1={M.left} x2={W - M.right} y1={y(target)} y2={y(target)} stroke={TARGET} strokeWidth="2" strokeDasharray="6 4" />}
        <line x1={M.left} x2={W - M.right} y1={y(floor)} y2={y(floor)} stroke={TEXT} />
      </svg>
      <figcaption>
        Availability each month (the axis starts at {floor}%){target !== null ? `; the dashed line is the target, ${target}%` : targets.length > 1 ? '; the connections have different targets, so no single target line is drawn' : ''}. Green: every connection met its own target; red: at least one missed.
      </figcaption>
    </figure>
  );
}

/** The groups on this page as horizontal bars, each with a mark at its own target. */
export function GroupsChart({ groups, title }: { groups: Group[]; title: string }) {
  const shown = groups.filter((g) => g.figures.availability !== null).slice(0, 30);
  if (shown.length === 0) return null;
  const W = 800;
  const ROW = 22;
  const M = { top: 8, right: 72, bottom: 24, left: 220 };
  const H = M.top + M.bottom + shown.length * ROW;
  const floor = axisFloor([...shown.map((g) => g.figures.availability), ...shown.map((g) => g.figures.target)]);
  const x = (v: number) => M.left + ((v - floor) / (100 - floor || 1)) * (W - M.left - M.right);
  const label = `${title}: ${shown.map((g) => `${g.name} ${percent(g.figures.availability)}`).join(', ')}.`;
  return (
    <figure className="availability-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} className="availability-chart__svg">
        {[0, 0.5, 1].map((f) => {
          const v = floor + (100 - floor) * f;
          return (
            <g key={f}>
              <line x1={x(v)} x2={x(v)} y1={M.top} y2={H - M.bottom} stroke={GRID} />
              <text x={x(v)} y={H - 6} textAnchor="middle" fontSize="11" fill={TEXT}>
                {v.toFixed(v % 1 ? 2 : 0)}%
              </text>
            </g>
          );
        })}
        {shown.map((g, i) => {
          const v = g.figures.availability!;
          const top = M.top + i * ROW;
          const name = g.name.length > 32 ? `${g.name.slice(0, 31)}…` : g.name;
          return (
            <g key={g.key}>
              <text x={M.left - 6} y={top + ROW / 2 + 4} textAnchor="end" fontSize="12" fill={TEXT}>
                {name}
              </text>
              <rect x={M.left} y={top + 3} width={Math.max(1, x(v) - M.left)} height={ROW - 6} fill={colourOf(g.figures)} />
              {g.figures.target !== null && g.figures.target >= floor && <line x1={x(g.figures.target)} x2={x(g.figures.target)} y1={top + 1} y2={top + ROW - 1} stroke={TARGET} strokeWidth="2" />}
              <text x={x(v) + 4} y={top + ROW / 2 + 4} fontSize="11" fill={TEXT}>
                {v.toFixed(3)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>Each bar is a group&rsquo;s availability; the upright mark is its target, where its connections share one. Green: every connection met its own target; red: at least one missed.</figcaption>
    </figure>
  );
}
