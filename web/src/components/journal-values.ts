/** A journal's changed values in words, for whichever record the journal is of. */
import { londonTime } from '../../../src/domain/london-time.ts';
import { CONNECTION_STATE_LABELS } from '../connections/types.ts';
import { formatDate, formatValue, inWords, ORGANISATION_KIND_LABELS, ORGANISATION_STATE_LABELS } from '../labels.ts';
import { CI_KIND_LABELS, CI_STATE_LABELS, money, RELATION_LABELS, SITE_KIND_LABELS, SUPPLIER_KIND_LABELS, SUPPLIER_STATE_LABELS } from '../network/labels.ts';
import { REQUEST_KIND_LABELS, REQUEST_STATE_LABELS } from '../requests/types.ts';

/** A value as shown: its words, and the page of the record it names where it names one by id or code. */
export interface ValueWords {
  text: string;
  href?: string;
}

/** The record a journal belongs to, from its path in the API: `/sites/7/journal` is a site's. */
export const recordOfJournal = (path: string) => path.split('/')[1] ?? '';

type Words = Record<string, string>;

/** Each record's kinds and states in words (a site's states are an organisation's). */
const KINDS: Record<string, Words> = {
  organisations: ORGANISATION_KIND_LABELS,
  sites: SITE_KIND_LABELS,
  cis: { ...RELATION_LABELS, ...CI_KIND_LABELS },
  suppliers: SUPPLIER_KIND_LABELS,
  'service-requests': REQUEST_KIND_LABELS,
};
const STATES: Record<string, Words> = {
  organisations: ORGANISATION_STATE_LABELS,
  sites: ORGANISATION_STATE_LABELS,
  connections: CONNECTION_STATE_LABELS,
  cis: CI_STATE_LABELS,
  suppliers: SUPPLIER_STATE_LABELS,
  'service-requests': REQUEST_STATE_LABELS,
};

/**
 * Fields the journal keeps as another record's id or code, and where that record's page is. The
 * journal of a connection keeps its site and CIs by id (the server does not journal their names),
 * so the reader gets a link to what the number stands for.
 */
const REFERENCES: Record<string, Record<string, { noun: string; path: string }>> = {
  connections: { site: { noun: 'Site', path: 'sites' }, pop: { noun: 'CI', path: 'cis' }, ci: { noun: 'CI', path: 'cis' } },
  cis: { siteId: { noun: 'Site', path: 'sites' }, supplierId: { noun: 'Supplier', path: 'suppliers' }, source: { noun: 'CI', path: 'cis' }, target: { noun: 'CI', path: 'cis' } },
  'service-requests': { connection: { noun: 'Connection', path: 'connections' } },
};
/** Fields that hold an organisation's ODS code: shown as the code, linked to the organisation. */
const ORGANISATION_FIELDS = new Set(['organisation', 'parent', 'parentOdsCode']);

/** An instant as the journal stores it (ISO 8601, UTC): shown as London's wall clock. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const MONEY_FIELDS = new Set(['installCharge', 'annualRental']);

/** One changed value of a record's journal in words: codes through their labels, ids as links, nothing as raw JSON. */
export function journalValue(record: string, field: string, value: unknown): ValueWords {
  const reference = REFERENCES[record]?.[field];
  if (reference && typeof value === 'number') return { text: `${reference.noun} ${value}`, href: `/${reference.path}/${value}` };
  if (typeof value === 'string' && value !== '') {
    if (field === 'kind') return { text: KINDS[record]?.[value] ?? ORGANISATION_KIND_LABELS[value] ?? inWords(value) };
    if (field === 'state') return { text: STATES[record]?.[value] ?? REQUEST_STATE_LABELS[value] ?? inWords(value) };
    if (ORGANISATION_FIELDS.has(field) && (record === 'organisations' || record === 'sites' || record === 'cis')) return { text: value, href: `/organisations/${encodeURIComponent(value)}` };
    if (MONEY_FIELDS.has(field) && /^-?\d+(\.\d+)?$/.test(value)) return { text: money(value) };
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return { text: formatDate(value) };
    if (INSTANT.test(value)) return { text: londonTime(value) };
  }
  if (field === 'contractYears' && typeof value === 'number') return { text: `${value} year${value === 1 ? '' : 's'}` };
  return { text: formatValue(value) };
}
