/** Words for the codes the network inventory and the CMDB use. */

const words = (labels: Record<string, string>) => (code: string | null | undefined) => (code ? (labels[code] ?? code.replace(/_/g, ' ')) : '—');

export const SITE_KIND_LABELS: Record<string, string> = {
  main: 'Main site',
  branch_surgery: 'Branch surgery',
  hospital: 'Hospital',
  data_centre: 'Data centre',
  office: 'Office',
  other: 'Other',
};
export const siteKindLabel = words(SITE_KIND_LABELS);

export const CI_KIND_LABELS: Record<string, string> = {
  site_router: 'Site router',
  connection: 'Connection',
  pop: 'Point of presence',
  core_node: 'Core node',
  core_link: 'Core link',
  service: 'Service',
  location: 'Location',
  other: 'Other',
};
export const ciKindLabel = words(CI_KIND_LABELS);
const CI_KIND_PLURALS: Record<string, string> = { pop: 'points of presence', other: 'others' };
/** "1 connection", "2 connections", "3 points of presence". */
export const ciKindCount = (kind: string, n: number) => `${n} ${n === 1 ? ciKindLabel(kind).toLowerCase() : (CI_KIND_PLURALS[kind] ?? `${ciKindLabel(kind).toLowerCase()}s`)}`;

export const CI_STATE_LABELS: Record<string, string> = { planned: 'Planned', live: 'Live', maintenance: 'Maintenance', retired: 'Retired' };
export const ciStateLabel = words(CI_STATE_LABELS);

export const RELATION_LABELS: Record<string, string> = { depends_on: 'depends on', connects_to: 'connects to', located_at: 'is located at', provided_by: 'is provided by' };
export const relationLabel = words(RELATION_LABELS);

export const SUPPLIER_KIND_LABELS: Record<string, string> = { access: 'Access', carrier: 'Carrier', hardware: 'Hardware', services: 'Services' };
export const supplierKindLabel = words(SUPPLIER_KIND_LABELS);
export const SUPPLIER_STATE_LABELS: Record<string, string> = { active: 'Active', suspended: 'Suspended', exited: 'Exited' };
export const supplierStateLabel = words(SUPPLIER_STATE_LABELS);

export const ACCESS_LABELS: Record<string, string> = {
  adsl: 'ADSL',
  fttc: 'FTTC',
  fttp: 'FTTP',
  ethernet_copper: 'Ethernet over copper',
  ethernet_fibre: 'Ethernet over fibre',
  mobile: 'Mobile',
  satellite: 'Satellite',
};
export const accessLabel = words(ACCESS_LABELS);
export const resilienceLabel = words({ single: 'Single', resilient: 'Resilient' });
export const productKindLabel = words({ connection: 'Connection', service: 'Service' });

/** 80000 → "80 Mbit/s". */
export function bandwidth(kbps: number | null): string {
  if (kbps === null) return '—';
  if (kbps >= 1_000_000) return `${trim(kbps / 1_000_000)} Gbit/s`;
  if (kbps >= 1000) return `${trim(kbps / 1000)} Mbit/s`;
  return `${kbps} kbit/s`;
}
const trim = (n: number) => String(Math.round(n * 100) / 100);

/** 300 → "5 hours"; 90 → "1 h 30 min"; 2880 → "2 days". */
export function duration(minutes: number): string {
  if (minutes % 1440 === 0) return plural(minutes / 1440, 'day');
  if (minutes % 60 === 0) return plural(minutes / 60, 'hour');
  if (minutes < 60) return plural(minutes, 'minute');
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

const pounds = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });
export const money = (decimal: string) => pounds.format(Number(decimal));
