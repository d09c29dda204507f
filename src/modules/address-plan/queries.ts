import { sql } from 'kysely';
import type { Db } from '../../core/db/database.ts';
import type { Tx } from '../../core/journal/journal.ts';
import type { Scope } from '../../core/access/principal.ts';
import { inScope } from '../../core/access/scope.ts';
import { paginate, type PageRequest } from '../../core/http/pagination.ts';
import type { AllocationListRequest, BlockListRequest } from './schemas.ts';

/** Blocks are the provider's own: no organisation or supplier column, so only staff see them. */
const BLOCK_SCOPE = {};
/** A prefix belongs to the organisation whose site it addresses. */
const ALLOCATION_SCOPE = { organisation: 'a.organisation_id' };

function selectBlocks(db: Db | Tx, scope: Scope) {
  return db
    .selectFrom('address_block as b')
    .selectAll('b')
    .select([
      sql<number>`(1::bigint << (32 - masklen(b.range)))`.as('addresses'),
      sql<number>`coalesce((select sum(1::bigint << (32 - masklen(a.prefix))) from address_allocation a where a.block_id = b.id and a.released_at is null), 0)::bigint`.as('used_addresses'),
      sql<number>`(select count(*)::int from address_allocation a where a.block_id = b.id and a.released_at is null)`.as('live_allocations'),
    ])
    .where(inScope(scope, BLOCK_SCOPE));
}

export type BlockRow = Awaited<ReturnType<ReturnType<typeof selectBlocks>['executeTakeFirstOrThrow']>>;

export function findBlock(db: Db | Tx, scope: Scope, id: number): Promise<BlockRow | undefined> {
  return selectBlocks(db, scope).where('b.id', '=', id).executeTakeFirst();
}

export function listBlocks(db: Db, scope: Scope, request: BlockListRequest & PageRequest) {
  let query = selectBlocks(db, scope);
  if (request.state) query = query.where('b.state', '=', request.state);
  return paginate(query, { columns: { name: 'b.name', id: 'b.id' }, tie: 'b.id', tieKey: 'id', defaultSort: 'name' }, request);
}

/** The block whose range holds `prefix`, if any. */
export async function blockHolding(tx: Tx, prefix: string): Promise<number | undefined> {
  const row = await tx.selectFrom('address_block').select('id').where(sql<boolean>`range >>= ${prefix}::cidr`).executeTakeFirst();
  return row?.id;
}

export interface LockedBlock {
  id: number;
  range: string;
  state: string;
  sizing: Array<{ upToMbps: number; prefixLength: number }> | null;
}

/**
 * Locks a block's row until the transaction ends: allocations from one block are made one at a
 * time, so each sees the last one's prefix. (The exclusion constraint would refuse an overlap
 * anyway; the lock turns that refusal into waiting.)
 */
export async function lockBlock(tx: Tx, id: number): Promise<LockedBlock | undefined> {
  const result = await sql<LockedBlock>`select id, range::text as range, state, sizing from address_block where id = ${id} for update`.execute(tx);
  return result.rows[0];
}

export async function openBlockIds(tx: Tx): Promise<number[]> {
  const rows = await tx.selectFrom('address_block').select('id').where('state', '=', 'open').orderBy('id').execute();
  return rows.map((r) => r.id);
}

export interface NewAllocation {
  holder: string;
  purpose: string;
  organisationId: number | null;
  siteId: number | null;
}

/**
 * Takes the best-fitting free prefix of `length` from a locked block, in one statement: the gaps
 * between the block's live prefixes (sorted, they never overlap, so each gap starts where the
 * previous prefix ends), the first aligned start in each, and the smallest gap that holds one,
 * lowest address first: domain/address-plan.ts `bestFit`, in SQL. Undefined when the block is full.
 */
export async function allocateFromBlock(tx: Tx, blockId: number, length: number, input: NewAllocation): Promise<number | undefined> {
  const result = await sql<{ id: number }>`insert into address_allocation (block_id, block_range, prefix, holder, purpose, organisation_id, site_id)
    select b.id, b.range, set_masklen(network(b.range) + pick.start, ${length})::cidr, ${input.holder}, ${input.purpose}, ${input.organisationId}, ${input.siteId}
    from address_block b
    cross join lateral (
      select g.aligned as start
      from (
        select gap_start, gap_end, size, ((gap_start + size - 1) / size) * size as aligned
        from (
          select lag(t.stop, 1, 0::bigint) over (order by t.start) as gap_start, t.start as gap_end, (1::bigint << (32 - ${length}::int)) as size
          from (
            select a.prefix - network(b.range) as start, a.prefix - network(b.range) + (1::bigint << (32 - masklen(a.prefix))) as stop
            from address_allocation a
            where a.block_id = b.id and a.released_at is null
            union all
            select 1::bigint << (32 - masklen(b.range)), 1::bigint << (32 - masklen(b.range))
          ) t
        ) gaps
      ) g
      where g.aligned + g.size <= g.gap_end
      order by g.gap_end - g.gap_start, g.aligned
      limit 1
    ) pick
    where b.id = ${blockId} and ${length}::int >= masklen(b.range)
    returning id`.execute(tx);
  return result.rows[0]?.id;
}

/** A live prefix overlapping `prefix`, if any (the caller holds the block's lock). */
export async function liveOverlap(tx: Tx, prefix: string): Promise<string | undefined> {
  const result = await sql<{ prefix: string }>`select prefix::text as prefix from address_allocation
    where released_at is null and prefix && ${prefix}::cidr limit 1`.execute(tx);
  return result.rows[0]?.prefix;
}

export async function insertAllocation(tx: Tx, block: LockedBlock, prefix: string, input: NewAllocation): Promise<number> {
  const result = await sql<{ id: number }>`insert into address_allocation (block_id, block_range, prefix, holder, purpose, organisation_id, site_id)
    values (${block.id}, ${block.range}::cidr, ${prefix}::cidr, ${input.holder}, ${input.purpose}, ${input.organisationId}, ${input.siteId})
    returning id`.execute(tx);
  return result.rows[0]!.id;
}

function selectAllocations(db: Db | Tx, scope: Scope) {
  return db
    .selectFrom('address_allocation as a')
    .innerJoin('address_block as b', 'b.id', 'a.block_id')
    .leftJoin('organisation as org', 'org.id', 'a.organisation_id')
    .selectAll('a')
    .select([
      'b.name as block_name',
      'org.ods_code as organisation_ods_code',
      'org.name as organisation_name',
      'a.allocated_at as allocatedAt',
    ])
    .where(inScope(scope, ALLOCATION_SCOPE));
}

export type AllocationRow = Awaited<ReturnType<ReturnType<typeof selectAllocations>['executeTakeFirstOrThrow']>>;

export function findAllocation(db: Db | Tx, scope: Scope, id: number): Promise<AllocationRow | undefined> {
  return selectAllocations(db, scope).where('a.id', '=', id).executeTakeFirst();
}

export function liveAllocationsOf(db: Db | Tx, holder: string): Promise<AllocationRow[]> {
  return selectAllocations(db, { kind: 'network' }).where('a.holder', '=', holder).where('a.released_at', 'is', null).orderBy('a.id').execute();
}

export function listAllocations(db: Db, scope: Scope, request: AllocationListRequest & PageRequest) {
  let query = selectAllocations(db, scope);
  if (request.blockId) query = query.where('a.block_id', '=', request.blockId);
  if (request.holder) query = query.where('a.holder', '=', request.holder);
  if (request.live !== undefined) query = query.where('a.released_at', request.live ? 'is' : 'is not', null);
  if (request.organisation) query = query.where('org.ods_code', '=', request.organisation.toUpperCase());
  return paginate(
    query,
    { columns: { allocatedAt: 'a.allocated_at', prefix: 'a.prefix', id: 'a.id' }, tie: 'a.id', tieKey: 'id', defaultSort: 'allocatedAt' },
    request,
  );
}

/** Marks a live allocation released; false when it was not live. */
export async function markReleased(tx: Tx, id: number): Promise<boolean> {
  const now = new Date();
  const result = await tx
    .updateTable('address_allocation')
    .set((eb) => ({ released_at: now, updated_at: now, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('released_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function organisationIdByOdsCode(tx: Tx, odsCode: string): Promise<number | undefined> {
  const row = await tx.selectFrom('organisation').select('id').where('ods_code', '=', odsCode.toUpperCase()).executeTakeFirst();
  return row?.id;
}
