import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { sql } from 'kysely';
import { SYSTEM_ACTOR } from '../../core/access/principal.ts';
import { chainPending } from '../../core/journal/chain.ts';
import type { Runtime } from '../../core/runtime.ts';
import { importOds } from '../../modules/ods-import/service.ts';
import { loadDistricts } from '../../modules/ods-import/districts.ts';
import type { ImportReport } from '../../modules/ods-import/schemas.ts';
import { loadDemonstration } from '../../modules/demo/demonstration.ts';
import { progressBar } from '../progress.ts';
import { withRuntime } from '../with-runtime.ts';

/** `n3sp import ods`: the published files, Latin-1, read whole; a bar over the import's steps. */
export async function importOdsCommand(opts: { practices: string; branches?: string; districts?: string; showRejected?: string }): Promise<void> {
  const practices = readFileSync(opts.practices, 'latin1');
  const branches = opts.branches ? readFileSync(opts.branches, 'latin1') : null;
  const districts = loadDistricts(opts.districts);
  await withRuntime(async (rt) => {
    const started = performance.now();
    let bar: ReturnType<typeof progressBar> | undefined;
    const report = await importOds(
      rt,
      SYSTEM_ACTOR,
      { practices, branches, practicesName: basename(opts.practices), branchesName: opts.branches ? basename(opts.branches) : null },
      {
        districts,
        onProgress: (_step, done, total) => {
          bar ??= progressBar('importing', total);
          bar.update(done);
        },
      },
    );
    bar?.stop();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    for (const line of describeReport(report, Number(opts.showRejected ?? 20))) console.log(line);
    console.log(`imported in ${seconds} s (import #${report.id})`);
    await linkJournal(rt);
  });
}

export function describeReport(report: ImportReport, showRejected = 20): string[] {
  const counts = (label: string, c: { lines: number; added: number; changed: number; closed: number; unchanged: number; rejected: number }) =>
    `${label.padEnd(10)} ${String(c.lines).padStart(6)} lines: ${c.added} added, ${c.changed} changed, ${c.closed} closed, ${c.unchanged} unchanged, ${c.rejected} rejected`;
  const lines = [counts('practices', report.practices)];
  if (report.branches) lines.push(counts('branches', report.branches));
  lines.push(`regions and commissioners: ${report.groupings.added} added, ${report.groupings.changed} changed; ${report.unlocatedSites} sites with an unknown postcode district`);
  for (const r of report.rejected.slice(0, showRejected)) lines.push(`  rejected ${r.file} line ${r.line}${r.odsCode ? ` (${r.odsCode})` : ''}: ${r.reason}`);
  if (report.rejected.length > showRejected) lines.push(`  … and ${report.rejected.length - showRejected} more rejected lines (see the import's report)`);
  return lines;
}

/** Links the import's journal entries into the audit chain now, with a bar, rather than at close. */
async function linkJournal(rt: Runtime): Promise<void> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from journal where chain_seq is null`.execute(rt.db);
  const total = rows[0]!.n;
  if (total < 1000) return;
  const bar = progressBar('linking the audit chain', total);
  // Another chainer may be linking too: count what is left rather than trusting our own batches.
  for (let left = total; left > 0; ) {
    if ((await chainPending(rt.db)) === 'busy') await new Promise((resolve) => setTimeout(resolve, 50));
    left = (await sql<{ n: number }>`select count(*)::int as n from journal where chain_seq is null`.execute(rt.db)).rows[0]!.n;
    bar.update(total - left);
  }
  bar.stop();
}

/** `n3sp demo`: the demonstration network, into a database with no users yet. */
export async function demoCommand(): Promise<void> {
  await withRuntime(async (rt) => {
    const anyUser = await rt.db.selectFrom('app_user').select('id').limit(1).executeTakeFirst();
    if (anyUser) throw new Error('the database already has users; the demonstration network loads only into a new database');
    let bar: ReturnType<typeof progressBar> | undefined;
    const notes = await loadDemonstration(rt, {
      onProgress: (done, total) => {
        bar ??= progressBar('demonstration network', total);
        bar.update(done);
      },
    });
    bar?.stop();
    await linkJournal(rt);
    for (const line of notes) console.log(line);
  });
}
