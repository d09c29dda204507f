/** The service level shapes the page reads from the API, and their words. */

export interface Counts {
  met: number;
  breached: number;
  total: number;
  compliancePercent: number | null;
}
export interface Compliance {
  from: string;
  to: string;
  groupBy: string;
  groups: Array<Counts & { key: string; name: string }>;
  totals: Counts;
}
export interface Target {
  priority: string;
  calendar: string;
  responseMinutes: number | null;
  resolutionMinutes: number;
}
export interface Definition {
  code: string;
  name: string;
  description: string;
  kind: string;
  recordType: string;
  organisation: { odsCode: string; name: string } | null;
  team: { code: string; name: string } | null;
  supplier: { code: string; name: string } | null;
  serviceClass: { code: string; name: string } | null;
  calendar: string;
  warningFraction: number;
  targets: Target[];
  active: boolean;
  version: number;
}
export type Day = Array<{ opens: string; closes: string }>;
export type Weekday = (typeof WEEKDAYS)[number];
export type Closure = { kind: 'dates'; from: string; to: string; title: string } | { kind: 'period'; start: string; end: string; title: string };
export interface Calendar {
  name: string;
  description: string;
  timeZone: string;
  hours: '24x7' | Partial<Record<Weekday, Day>>;
  bankHolidays: string | null;
  bankHolidayCoverage: { firstDate: string; lastDate: string } | null;
  bankHolidayProblem: string | null;
  closures: Closure[];
  version: number;
}

export const KIND_LABELS: Record<string, string> = { sla: 'SLA (to the customer)', ola: 'OLA (an internal team)', underpinning: 'Underpinning (a supplier)' };
export const RECORD_LABELS: Record<string, string> = { incident: 'Incidents', service_request: 'Service requests' };
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export const dayName = (day: string) => day[0]!.toUpperCase() + day.slice(1);
/** The UK bank-holiday divisions the API knows (`UK_DIVISIONS`), as the government names them. */
export const DIVISIONS: Record<string, string> = { 'england-and-wales': 'England and Wales', scotland: 'Scotland', 'northern-ireland': 'Northern Ireland' };

/** Business minutes as people say them: "5 h", "1 h 30 min", "45 min". */
export function minutesText(minutes: number | null): string {
  if (minutes === null) return '—';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** A warning fraction as the page shows it: 0.75 is "75%". */
export const percentOfFraction = (fraction: number) => `${Math.round(fraction * 10_000) / 100}`;
