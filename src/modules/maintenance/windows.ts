import { sql } from 'kysely';
import type { Tx } from '../../core/journal/journal.ts';
import { failingWith } from '../cmdb/impact-queries.ts';

/**
 * Maintenance windows as monitoring and availability see them. Planned work on CIs over a period
 * suppresses incidents for alerts on those CIs and on everything that depends on them, and the
 * downtime counts as planned.
 *
 * "Everything that depends on them" is what fails with the window's CIs under the CMDB's
 * resilience rule (docs/cmdb.md): work on both legs of a resilient pair covers the site router,
 * work on one leg covers only that leg. It is worked out when the window is created or changed
 * and kept in maintenance_window_cover, so a lookup during an alert storm is one indexed probe.
 */
export interface CoveringWindow {
  windowId: number;
  title: string;
  /** The CI the window names; the alerting CI is it or depends on it. */
  plannedCiId: number;
  endsAt: Date;
}

/**
 * For each CI, the active maintenance window that covers it at `at` (directly or through what it
 * depends on), if any: not cancelled, with `at` in [startsAt, endsAt). Where several cover a CI,
 * the one ending last.
 */
export async function coveringWindows(tx: Tx, ciIds: number[], at: Date): Promise<Map<number, CoveringWindow>> {
  const found = new Map<number, CoveringWindow>();
  if (ciIds.length === 0) return found;
  const result = await sql<{ ci_id: number; window_id: number; title: string; origin_ci_id: number; ends_at: Date }>`
    select distinct on (c.ci_id) c.ci_id, w.id as window_id, w.title, c.origin_ci_id, w.ends_at
    from maintenance_window_cover c
    join maintenance_window w on w.id = c.window_id
    where c.ci_id = any (${[...new Set(ciIds)]}::bigint[]) and w.state <> 'cancelled' and w.starts_at <= ${at} and ${at} < w.ends_at
    order by c.ci_id, w.ends_at desc, w.id`.execute(tx);
  for (const r of result.rows) {
    found.set(Number(r.ci_id), { windowId: Number(r.window_id), title: r.title, plannedCiId: Number(r.origin_ci_id), endsAt: new Date(r.ends_at) });
  }
  return found;
}

/**
 * Works out again what the window's work takes down (its CIs failing together), and keeps it.
 * Each covered CI is recorded with the window CI its failure comes from (following `via` back).
 */
export async function recomputeCover(tx: Tx, windowId: number, ciIds: readonly number[]): Promise<number> {
  const failing = await failingWith(tx, ciIds);
  const via = new Map(failing.map((f) => [Number(f.id), f.via === null ? null : Number(f.via)]));
  const originOf = (id: number) => {
    let at = id;
    for (let steps = 0; steps <= failing.length; steps++) {
      const next = via.get(at);
      if (next === null || next === undefined) return at;
      at = next;
    }
    return at;
  };
  await tx.deleteFrom('maintenance_window_cover').where('window_id', '=', windowId).execute();
  if (failing.length > 0) {
    const rows = failing.map((f) => ({ ci: Number(f.id), origin: originOf(Number(f.id)), depth: f.depth }));
    await sql`insert into maintenance_window_cover (window_id, ci_id, origin_ci_id, depth)
      select ${windowId}, ci, origin, depth from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(ci bigint, origin bigint, depth int)`.execute(tx);
  }
  await tx.updateTable('maintenance_window').set({ covered_at: new Date() }).where('id', '=', windowId).execute();
  return failing.length;
}
