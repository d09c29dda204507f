import { DateTime } from 'luxon';

/**
 * Availability of a connection over a period, as ISO/IEC 20000-1 8.7.1 asks it to be measured:
 *
 *   availability = 1 − unplanned downtime ÷ (period − planned downtime)
 *
 * - The **period** is the part of the reporting period in which the connection was in service
 *   (live, not yet ceased) and which has already happened.
 * - **Downtime** is the union of the connection's outages: an outage from an alert and one from
 *   an incident over the same loss of service count once.
 * - **Planned** downtime is the downtime that falls inside a maintenance window covering the
 *   connection; the rest is unplanned. An outage recorded as unplanned but lying inside a window
 *   counts as planned there, and an outage that overruns its window is unplanned beyond it.
 * - Planned downtime is taken out of the period, not counted as up.
 *
 * Time is epoch milliseconds, intervals are half-open `[start, end)`, and months are calendar
 * months in Europe/London (so March is an hour short and October an hour long). This module is
 * the reference the SQL report is property-tested against (test/api/availability-report.test.ts).
 */

export const AVAILABILITY_ZONE = 'Europe/London';

export interface Interval {
  start: number;
  end: number;
}

/** An outage or window as recorded: an open outage has no end yet. */
export interface Recorded {
  start: number;
  end: number | null;
}

const lengthOf = (i: Interval) => i.end - i.start;

/** Sorted, disjoint, non-empty intervals covering the same instants; touching intervals merge. */
export function union(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Interval[] = [];
  for (const i of sorted) {
    const last = merged[merged.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else merged.push({ start: i.start, end: i.end });
  }
  return merged;
}

/** Each interval cut to `within`; those left empty are dropped. */
export function clip(intervals: readonly Interval[], within: Interval): Interval[] {
  return intervals
    .map((i) => ({ start: Math.max(i.start, within.start), end: Math.min(i.end, within.end) }))
    .filter((i) => i.end > i.start);
}

/** The instants in both sets, as a union. */
export function intersection(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const x = union(a);
  const y = union(b);
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const start = Math.max(x[i]!.start, y[j]!.start);
    const end = Math.min(x[i]!.end, y[j]!.end);
    if (end > start) out.push({ start, end });
    if (x[i]!.end < y[j]!.end) i++;
    else j++;
  }
  return out;
}

/** How long the union of the intervals lasts. */
export function total(intervals: readonly Interval[]): number {
  return union(intervals).reduce((sum, i) => sum + lengthOf(i), 0);
}

export interface Figures {
  /** The measured part of the period: in service, and already past. */
  periodMs: number;
  /** Time with the connection down (outages unioned). */
  downMs: number;
  /** Downtime inside a maintenance window covering the connection. */
  plannedMs: number;
  /** Downtime outside any window. */
  unplannedMs: number;
  /** periodMs − plannedMs: the time the connection was meant to be up. */
  measuredMs: number;
  /** 1 − unplannedMs ÷ measuredMs, or null when nothing was measured. */
  availability: number | null;
}

export interface ConnectionHistory {
  /** When the connection was in service: live from `start`, ceased at `end` (null while in service). */
  service: Recorded;
  outages: readonly Recorded[];
  /** Maintenance windows covering the connection (cancelled ones left out by the caller). */
  windows: readonly Interval[];
}

const closed = (r: Recorded, asOf: number): Interval => ({ start: r.start, end: Math.min(r.end ?? asOf, asOf) });

/**
 * A connection's figures over `period`, as known at `asOf`: open outages run until `asOf`, and
 * the part of the period after `asOf` is not measured yet.
 */
export function connectionFigures(history: ConnectionHistory, period: Interval, asOf: number): Figures {
  const service = closed(history.service, asOf);
  const span = { start: Math.max(period.start, service.start), end: Math.min(period.end, service.end, asOf) };
  if (span.end <= span.start) return figuresOf(0, 0, 0);
  const down = union(clip(history.outages.map((o) => closed(o, asOf)), span));
  const planned = total(intersection(down, clip(history.windows, span)));
  return figuresOf(lengthOf(span), total(down), planned);
}

function figuresOf(periodMs: number, downMs: number, plannedMs: number): Figures {
  const measuredMs = periodMs - plannedMs;
  const unplannedMs = downMs - plannedMs;
  return { periodMs, downMs, plannedMs, unplannedMs, measuredMs, availability: measuredMs > 0 ? 1 - unplannedMs / measuredMs : null };
}

/** Figures of a group (a site, an organisation, the network): the sums, and availability from them. */
export function combine(figures: readonly Figures[]): Figures {
  const sum = (key: 'periodMs' | 'downMs' | 'plannedMs') => figures.reduce((s, f) => s + f[key], 0);
  return figuresOf(sum('periodMs'), sum('downMs'), sum('plannedMs'));
}

/**
 * Whether the figures meet a target given in percent with up to three decimals (99.5, 99.0,
 * 99.95), decided in whole numbers so that a connection exactly on target meets it:
 * unplanned × 100,000 ≤ (100,000 − target × 1,000) × measured. Nothing measured misses nothing.
 */
export function meetsTarget(figures: Pick<Figures, 'unplannedMs' | 'measuredMs'>, targetPercent: number): boolean {
  if (figures.measuredMs <= 0) return true;
  const allowedPerHundredThousand = 100_000 - Math.round(targetPercent * 1000);
  return figures.unplannedMs * 100_000 <= allowedPerHundredThousand * figures.measuredMs;
}

/** The unplanned downtime a target allows over the measured time, in milliseconds. */
export function allowedDowntime(measuredMs: number, targetPercent: number): number {
  return Math.max(0, Math.floor(((100_000 - Math.round(targetPercent * 1000)) * measuredMs) / 100_000));
}

// ---------------------------------------------------------------------------------------------
// Periods in Europe/London.

export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const local = (iso: string) => DateTime.fromISO(iso, { zone: AVAILABILITY_ZONE });

/** A calendar month `YYYY-MM`, from its first local midnight to the next month's. */
export function monthPeriod(month: string): Interval {
  if (!MONTH_PATTERN.test(month)) throw new RangeError(`not a month: ${month}`);
  const start = local(`${month}-01T00:00:00`);
  return { start: start.toMillis(), end: start.plus({ months: 1 }).toMillis() };
}

/** Local dates `from` to `to`, both included: from the first's midnight to the midnight after the second. */
export function datePeriod(from: string, to: string): Interval {
  const start = local(`${from}T00:00:00`);
  const end = local(`${to}T00:00:00`).plus({ days: 1 });
  if (!start.isValid || !end.isValid) throw new RangeError(`not dates: ${from}, ${to}`);
  return { start: start.toMillis(), end: end.toMillis() };
}

/** The local midnight starting a date, e.g. the day a connection went live. */
export function startOfDate(date: string): number {
  return local(`${date}T00:00:00`).toMillis();
}

/** The month `YYYY-MM` an instant falls in, in Europe/London. */
export function monthOf(instant: number): string {
  return DateTime.fromMillis(instant, { zone: AVAILABILITY_ZONE }).toFormat('yyyy-MM');
}

/** The month after (or, with a negative step, before) `month`. */
export function addMonths(month: string, step: number): string {
  return local(`${month}-01T00:00:00`).plus({ months: step }).toFormat('yyyy-MM');
}

/** The months from `from` to `to`, both included, in order. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) months.push(m);
  return months;
}

/** An interval cut exactly at the London month boundaries it crosses, each piece with its month. */
export function splitByMonth(interval: Interval): Array<{ month: string } & Interval> {
  const pieces: Array<{ month: string } & Interval> = [];
  let start = interval.start;
  while (start < interval.end) {
    const month = monthOf(start);
    const end = Math.min(monthPeriod(month).end, interval.end);
    pieces.push({ month, start, end });
    start = end;
  }
  return pieces;
}
