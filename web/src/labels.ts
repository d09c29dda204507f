import { ROLE_LABELS, isRole } from '../../src/core/access/roles.ts';

// Role labels come from the server's own role table (a pure module with no I/O), so a new role
// is named the same everywhere.

export const roleLabel = (role: string) => (isRole(role) ? ROLE_LABELS[role] : role.replace(/_/g, ' '));

export const ORGANISATION_KIND_LABELS: Record<string, string> = {
  network_provider: 'Network provider',
  region: 'Region',
  commissioner: 'Commissioner',
  trust: 'Trust',
  gp_practice: 'GP practice',
  out_of_hours: 'Out-of-hours service',
  walk_in_centre: 'Walk-in centre',
  pharmacy: 'Pharmacy',
  other_prescribing: 'Other prescribing setting',
  other: 'Other',
};

export const ORGANISATION_STATE_LABELS: Record<string, string> = {
  active: 'Active',
  retired: 'Retired',
  closed: 'Closed',
  dormant: 'Dormant',
  proposed: 'Proposed',
};

export const kindLabel = (kind: string) => ORGANISATION_KIND_LABELS[kind] ?? kind;
export const stateLabel = (state: string) => ORGANISATION_STATE_LABELS[state] ?? state;

/** Field names as the journal records them, in words. */
const FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  kind: 'Kind',
  state: 'State',
  parent: 'Parent',
  parentOdsCode: 'Parent',
  region: 'Region',
  postcode: 'Postcode',
  openedOn: 'Opened on',
  closedOn: 'Closed on',
  odsCode: 'ODS code',
  email: 'E-mail',
  siteId: 'Site',
  supplierId: 'Supplier',
  pop: 'Point of presence',
  externalRef: 'External reference',
  targetProduct: 'Upgrade to',
  fromProduct: 'Upgrade from',
  targetSite: 'Move to',
  fromSite: 'Move from',
};

/** Abbreviations a reader knows in capitals: an SLA, never an "Sla". */
const ACRONYMS: Record<string, string> = { sla: 'SLA', ola: 'OLA', ods: 'ODS', ci: 'CI', cis: 'CIs', ip: 'IP' };

/**
 * A code as words, the one way every page says a journal action or field it has no label for:
 * sla_breached → SLA breached, closesAt → Closes at, "SLA resolution target breached" as it is.
 */
export function inWords(code: string): string {
  const words = code.replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(' ');
  return words.map((w) => ACRONYMS[w] ?? w).join(' ').replace(/^./, (c) => c.toUpperCase());
}

export const fieldLabel = (field: string) => FIELD_LABELS[field] ?? inWords(field);

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });

export const formatDateTime = (iso: string) => dateTime.format(new Date(iso));
const weekdayTime = new Intl.DateTimeFormat('en-GB', { weekday: 'short', hour: '2-digit', minute: '2-digit' });
const dayMonthTime = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

/**
 * An instant in a table row, short enough for a narrow column: "Tue 17:45" within six days of
 * `now` either way, "12 Mar, 17:45" further off, the full date in another year. The full form is
 * `formatDateTime`, for a title or a record page.
 */
export function formatShortDateTime(iso: string, now: number = Date.now()): string {
  const at = new Date(iso);
  if (Math.abs(at.getTime() - now) < 6 * 86_400_000) return weekdayTime.format(at);
  return at.getFullYear() === new Date(now).getFullYear() ? dayMonthTime.format(at) : formatDateTime(iso);
}
export const formatDate = (iso: string | null) => (iso ? dateOnly.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`)) : '—');

/** Nothing worth a word: null, an empty string, an empty list or an object of nothing but those. */
function isBlank(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.every(isBlank);
  if (typeof value === 'object') return Object.values(value as object).every(isBlank);
  return false;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fields a reference to another record carries: what names it, and figures that only describe it. */
const REFERENCE_KEYS = new Set(['id', 'code', 'odsCode', 'number', 'name', 'title', 'bandwidthDownKbps', 'bandwidthUpKbps']);

/**
 * A reference to another record, as its name and code: "FTTC 80/20 (FTTC-80)", "The Densham
 * Surgery (A81001)", a site's name alone, a product's code when that is all there is.
 */
function referenceText(value: Record<string, unknown>): string | null {
  if (!Object.keys(value).every((k) => REFERENCE_KEYS.has(k))) return null;
  const label = [value.name, value.title].find((v) => typeof v === 'string' && v !== '') as string | undefined;
  const code = [value.code, value.odsCode, value.number].find((v) => typeof v === 'string' && v !== '') as string | undefined;
  if (label && code) return `${label} (${code})`;
  return label ?? code ?? null;
}

/** An object's fields as "Name: Tom Reid; To: the portal", its name first, empty fields left out. */
function fieldsText(value: Record<string, unknown>, separator: string): string {
  const entries = Object.entries(value).filter(([, v]) => !isBlank(v));
  entries.sort(([a], [b]) => Number(b === 'name') - Number(a === 'name'));
  return entries
    .map(([key, v]) => (isRecord(v) && referenceText(v) === null ? `${fieldLabel(key)} — ${fieldsText(v, ', ')}` : `${fieldLabel(key)}: ${formatValue(v)}`))
    .join(separator);
}

/**
 * A journal value as words, never as JSON: nothing shows as an em dash, a list as its items
 * ("THE HEALTH CENTRE, LAWSON STREET", the case as stored), a reference as its name and code, and
 * any other object as its fields in words ("Access — Name: Tom Reid, To: the practice's portal").
 */
export function formatValue(value: unknown): string {
  if (isBlank(value)) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    const items = value.filter((v) => !isBlank(v));
    return items.map(formatValue).join(items.some(isRecord) ? '; ' : ', ');
  }
  if (isRecord(value)) return referenceText(value) ?? fieldsText(value, '; ');
  return String(value);
}

/**
 * A length of business time: hours and minutes, never days, because a business day is not 24
 * hours (a 24-hour target on office hours takes more than two working days).
 */
export function formatBusinessTime(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes === 0) return Math.abs(ms) > 0 ? 'under a minute' : '0 min';
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest ? `${hours} h ${rest} min` : `${hours} h`;
}
