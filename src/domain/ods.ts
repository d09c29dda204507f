import { csvLines, parseCsvLine } from './ods-csv.ts';

/**
 * The NHS ODS practice and branch files as published, mapped to n3sp's organisations and sites.
 * Pure: text in, records and rejected lines out. Column numbers below are ODS's, 1-based.
 *
 * epraccur: 1 code, 2 name, 3 national grouping, 4 high level health geography, 5-9 address
 * lines, 10 postcode, 11 open date, 12 close date, 13 status, 14 sub-type, 15 commissioner,
 * 16 join date, 17 left date, 18 telephone, 22 amended record indicator, 24 provider/purchaser,
 * 26 prescribing setting. ebranchs: the same layout, with the parent practice in column 15 and
 * no status (a branch is closed when it has a close date).
 */

export type OrganisationState = 'active' | 'retired' | 'closed' | 'dormant' | 'proposed';

export const ODS_STATES: Record<string, OrganisationState> = { A: 'active', B: 'retired', C: 'closed', D: 'dormant', P: 'proposed' };

/**
 * Prescribing setting (column 26) to organisation kind. 4 is a GP practice; 1 walk-in centre;
 * 2 out of hours; 3 both (a walk-in centre that also covers out of hours); 0 "other"; every other
 * setting (public health, community, hospital, optometry, urgent care, hospice, care home, the
 * justice estate, ...) prescribes from outside general practice.
 */
export function kindOfSetting(setting: number): string {
  switch (setting) {
    case 4:
      return 'gp_practice';
    case 1:
    case 3:
      return 'walk_in_centre';
    case 2:
      return 'out_of_hours';
    case 0:
      return 'other';
    default:
      return 'other_prescribing';
  }
}

/** NHS England's national groupings (column 3), named for the region organisations they become. */
export const NATIONAL_GROUPINGS: Record<string, string> = {
  Y54: 'NORTH OF ENGLAND COMMISSIONING REGION',
  Y55: 'MIDLANDS AND EAST OF ENGLAND COMMISSIONING REGION',
  Y56: 'LONDON COMMISSIONING REGION',
  Y57: 'SOUTH OF ENGLAND COMMISSIONING REGION',
  Y58: 'SOUTH WEST COMMISSIONING REGION',
  Y59: 'SOUTH EAST COMMISSIONING REGION',
  Y60: 'MIDLANDS COMMISSIONING REGION',
  Y61: 'EAST OF ENGLAND COMMISSIONING REGION',
  Y62: 'NORTH WEST COMMISSIONING REGION',
  Y63: 'NORTH EAST AND YORKSHIRE COMMISSIONING REGION',
  W00: 'WALES',
};

export function groupingName(code: string): string {
  return NATIONAL_GROUPINGS[code] ?? `NATIONAL GROUPING ${code}`;
}

export function commissionerName(code: string): string {
  return `COMMISSIONER ${code}`;
}

export interface PracticeRecord {
  line: number;
  odsCode: string;
  name: string;
  kind: string;
  nationalGrouping: string | null;
  commissioner: string | null;
  address: string[];
  postcode: string | null;
  openedOn: string | null;
  closedOn: string | null;
  state: OrganisationState;
}

export interface BranchRecord {
  line: number;
  odsCode: string;
  name: string;
  parentOdsCode: string;
  address: string[];
  postcode: string | null;
  openedOn: string | null;
  closedOn: string | null;
  state: OrganisationState;
}

export interface RejectedLine {
  file: 'practices' | 'branches';
  line: number;
  odsCode: string | null;
  reason: string;
}

export interface Parsed<T> {
  records: T[];
  rejected: RejectedLine[];
  lines: number;
}

const CODE = /^[A-Z0-9]{3,12}$/;
const MIN_COLUMNS = { practices: 26, branches: 15 } as const;

class LineProblem extends Error {}

/** An ODS date (YYYYMMDD, empty for none) as YYYY-MM-DD; a date that is not on the calendar is refused. */
export function odsDate(value: string, column: string): string | null {
  const text = value.trim();
  if (text === '') return null;
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m) throw new LineProblem(`${column} "${text}" is not a date (YYYYMMDD)`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) throw new LineProblem(`${column} "${text}" is not a calendar date`);
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** A postcode in its usual form: upper case, one space before the inward code. */
export function normalisePostcode(value: string): string | null {
  const compact = value.toUpperCase().replace(/\s+/g, '');
  if (compact === '') return null;
  if (compact.length < 5 || compact.length > 7) return value.trim().toUpperCase();
  return `${compact.slice(0, -3)} ${compact.slice(-3)}`;
}

/** The postcode district (outward code) of a postcode: 'TS18 1HU' → 'TS18'. */
export function outcodeOf(postcode: string | null): string | null {
  if (!postcode) return null;
  const compact = postcode.toUpperCase().replace(/\s+/g, '');
  if (compact.length < 5) return compact || null;
  return compact.slice(0, -3);
}

function code(value: string, column: string): string {
  const text = value.trim().toUpperCase();
  if (!CODE.test(text)) throw new LineProblem(`${column} "${value}" is not an ODS code`);
  return text;
}

function required(value: string, column: string): string {
  const text = value.trim();
  if (text === '') throw new LineProblem(`${column} is empty`);
  return text;
}

function addressOf(fields: string[]): string[] {
  return fields.slice(4, 9).map((l) => l.trim()).filter((l) => l !== '');
}

function parseFile<T extends { odsCode: string }>(text: string, file: 'practices' | 'branches', map: (fields: string[], line: number) => T): Parsed<T> {
  const records: T[] = [];
  const rejected: RejectedLine[] = [];
  const seen = new Map<string, number>();
  let lines = 0;
  for (const entry of csvLines(text)) {
    lines += 1;
    if ('error' in entry) {
      rejected.push({ file, line: entry.line, odsCode: null, reason: `not CSV: ${entry.error}` });
      continue;
    }
    const { fields, line } = entry;
    const odsCode = fields[0]?.trim().toUpperCase() || null;
    try {
      if (fields.length < MIN_COLUMNS[file]) throw new LineProblem(`has ${fields.length} columns, expected at least ${MIN_COLUMNS[file]}`);
      const record = map(fields, line);
      const first = seen.get(record.odsCode);
      if (first !== undefined) throw new LineProblem(`repeats ODS code ${record.odsCode} of line ${first}`);
      seen.set(record.odsCode, line);
      records.push(record);
    } catch (error) {
      if (!(error instanceof LineProblem)) throw error;
      rejected.push({ file, line, odsCode, reason: error.message });
    }
  }
  return { records, rejected, lines };
}

/** Reads epraccur (GP practices and the other prescribing settings). */
export function parsePractices(text: string): Parsed<PracticeRecord> {
  return parseFile(text, 'practices', (f, line) => {
    const status = f[12]!.trim().toUpperCase();
    const state = ODS_STATES[status];
    if (!state) throw new LineProblem(`status (column 13) "${f[12]}" is not one of A, B, C, D, P`);
    const settingText = f[25]!.trim();
    if (!/^\d{1,2}$/.test(settingText)) throw new LineProblem(`prescribing setting (column 26) "${settingText}" is not a number`);
    const openedOn = odsDate(f[10]!, 'open date (column 11)');
    const closedOn = odsDate(f[11]!, 'close date (column 12)');
    if (openedOn && closedOn && closedOn < openedOn) throw new LineProblem('close date (column 12) is before the open date');
    return {
      line,
      odsCode: code(f[0]!, 'code (column 1)'),
      name: required(f[1]!, 'name (column 2)'),
      kind: kindOfSetting(Number(settingText)),
      nationalGrouping: f[2]!.trim() ? code(f[2]!, 'national grouping (column 3)') : null,
      commissioner: f[14]!.trim() ? code(f[14]!, 'commissioner (column 15)') : null,
      address: addressOf(f),
      postcode: normalisePostcode(f[9]!),
      openedOn,
      closedOn,
      state,
    };
  });
}

/** Reads ebranchs (branch surgeries, each under its parent practice). */
export function parseBranches(text: string): Parsed<BranchRecord> {
  return parseFile(text, 'branches', (f, line) => {
    const openedOn = odsDate(f[10]!, 'open date (column 11)');
    const closedOn = odsDate(f[11]!, 'close date (column 12)');
    if (openedOn && closedOn && closedOn < openedOn) throw new LineProblem('close date (column 12) is before the open date');
    return {
      line,
      odsCode: code(f[0]!, 'code (column 1)'),
      name: required(f[1]!, 'name (column 2)'),
      parentOdsCode: code(required(f[14]!, 'parent practice (column 15)'), 'parent practice (column 15)'),
      address: addressOf(f),
      postcode: normalisePostcode(f[9]!),
      openedOn,
      closedOn,
      state: closedOn ? 'closed' : 'active',
    };
  });
}

export interface Location {
  latitude: number;
  longitude: number;
}

/**
 * The postcode district file (header row `id,outcode,latitude,longitude`, as published) as a
 * map from outcode to location. Columns are found by their header names.
 */
export function parseDistricts(text: string): Map<string, Location> {
  const districts = new Map<string, Location>();
  let columns: { outcode: number; latitude: number; longitude: number } | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === '') continue;
    const fields = parseCsvLine(raw);
    if (typeof fields === 'string') continue;
    if (!columns) {
      const names = fields.map((f) => f.trim().toLowerCase());
      columns = { outcode: names.indexOf('outcode'), latitude: names.indexOf('latitude'), longitude: names.indexOf('longitude') };
      if (Object.values(columns).some((c) => c < 0)) throw new Error('the postcode district file needs outcode, latitude and longitude columns');
      continue;
    }
    const latitude = Number(fields[columns.latitude]);
    const longitude = Number(fields[columns.longitude]);
    const outcode = fields[columns.outcode]?.trim().toUpperCase();
    if (!outcode || !Number.isFinite(latitude) || !Number.isFinite(longitude) || fields[columns.latitude]?.trim() === '') continue;
    districts.set(outcode, { latitude, longitude });
  }
  return districts;
}

/** Where a site is, from its postcode's district; null when the district is unknown. */
export function locate(postcode: string | null, districts: Map<string, Location>): Location | null {
  const outcode = outcodeOf(postcode);
  return (outcode && districts.get(outcode)) || null;
}

/**
 * The region each commissioner belongs to: the national grouping most of its practices name,
 * counting open practices first (a closed practice may still carry a grouping since abolished).
 */
export function commissionerRegions(practices: readonly PracticeRecord[]): Map<string, string> {
  const votes = new Map<string, Map<string, number>>();
  for (const p of practices) {
    if (!p.commissioner || !p.nationalGrouping) continue;
    const weight = p.state === 'closed' ? 1 : 1000;
    const counts = votes.get(p.commissioner) ?? new Map<string, number>();
    counts.set(p.nationalGrouping, (counts.get(p.nationalGrouping) ?? 0) + weight);
    votes.set(p.commissioner, counts);
  }
  const result = new Map<string, string>();
  for (const [commissioner, counts] of votes) {
    const best = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;
    result.set(commissioner, best[0]);
  }
  return result;
}
