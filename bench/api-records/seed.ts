import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import type { Db } from '../../src/core/db/database.ts';
import { sealOf } from '../../src/domain/audit-chain.ts';

const ODS_DIR = process.env.N3SP_BENCH_ODS_DIR ?? fileURLToPath(new URL('../../../shared/data/ods/', import.meta.url));

export interface SeedOrganisation {
  odsCode: string;
  name: string;
  kind: string;
  state: string;
  postcode: string | null;
  openedOn: string | null;
  closedOn: string | null;
  parent: string | null;
}

const STATES: Record<string, string> = { A: 'active', B: 'retired', C: 'closed', D: 'dormant', P: 'proposed' };
const isoDate = (d: string | undefined) => (d && /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : null);

/**
 * The organisations both databases start with: the published NHS ODS GP practices and branch
 * surgeries (about 17,000), or, where those files are not beside the project, as many made up.
 */
export function seedOrganisations(): { organisations: SeedOrganisation[]; source: string } {
  const practices = `${ODS_DIR}epraccur.csv`;
  const branches = `${ODS_DIR}ebranchs.csv`;
  if (!existsSync(practices) || !existsSync(branches)) {
    const organisations = Array.from({ length: 17_000 }, (_, i) => ({
      odsCode: `X${String(i).padStart(5, '0')}`, name: `SYNTHETIC PRACTICE ${i}`, kind: 'gp_practice', state: 'active', postcode: null, openedOn: null, closedOn: null, parent: null,
    }));
    return { organisations, source: '17,000 synthetic organisations (NHS ODS files not found)' };
  }
  const rows = (file: string) => parse(readFileSync(file), { relaxColumnCount: true }) as string[][];
  const organisations: SeedOrganisation[] = rows(practices).map((r) => ({
    odsCode: r[0]!, name: r[1]!, kind: r[25] === '4' ? 'gp_practice' : 'other_prescribing', state: STATES[r[12]!] ?? 'active',
    postcode: r[9] || null, openedOn: isoDate(r[10]), closedOn: isoDate(r[11]), parent: null,
  }));
  const known = new Set(organisations.map((o) => o.odsCode));
  for (const r of rows(branches)) {
    organisations.push({ odsCode: r[0]!, name: r[1]!, kind: 'gp_practice', state: 'active', postcode: r[9] || null, openedOn: isoDate(r[10]), closedOn: isoDate(r[11]), parent: known.has(r[14]!) ? r[14]! : null });
  }
  return { organisations, source: `NHS ODS: ${organisations.length.toLocaleString('en-GB')} GP practices and branch surgeries` };
}

/**
 * Loads the organisations with one sealed journal entry each, in batches, straight through SQL
 * (the same on both databases; the n3sp server's chainer links the entries when it starts).
 */
export async function seed(db: Db, organisations: SeedOrganisation[], auditKey: string): Promise<void> {
  const BATCH = 2000;
  const ordered = [...organisations.filter((o) => !o.parent), ...organisations.filter((o) => o.parent)];
  for (let i = 0; i < ordered.length; i += BATCH) {
    const batch = ordered.slice(i, i + BATCH);
    const col = <K extends keyof SeedOrganisation>(k: K) => batch.map((o) => o[k]);
    const inserted = await sql<{ id: number; ods_code: string }>`insert into organisation (ods_code, name, kind, state, postcode, opened_on, closed_on, parent_id)
      select t.ods_code, t.name, t.kind, t.state, t.postcode, t.opened_on, t.closed_on, p.id
      from unnest(${col('odsCode')}::text[], ${col('name')}::text[], ${col('kind')}::text[], ${col('state')}::text[],
                  ${col('postcode')}::text[], ${col('openedOn')}::date[], ${col('closedOn')}::date[], ${col('parent')}::text[])
           as t(ods_code, name, kind, state, postcode, opened_on, closed_on, parent)
      left join organisation p on p.ods_code = t.parent
      returning id, ods_code`.execute(db);
    const entries = inserted.rows.map((row) => {
      const content = {
        nonce: randomUUID(), at: new Date(), actorId: null, actorName: 'n3sp', action: 'created', entityType: 'organisation',
        entityId: String(row.id), organisationId: row.id, supplierId: null, summary: `Organisation ${row.ods_code} imported`, changes: [],
      };
      return { ...content, seal: sealOf(auditKey, content) };
    });
    const j = <K extends keyof (typeof entries)[number]>(k: K) => entries.map((e) => e[k]);
    await sql`insert into journal (nonce, at, actor_id, actor_name, action, entity_type, entity_id, organisation_id, summary, changes, seal)
      select t.nonce, t.at, null, 'n3sp', 'created', 'organisation', t.entity_id, t.organisation_id, t.summary, '[]'::jsonb, t.seal
      from unnest(${j('nonce')}::uuid[], ${entries.map((e) => e.at.toISOString())}::timestamptz[], ${j('entityId')}::text[], ${j('organisationId')}::bigint[],
                  ${j('summary')}::text[], ${j('seal')}::text[]) as t(nonce, at, entity_id, organisation_id, summary, seal)`.execute(db);
  }
  await sql`analyze`.execute(db);
}
