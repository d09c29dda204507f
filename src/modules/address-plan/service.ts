import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Actor, Scope, Writer } from '../../core/access/principal.ts';
import { problems } from '../../core/errors.ts';
import { changedFields } from '../../domain/journal-changes.ts';
import { DEFAULT_SIZING, formatPrefix, isPrivate, parsePrefix, prefixLengthFor, sizingProblems, type SizingStep } from '../../domain/address-plan.ts';
import {
  allocateFromBlock,
  blockHolding,
  findAllocation,
  findBlock,
  insertAllocation,
  liveAllocationsOf,
  liveOverlap,
  lockBlock,
  markReleased,
  openBlockIds,
  organisationIdByOdsCode,
  type AllocationRow,
  type BlockRow,
  type LockedBlock,
  type NewAllocation,
} from './queries.ts';
import type { AddressBlock, Allocate, Allocation, CreateBlock, UpdateBlock } from './schemas.ts';

export const BLOCK_ENTITY = 'address_block';
export const ALLOCATION_ENTITY = 'address_allocation';

export type { Writer } from '../../core/access/principal.ts';

export function presentBlock(row: BlockRow): AddressBlock {
  return {
    id: row.id,
    name: row.name,
    range: row.range,
    state: row.state,
    sizing: row.sizing ?? [...DEFAULT_SIZING],
    customSizing: row.sizing !== null,
    addresses: Number(row.addresses),
    usedAddresses: Number(row.used_addresses),
    liveAllocations: row.live_allocations,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

export function presentAllocation(row: AllocationRow): Allocation {
  return {
    id: row.id,
    block: { id: row.block_id, name: row.block_name },
    prefix: row.prefix,
    holder: row.holder,
    purpose: row.purpose,
    organisation: row.organisation_ods_code ? { odsCode: row.organisation_ods_code, name: row.organisation_name! } : null,
    siteId: row.site_id,
    allocatedAt: row.allocated_at.toISOString(),
    releasedAt: row.released_at ? row.released_at.toISOString() : null,
    live: row.released_at === null,
    version: row.version,
  };
}

const blockView = (row: BlockRow | undefined) => (row ? { name: row.name, range: row.range, state: row.state, sizing: row.sizing } : null);
const BLOCK_FIELDS = ['name', 'range', 'state', 'sizing'] as const;
const allocationView = (row: AllocationRow | undefined) =>
  row ? { block: row.block_name, prefix: row.prefix, holder: row.holder, purpose: row.purpose, organisation: row.organisation_ods_code, siteId: row.site_id, releasedAt: row.released_at } : null;
const ALLOCATION_FIELDS = ['block', 'prefix', 'holder', 'purpose', 'organisation', 'siteId', 'releasedAt'] as const;

/**
 * An exclusion constraint (blocks, live prefixes) refused the write: a conflict about `field`.
 * Normally the checks under the block lock answer first; this covers a race with a block created
 * at the same moment.
 */
async function refuseOverlap<T>(write: Promise<T>, field: string, message: string): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if ((error as { code?: string }).code === '23P01') throw problems.conflict(field, message);
    throw error;
  }
}

function checkSizing(sizing: SizingStep[] | null | undefined): void {
  if (!sizing) return;
  const found = sizingProblems(sizing);
  if (found.length) throw problems.invalidFields(found.map((p) => ({ field: `sizing.${p.index}`, message: p.message })));
}

export async function getBlock(ctx: AppContext, scope: Scope, id: number): Promise<BlockRow> {
  const row = await findBlock(ctx.db, scope, id);
  if (!row) throw problems.notFound('address block with that id');
  return row;
}

export async function createBlock(tx: Tx, ctx: AppContext, writer: Writer, input: CreateBlock): Promise<BlockRow> {
  const range = parsePrefix(input.range);
  if (!range) throw problems.invalid('range', 'must be an IPv4 prefix a.b.c.d/n with the host bits zero');
  if (!isPrivate(range)) throw problems.unprocessable('range', 'must lie in private (10/8, 172.16/12, 192.168/16) or shared (100.64/10) space');
  checkSizing(input.sizing);
  const now = new Date();
  const { id } = await refuseOverlap(
    tx
      .insertInto('address_block')
      .values({ name: input.name, range: formatPrefix(range), sizing: input.sizing ? JSON.stringify(input.sizing) : null, state: input.state ?? 'open', created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow(),
    'range',
    'overlaps another address block',
  );
  const created = (await findBlock(tx, { kind: 'network' }, id))!;
  await ctx.journal.record(tx, writer.actor, {
    action: 'created',
    entityType: BLOCK_ENTITY,
    entityId: id,
    summary: `Address block ${created.name} (${created.range}) created`,
    changes: changedFields(null, blockView(created), BLOCK_FIELDS),
  });
  return created;
}

export async function updateBlock(ctx: AppContext, writer: Writer, id: number, expectedVersion: number, patch: UpdateBlock): Promise<BlockRow> {
  checkSizing(patch.sizing);
  return inTransaction(ctx, async (tx) => {
    const before = await findBlock(tx, writer.scope, id);
    if (!before) throw problems.notFound('address block with that id');
    const updated = await tx
      .updateTable('address_block')
      .set((eb) => ({
        name: patch.name,
        sizing: patch.sizing === undefined ? undefined : patch.sizing === null ? null : JSON.stringify(patch.sizing),
        state: patch.state,
        updated_at: new Date(),
        version: eb('version', '+', 1),
      }))
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw problems.preconditionFailed();
    const after = (await findBlock(tx, writer.scope, id))!;
    await ctx.journal.recordUpdate(tx, writer.actor, {
      entityType: BLOCK_ENTITY,
      entityId: id,
      before: blockView(before), after: blockView(after), fields: BLOCK_FIELDS,
    });
    return after;
  });
}

export async function getAllocation(ctx: AppContext, scope: Scope, id: number): Promise<AllocationRow> {
  const row = await findAllocation(ctx.db, scope, id);
  if (!row) throw problems.notFound('address allocation with that id');
  return row;
}

/** How big a prefix the request asks for: exactly one of an explicit length, or a product's bandwidth. */
function wantedLength(input: Allocate, block: LockedBlock): number {
  if (input.prefixLength !== undefined) return input.prefixLength;
  return prefixLengthFor(input.bandwidthMbps!, { resilient: input.resilient, sizing: block.sizing ?? undefined });
}

function checkRequest(input: Allocate): void {
  const given = (['prefix', 'prefixLength', 'bandwidthMbps'] as const).filter((f) => input[f] !== undefined);
  if (given.length === 0) throw problems.invalid('bandwidthMbps', 'give the product’s bandwidthMbps, a prefixLength or a prefix');
  if (given.length > 1) throw problems.invalid(given[1]!, `give only one of ${given.join(', ')}`);
  if (input.resilient !== undefined && input.bandwidthMbps === undefined) throw problems.invalid('resilient', 'applies only with bandwidthMbps');
  if (input.prefix !== undefined && input.blockId !== undefined) throw problems.invalid('blockId', 'a given prefix names its own block');
}

/**
 * Allocates a prefix to a holder, in the caller's transaction (a connection's order allocates
 * with its own changes). The next free prefix comes from the named block, or from the first open
 * block with room; a given prefix is recorded as it is, if it is free. Either way the block is
 * locked first, so concurrent allocations queue and never overlap.
 */
export async function allocate(tx: Tx, ctx: AppContext, writer: Writer, input: Allocate): Promise<AllocationRow> {
  checkRequest(input);
  const fields: NewAllocation = {
    holder: input.holder,
    purpose: input.purpose ?? 'site_lan',
    organisationId: null,
    siteId: input.siteId ?? null,
  };
  if (input.organisationOdsCode) {
    const organisationId = await organisationIdByOdsCode(tx, input.organisationOdsCode);
    if (organisationId === undefined) throw problems.unprocessable('organisationOdsCode', `no organisation has ODS code ${input.organisationOdsCode}`);
    fields.organisationId = organisationId;
  }
  const held = (await liveAllocationsOf(tx, fields.holder)).find((a) => a.purpose === fields.purpose);
  if (held) throw problems.conflict('holder', `already holds ${held.prefix} for ${fields.purpose}; release it first`);
  const id = input.prefix !== undefined ? await allocateGiven(tx, input.prefix, fields) : await allocateNext(tx, input, fields);
  const created = await findAllocation(tx, writer.scope, id);
  if (!created) throw problems.unprocessable('organisationOdsCode', 'is not an organisation you may act for');
  await ctx.journal.record(tx, writer.actor, {
    action: 'allocated',
    entityType: ALLOCATION_ENTITY,
    entityId: id,
    organisationId: created.organisation_id,
    summary: `${created.prefix} allocated to ${created.holder} from ${created.block_name}`,
    changes: changedFields(null, allocationView(created), ALLOCATION_FIELDS),
  });
  return created;
}

async function allocateNext(tx: Tx, input: Allocate, fields: NewAllocation): Promise<number> {
  const candidates = input.blockId !== undefined ? [input.blockId] : await openBlockIds(tx);
  if (candidates.length === 0) throw problems.unprocessable('blockId', 'no address block is open');
  let length: number | undefined;
  // Blocks are tried, and locked, in id order, so two allocations never wait on each other in a circle.
  for (const blockId of candidates) {
    const block = await lockBlock(tx, blockId);
    if (!block) throw problems.unprocessable('blockId', 'is not an address block');
    if (block.state !== 'open') throw problems.unprocessable('blockId', 'is closed to new allocations');
    length = wantedLength(input, block);
    const id = await allocateFromBlock(tx, block.id, length, fields);
    if (id !== undefined) return id;
  }
  const field = input.blockId !== undefined ? 'blockId' : 'bandwidthMbps';
  throw problems.unprocessable(field, `no free /${length} is left in ${input.blockId !== undefined ? 'the block' : 'any open block'}`);
}

async function allocateGiven(tx: Tx, text: string, fields: NewAllocation): Promise<number> {
  const prefix = parsePrefix(text);
  if (!prefix) throw problems.invalid('prefix', 'must be an IPv4 prefix a.b.c.d/n with the host bits zero');
  const canonical = formatPrefix(prefix);
  const blockId = await blockHolding(tx, canonical);
  if (blockId === undefined) throw problems.unprocessable('prefix', 'lies in no address block');
  const block = (await lockBlock(tx, blockId))!;
  const clash = await liveOverlap(tx, canonical);
  if (clash) throw problems.conflict('prefix', `overlaps ${clash}, which is live`);
  return refuseOverlap(insertAllocation(tx, block, canonical, fields), 'prefix', 'overlaps a live prefix');
}

/** Returns a prefix to its block. Idempotent for the caller who retries: a second release is a 409 naming the state. */
export async function release(ctx: AppContext, writer: Writer, id: number): Promise<AllocationRow> {
  return inTransaction(ctx, async (tx) => releaseIn(tx, ctx, writer, id));
}

export async function releaseIn(tx: Tx, ctx: AppContext, writer: Writer, id: number): Promise<AllocationRow> {
  const before = await findAllocation(tx, writer.scope, id);
  if (!before) throw problems.notFound('address allocation with that id');
  if (!(await markReleased(tx, id))) throw problems.conflict('releasedAt', 'the prefix was already released');
  const after = (await findAllocation(tx, writer.scope, id))!;
  await ctx.journal.record(tx, writer.actor, {
    action: 'released',
    entityType: ALLOCATION_ENTITY,
    entityId: id,
    organisationId: after.organisation_id,
    summary: `${after.prefix} released by ${after.holder}`,
    changes: changedFields(allocationView(before), allocationView(after), ALLOCATION_FIELDS),
  });
  return after;
}

/** On cease: releases every live prefix the holder has (none is fine), in the caller's transaction. */
export async function releaseHolder(tx: Tx, ctx: AppContext, writer: Writer, holder: string): Promise<AllocationRow[]> {
  const live = await liveAllocationsOf(tx, holder);
  const released: AllocationRow[] = [];
  for (const allocation of live) released.push(await releaseIn(tx, ctx, writer, allocation.id));
  return released;
}
