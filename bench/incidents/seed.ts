// The network incidents are logged against: the NHS ODS organisations (as api-records seeds them,
// each with a sealed journal entry) and one main site each, named as the practice is.
import { sql } from 'kysely';
import type { Db } from '../../src/core/db/database.ts';
import { seed, seedOrganisations } from '../api-records/seed.ts';

export interface SeedSite {
  id: number;
  name: string;
  organisationId: number;
}

export async function seedNetwork(db: Db, auditKey: string): Promise<{ sites: SeedSite[]; source: string }> {
  const { organisations, source } = seedOrganisations();
  await seed(db, organisations, auditKey);
  await sql`insert into site (organisation_id, ods_code, kind, name, postcode, state)
    select id, ods_code, 'main', name, postcode, 'active' from organisation order by id`.execute(db);
  await sql`analyze site`.execute(db);
  const { rows } = await sql<{ id: number; name: string; organisation_id: number }>`select id, name, organisation_id from site order by id`.execute(db);
  return { sites: rows.map((r) => ({ id: Number(r.id), name: r.name, organisationId: Number(r.organisation_id) })), source: `${source}, one main site each` };
}
