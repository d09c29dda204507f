import { sql } from 'kysely';
import type { Db } from '../../core/db/database.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Scope } from '../../core/access/principal.ts';
import { inScope } from '../../core/access/scope.ts';
import { paginate, type PageRequest } from '../../core/http/pagination.ts';

/**
 * The SQL of the ODS import. Every write is one statement for a whole set of rows, the rows
 * passed as a single JSON array and unpacked with jsonb_to_recordset: the same on PGlite and on
 * a PostgreSQL server, and a handful of round trips for the whole national file.
 */

const IMPORT_LOCK = 7_263_010;

/** One import at a time, across every process; held until the import's transaction ends. */
export async function lockImports(tx: Tx): Promise<void> {
  await sql`select pg_advisory_xact_lock(${IMPORT_LOCK})`.execute(tx);
}

export interface OrganisationState {
  id: number;
  ods_code: string;
  name: string;
  kind: string;
  parent_id: number | null;
  region: string | null;
  postcode: string | null;
  state: string;
  opened_on: string | null;
  closed_on: string | null;
  version: number;
}

/** The whole table in one round trip; as one JSON document, which PGlite hands over far faster than rows. */
export async function allOrganisations(tx: Tx): Promise<OrganisationState[]> {
  const result = await sql<{ rows: string }>`select coalesce(json_agg(json_build_object(
      'id', id, 'ods_code', ods_code, 'name', name, 'kind', kind, 'parent_id', parent_id, 'region', region, 'postcode', postcode,
      'state', state, 'opened_on', opened_on, 'closed_on', closed_on, 'version', version)), '[]')::text as rows from organisation`.execute(tx);
  return JSON.parse(result.rows[0]!.rows) as OrganisationState[];
}

export interface SiteState {
  id: number;
  organisation_id: number;
  ods_code: string;
  source: string | null;
  kind: string;
  name: string;
  address: string[];
  postcode: string | null;
  latitude: number | null;
  longitude: number | null;
  state: string;
  opened_on: string | null;
  closed_on: string | null;
  version: number;
}

/** Every site that carries an ODS code: the ones an import may match, change or close. */
export async function sitesWithOdsCodes(tx: Tx): Promise<SiteState[]> {
  const result = await sql<{ rows: string }>`select coalesce(json_agg(json_build_object(
      'id', id, 'organisation_id', organisation_id, 'ods_code', ods_code, 'source', source, 'kind', kind, 'name', name,
      'address', address, 'postcode', postcode, 'latitude', latitude, 'longitude', longitude, 'state', state,
      'opened_on', opened_on, 'closed_on', closed_on, 'version', version)), '[]')::text as rows
    from site where ods_code is not null`.execute(tx);
  return JSON.parse(result.rows[0]!.rows) as SiteState[];
}

export type NewOrganisation = Omit<OrganisationState, 'id' | 'version'>;

export async function insertOrganisations(tx: Tx, rows: NewOrganisation[]): Promise<Map<string, number>> {
  if (rows.length === 0) return new Map();
  const result = await sql<{ id: number; ods_code: string }>`
    insert into organisation (ods_code, name, kind, parent_id, region, postcode, state, opened_on, closed_on)
    select ods_code, name, kind, parent_id, region, postcode, state, opened_on, closed_on
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as t(ods_code text, name text, kind text, parent_id bigint, region text, postcode text, state text, opened_on date, closed_on date)
    returning id, ods_code`.execute(tx);
  return new Map(result.rows.map((r) => [r.ods_code, Number(r.id)]));
}

/**
 * Updates each row only if it is still at the version the import read: a change made through
 * the API meanwhile makes the count fall short, and the caller abandons the whole import.
 */
export async function updateOrganisations(tx: Tx, rows: OrganisationState[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await sql`
    update organisation o set name = t.name, kind = t.kind, parent_id = t.parent_id, region = t.region, postcode = t.postcode,
      state = t.state, opened_on = t.opened_on, closed_on = t.closed_on, updated_at = now(), version = o.version + 1
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as t(id bigint, name text, kind text, parent_id bigint, region text, postcode text, state text, opened_on date, closed_on date, version integer)
    where o.id = t.id and o.version = t.version`.execute(tx);
  return Number(result.numAffectedRows ?? 0);
}

export type NewSite = Omit<SiteState, 'id' | 'version'>;

export async function insertSites(tx: Tx, rows: NewSite[]): Promise<Map<string, number>> {
  if (rows.length === 0) return new Map();
  const result = await sql<{ id: number; ods_code: string }>`
    insert into site (organisation_id, ods_code, source, kind, name, address, postcode, latitude, longitude, state, opened_on, closed_on)
    select organisation_id, ods_code, source, kind, name, address, postcode, latitude, longitude, state, opened_on, closed_on
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as t(organisation_id bigint, ods_code text, source text, kind text, name text, address text[], postcode text,
           latitude double precision, longitude double precision, state text, opened_on date, closed_on date)
    returning id, ods_code`.execute(tx);
  return new Map(result.rows.map((r) => [r.ods_code, Number(r.id)]));
}

export async function updateSites(tx: Tx, rows: SiteState[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await sql`
    update site s set organisation_id = t.organisation_id, source = t.source, kind = t.kind, name = t.name, address = t.address,
      postcode = t.postcode, latitude = t.latitude, longitude = t.longitude, state = t.state, opened_on = t.opened_on,
      closed_on = t.closed_on, updated_at = now(), version = s.version + 1
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as t(id bigint, organisation_id bigint, source text, kind text, name text, address text[], postcode text,
           latitude double precision, longitude double precision, state text, opened_on date, closed_on date, version integer)
    where s.id = t.id and s.version = t.version`.execute(tx);
  return Number(result.numAffectedRows ?? 0);
}

export async function saveImport(
  tx: Tx,
  row: { started_at: Date; finished_at: Date; actor_name: string; practices_file: string; branches_file: string | null; report: unknown },
): Promise<number> {
  const { id } = await tx
    .insertInto('ods_import')
    .values({ ...row, report: JSON.stringify(row.report) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/**
 * Import runs are network-wide records with no organisation or supplier: only staff see them
 * (an empty scope column set is "nobody else", see inScope).
 */
const SCOPE = {};

export function findImport(db: Tx, scope: Scope, id: number) {
  return db.selectFrom('ods_import').selectAll().where('id', '=', id).where(inScope(scope, SCOPE)).executeTakeFirst();
}

export function listImports(db: Db, scope: Scope, page: PageRequest) {
  const query = db.selectFrom('ods_import').selectAll().where(inScope(scope, SCOPE));
  return paginate(query, { columns: { id: 'id' }, tie: 'id', tieKey: 'id', defaultSort: '-id' }, page);
}
