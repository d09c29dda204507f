import type { Figures } from './types.ts';

const MINUTE = 60_000;

/** A percentage to three places (99.532%), or a dash when nothing was measured. */
export function percent(value: number | null): string {
  if (value === null) return '—';
  // Never round a shortfall up to 100%: 99.9996 shows as 99.999%.
  const shown = Math.floor(value * 1000) / 1000;
  return `${shown.toFixed(3)}%`;
}

/** A duration in days, hours and minutes: "2 h 05 min", "3 d 4 h", "0 min". */
export function duration(ms: number): string {
  const minutes = Math.round(ms / MINUTE);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 48) return rest ? `${hours} h ${String(rest).padStart(2, '0')} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return `${days} d ${hours % 24} h`;
}

export const met = (f: Figures) => f.missed === 0;

export const STATE_LABELS: Record<string, string> = {
  planned: 'Planned',
  in_progress: 'In progress',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

export const GROUP_LABELS: Record<string, string> = {
  network: 'Whole network',
  connection: 'Connection',
  site: 'Site',
  organisation: 'Organisation',
  supplier: 'Supplier',
  product: 'Product',
  region: 'Region',
};

/** The report filter that drills into a group of each kind. */
export const DRILL_FILTER: Record<string, string> = {
  connection: 'connectionId',
  site: 'siteId',
  organisation: 'organisation',
  supplier: 'supplier',
  product: 'product',
  region: 'region',
};

/** The month `YYYY-MM` of a date in the browser's calendar. */
export const monthOf = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;

const monthName = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const shortMonth = new Intl.DateTimeFormat('en-GB', { month: 'short', timeZone: 'UTC' });
export const formatMonth = (month: string) => monthName.format(new Date(`${month}-01T12:00:00Z`));
export const formatShortMonth = (month: string) => shortMonth.format(new Date(`${month}-01T12:00:00Z`));
