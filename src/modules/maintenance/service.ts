import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import type { Tx } from '../../core/journal/journal.ts';
import { actorOf, type Principal } from '../../core/access/principal.ts';
import { problems } from '../../core/errors.ts';
import { changedFields } from '../../domain/journal-changes.ts';
import { cisForWindow, findWindow, lockWindow, setWindowCis, windowCiIds, type WindowRow } from './queries.ts';
import { recomputeCover } from './windows.ts';
import { NEXT_WINDOW_STATES, type CreateWindow, type MaintenanceWindow, type UpdateWindow, type WindowState } from './schemas.ts';

export const WINDOW_ENTITY = 'maintenance_window';

const MINUTE = 60_000;
/** A window may start this far in the past: the form was filled in a moment ago. */
export const START_GRACE_MS = 5 * MINUTE;
/** The longest window: work longer than a fortnight is a project, planned as several windows. */
export const LONGEST_WINDOW_MS = 14 * 24 * 60 * MINUTE;

/** Time, injectable so tests can plan work at a fixed moment. */
export interface Clock {
  now?: Date;
}

export function presentWindow(row: WindowRow, now = new Date()): MaintenanceWindow {
  const state = row.state as WindowState;
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    state,
    nextStates: NEXT_WINDOW_STATES[state],
    active: state !== 'cancelled' && row.starts_at <= now && now < row.ends_at,
    changeReference: row.change_reference,
    createdBy: row.created_by_name,
    cis: row.cis,
    affected: {
      cis: Number(row.affected?.cis ?? 0),
      connections: Number(row.affected?.connections ?? 0),
      organisations: Number(row.affected?.organisations ?? 0),
      sites: Number(row.affected?.sites ?? 0),
    },
    coveredAt: row.covered_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

function journalView(row: WindowRow | undefined, ciIds: number[]) {
  return row
    ? {
        title: row.title,
        description: row.description,
        startsAt: row.starts_at.toISOString(),
        endsAt: row.ends_at.toISOString(),
        state: row.state,
        changeReference: row.change_reference,
        cis: ciIds.join(', '),
        covered: Number(row.affected?.cis ?? 0),
      }
    : null;
}
const JOURNAL_FIELDS = ['title', 'description', 'startsAt', 'endsAt', 'state', 'changeReference', 'cis', 'covered'] as const;

export async function getWindow(ctx: AppContext, principal: Principal, id: number): Promise<WindowRow> {
  const row = await findWindow(ctx.db, principal.scope, id);
  if (!row) throw problems.notFound('maintenance window with that id');
  return row;
}

async function checkCis(tx: Tx, ciIds: readonly number[]): Promise<void> {
  const found = await cisForWindow(tx, ciIds);
  const missing = ciIds.filter((id) => !found.some((f) => Number(f.id) === id));
  if (missing.length) throw problems.unprocessable('ciIds', `no configuration item ${missing.join(', ')}`);
  const retired = found.filter((f) => f.state === 'retired').map((f) => f.id);
  if (retired.length) throw problems.unprocessable('ciIds', `configuration item ${retired.join(', ')} is retired`);
}

/** The period's rules: it ends after it starts, lasts at most a fortnight, and is planned ahead, not recorded after the fact. */
function checkPeriod(startsAt: Date, endsAt: Date, now: Date, changed: { starts: boolean; ends: boolean }): void {
  if (changed.starts && startsAt.getTime() < now.getTime() - START_GRACE_MS) {
    throw problems.unprocessable('startsAt', 'is in the past: maintenance is planned ahead, and downtime already suffered is not made planned afterwards');
  }
  if (changed.ends && endsAt.getTime() < now.getTime() - START_GRACE_MS) throw problems.unprocessable('endsAt', 'is in the past');
  if (endsAt <= startsAt) throw problems.unprocessable('endsAt', 'must be after startsAt');
  if (endsAt.getTime() - startsAt.getTime() > LONGEST_WINDOW_MS) throw problems.unprocessable('endsAt', 'a window lasts at most 14 days');
}

/** Plans work on CIs: the window, its CIs, what the work takes down (from the CMDB graph), and the journal entry, in one transaction. */
export async function createWindow(tx: Tx, ctx: AppContext, principal: Principal, input: CreateWindow, clock: Clock = {}): Promise<WindowRow> {
  const now = clock.now ?? new Date();
  const startsAt = new Date(input.startsAt);
  const endsAt = new Date(input.endsAt);
  checkPeriod(startsAt, endsAt, now, { starts: true, ends: true });
  await checkCis(tx, input.ciIds);
  const { id } = await tx
    .insertInto('maintenance_window')
    .values({
      title: input.title,
      description: input.description ?? '',
      starts_at: startsAt,
      ends_at: endsAt,
      change_reference: input.changeReference ?? null,
      created_by: principal.userId || null,
      created_by_name: principal.displayName,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await setWindowCis(tx, id, input.ciIds);
  await recomputeCover(tx, id, input.ciIds);
  const created = (await findWindow(tx, { kind: 'network' }, id))!;
  await ctx.journal.record(tx, actorOf(principal), {
    action: 'planned',
    entityType: WINDOW_ENTITY,
    entityId: id,
    summary: `Maintenance planned: ${created.title}, ${created.starts_at.toISOString()} to ${created.ends_at.toISOString()}; takes down ${created.affected.cis} CIs (${created.affected.connections} connections)`,
    changes: changedFields(null, journalView(created, [...input.ciIds].sort((a, b) => a - b)), JOURNAL_FIELDS),
  });
  return created;
}

/**
 * Changes a window. Its period and CIs change only before the work starts (the end may still be
 * moved while it lasts, never into the past); starting the work early brings the start forward to
 * now; completing it early brings the end back to now. What the work takes down is worked out
 * again from the CMDB as it stands, so a window started later covers the network of that day.
 */
export async function updateWindow(ctx: AppContext, principal: Principal, id: number, expectedVersion: number, input: UpdateWindow, clock: Clock = {}): Promise<WindowRow> {
  return inTransaction(ctx, async (tx) => {
    const now = clock.now ?? new Date();
    const before = await lockWindow(tx, principal.scope, id);
    if (!before) throw problems.notFound('maintenance window with that id');
    if (before.version !== expectedVersion) throw problems.preconditionFailed();
    const from = before.state as WindowState;
    if (from === 'completed' || from === 'cancelled') throw problems.conflict('state', `a ${from} window does not change`);
    const to = input.state ?? from;
    if (to !== from && !NEXT_WINDOW_STATES[from].includes(to)) {
      throw problems.unprocessable('state', from === 'in_progress' && to === 'cancelled' ? 'the work has started: complete the window instead' : `a ${from.replace('_', ' ')} window cannot become ${to.replace('_', ' ')}`);
    }
    if (from !== 'planned') {
      if (input.startsAt !== undefined) throw problems.conflict('startsAt', 'the work has started');
      if (input.ciIds !== undefined) throw problems.conflict('ciIds', 'the work has started');
    }
    let startsAt = input.startsAt !== undefined ? new Date(input.startsAt) : before.starts_at;
    let endsAt = input.endsAt !== undefined ? new Date(input.endsAt) : before.ends_at;
    checkPeriod(startsAt, endsAt, now, { starts: input.startsAt !== undefined, ends: input.endsAt !== undefined });
    if (to === 'in_progress' && from === 'planned' && now < startsAt) startsAt = now;
    if (to === 'completed' && now < endsAt) endsAt = new Date(Math.max(now.getTime(), startsAt.getTime() + 1));
    const ciIdsBefore = await windowCiIds(tx, id);
    const ciIds = input.ciIds ? [...input.ciIds].sort((a, b) => a - b) : ciIdsBefore;
    if (input.ciIds) {
      await checkCis(tx, input.ciIds);
      await setWindowCis(tx, id, input.ciIds);
    }
    await tx
      .updateTable('maintenance_window')
      .set({
        title: input.title,
        description: input.description,
        change_reference: input.changeReference,
        starts_at: startsAt,
        ends_at: endsAt,
        state: to,
        updated_at: now,
        version: before.version + 1,
      })
      .where('id', '=', id)
      .execute();
    if (to !== 'cancelled' && to !== 'completed') await recomputeCover(tx, id, ciIds);
    const after = (await findWindow(tx, { kind: 'network' }, id))!;
    const changes = changedFields(journalView(before, ciIdsBefore), journalView(after, ciIds), JOURNAL_FIELDS);
    await ctx.journal.record(tx, actorOf(principal), {
      action: to !== from ? to : 'updated',
      entityType: WINDOW_ENTITY,
      entityId: id,
      summary: to !== from ? `Maintenance ${to.replace('_', ' ')}: ${after.title}` : `Changed ${changes.map((c) => c.field).join(', ') || 'nothing'}`,
      changes,
    });
    return after;
  });
}
