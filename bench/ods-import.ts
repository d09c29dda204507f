// ods-import: the whole shipped NHS ODS files (14,357 practices, 2,702 branch surgeries) through
// n3sp's import, beside the same rows inserted raw into the same tables. See docs/network-inventory.md.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Benchmark, BenchContext, BenchResult, Figure } from './lib/benchmark.ts';
import { scratchDatabase } from './lib/databases.ts';
import { openDatabase, type Database } from '../src/core/db/database.ts';
import { migrate } from '../src/core/db/migrate.ts';
import { Journal } from '../src/core/journal/journal.ts';
import { chainAll, JournalChainer } from '../src/core/journal/chain.ts';
import { loadConfig, type Config } from '../src/core/config.ts';
import { SYSTEM_ACTOR } from '../src/core/access/principal.ts';
import { PrincipalCache } from '../src/core/auth/principal-cache.ts';
import type { AppContext } from '../src/core/context.ts';
import { commissionerRegions, groupingName, commissionerName, locate, parseBranches, parsePractices } from '../src/domain/ods.ts';
import { importOds } from '../src/modules/ods-import/service.ts';
import { loadDistricts } from '../src/modules/ods-import/districts.ts';
import { insertOrganisations, insertSites } from '../src/modules/ods-import/queries.ts';

const ODS_DIR = process.env.N3SP_ODS_DIR ?? new URL('../../shared/data/ods/', import.meta.url).pathname;
const read = (name: string) => readFileSync(`${ODS_DIR}/${name}`, 'latin1');

async function scratch(ctx: BenchContext, label: string): Promise<Database> {
  const s = await scratchDatabase(ctx.engine, ctx.postgresUrl, label);
  ctx.onCleanup(s.drop);
  const database = await openDatabase({ databaseUrl: s.databaseUrl, dataDir: s.dataDir, poolSize: 2 });
  ctx.onCleanup(() => database.close());
  await migrate(database.db);
  return database;
}

function contextOf(database: Database, auditKey: string): AppContext {
  const config: Config = { ...loadConfig({ ...process.env, N3SP_AUDIT_KEY: auditKey }), databaseUrl: undefined };
  // No background chainer: chaining is measured on its own, after the import.
  const idle = { poke() {}, start() {}, stop: async () => {} } as unknown as JournalChainer;
  return { db: database.db, engine: database.engine, config, journal: new Journal(auditKey), chainer: idle, principals: new PrincipalCache() };
}

/**
 * The baseline: the rows the import ends with (regions, commissioners, practices, their main
 * sites and the branch surgeries, located), already parsed, inserted with the same set-based
 * statements in one transaction. No comparison, no journal, no report.
 */
async function rawInsert(database: Database, practicesText: string, branchesText: string): Promise<number> {
  const practices = parsePractices(practicesText).records;
  const branches = parseBranches(branchesText).records;
  const districts = loadDistricts();
  const regionOf = commissionerRegions(practices);
  const t0 = performance.now();
  await database.db.transaction().execute(async (tx) => {
    const none = { postcode: null, state: 'active', opened_on: null, closed_on: null };
    const regionCodes = [...new Set(practices.flatMap((p) => (p.nationalGrouping ? [p.nationalGrouping] : [])))];
    const regions = await insertOrganisations(tx, regionCodes.map((c) => ({ ods_code: c, name: groupingName(c), kind: 'region', parent_id: null, region: c, ...none })));
    const commissionerCodes = [...new Set(practices.flatMap((p) => (p.commissioner ? [p.commissioner] : [])))];
    const commissioners = await insertOrganisations(
      tx,
      commissionerCodes.map((c) => ({ ods_code: c, name: commissionerName(c), kind: 'commissioner', parent_id: regions.get(regionOf.get(c) ?? '') ?? null, region: regionOf.get(c) ?? null, ...none })),
    );
    const ids = await insertOrganisations(
      tx,
      practices.map((p) => ({
        ods_code: p.odsCode,
        name: p.name,
        kind: p.kind,
        parent_id: (p.commissioner && commissioners.get(p.commissioner)) || (p.nationalGrouping && regions.get(p.nationalGrouping)) || null,
        region: p.nationalGrouping,
        postcode: p.postcode,
        state: p.state,
        opened_on: p.openedOn,
        closed_on: p.closedOn,
      })),
    );
    const site = (r: (typeof practices)[number] | (typeof branches)[number], organisationId: number, source: string, kind: string) => {
      const at = locate(r.postcode, districts);
      return { organisation_id: organisationId, ods_code: r.odsCode, source, kind, name: r.name, address: r.address, postcode: r.postcode, latitude: at?.latitude ?? null, longitude: at?.longitude ?? null, state: r.state, opened_on: r.openedOn, closed_on: r.closedOn };
    };
    await insertSites(tx, [...practices.map((p) => site(p, ids.get(p.odsCode)!, 'epraccur', 'main')), ...branches.map((b) => site(b, ids.get(b.parentOdsCode)!, 'ebranchs', 'branch_surgery'))]);
  });
  return (performance.now() - t0) / 1000;
}

async function timedImport(ctx: AppContext, practices: string, branches: string) {
  const t0 = performance.now();
  const report = await importOds(ctx, SYSTEM_ACTOR, { practices, branches }, { districts: loadDistricts() });
  return { seconds: (performance.now() - t0) / 1000, report };
}

async function journalCount(database: Database): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from journal`.execute(database.db);
  return rows[0]!.n;
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const december = read('epraccur.csv');
  const july = read('history/epraccur-2019-07.csv');
  const branches = read('ebranchs.csv');
  const auditKey = randomBytes(32).toString('hex');

  const baseDb = await scratch(ctx, 'odsbase');
  const baseline = await rawInsert(baseDb, december, branches);
  ctx.log(`baseline: raw insert of the December rows in ${baseline.toFixed(2)} s`);

  const importDb = await scratch(ctx, 'odsimport');
  const app = contextOf(importDb, auditKey);
  const first = await timedImport(app, december, branches);
  ctx.log(`n3sp: first import of December in ${first.seconds.toFixed(2)} s (${(await journalCount(importDb)).toLocaleString('en-GB')} journal entries)`);
  let t0 = performance.now();
  const chained = await chainAll(importDb.db);
  const chainS = (performance.now() - t0) / 1000;
  const again = await timedImport(app, december, branches);
  ctx.log(`n3sp: the same files again in ${again.seconds.toFixed(2)} s: ${again.report.practices.unchanged} practices unchanged`);
  if (again.report.practices.changed + again.report.practices.added + again.report.practices.closed !== 0) throw new Error('a second import of the same files reported changes');

  // A real update: July 2019 into a new database, then December over it.
  const updateDb = await scratch(ctx, 'odsupdate');
  const updateApp = contextOf(updateDb, auditKey);
  await timedImport(updateApp, july, branches);
  const update = await timedImport(updateApp, december, branches);
  const u = update.report.practices;
  ctx.log(`n3sp: December over July in ${update.seconds.toFixed(2)} s: ${u.added} added, ${u.changed} changed, ${u.closed} closed`);

  const figures: Figure[] = [
    { label: 'first import, 17,059 rows', unit: 's', value: first.seconds, baseline, better: 'lower' },
    { label: 're-import, no change', unit: 's', value: again.seconds, baseline, better: 'lower' },
    { label: 'December over July (8,459 changes)', unit: 's', value: update.seconds, baseline, better: 'lower' },
  ];
  return {
    baseline: 'the same regions, commissioners, practices and sites, parsed beforehand, inserted raw into the same tables with the same set-based statements (no comparison, no journal)',
    figures,
    notes: [
      `n3sp figures include reading and checking the files (${(december.length / 1e6).toFixed(1)} MB + ${(branches.length / 1e6).toFixed(1)} MB), comparing with the database, and writing a sealed journal entry per record added or changed.`,
      `Linking the first import's ${chained.toLocaleString('en-GB')} journal entries into the audit chain afterwards took ${chainS.toFixed(1)} s (the chainer does this in the background; it is not in the import's time).`,
    ],
    details: { baseline, first: first.seconds, again: again.seconds, update: update.seconds, updateReport: { ...update.report, rejected: update.report.rejected.length }, chained, chainS },
  };
}

const benchmark: Benchmark = {
  name: 'ods-import',
  description: 'the whole shipped NHS ODS files through the import, beside the same rows inserted raw',
  run,
};
export default benchmark;
