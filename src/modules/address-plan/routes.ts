import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../core/context.ts';
import { actorOf } from '../../core/access/principal.ts';
import { principalOf } from '../../core/http/route-access.ts';
import { createOnce } from '../../core/http/idempotency.ts';
import { etagOf, expectedVersion, setEtag } from '../../core/http/concurrency.ts';
import { mapPage } from '../../core/http/pagination.ts';
import { Page, PageQuery } from '../../core/http/schemas.ts';
import { describeConstraint } from '../../core/http/problem-handler.ts';
import { JournalEntrySchema, recordHistory } from '../../core/journal/history.ts';
import { listAllocations, listBlocks } from './queries.ts';
import {
  ALLOCATION_ENTITY,
  allocate,
  createBlock,
  getAllocation,
  getBlock,
  presentAllocation,
  presentBlock,
  release,
  updateBlock,
  type Writer,
} from './service.ts';
import { AddressBlockSchema, AllocateBody, AllocationListQuery, AllocationSchema, BlockListQuery, CreateBlockBody, IdParams, UpdateBlockBody } from './schemas.ts';

describeConstraint('address_block_name_key', 'name', 'another address block has this name');
describeConstraint('address_block_no_overlap', 'range', 'overlaps another address block');
describeConstraint('address_allocation_holder_key', 'holder', 'already holds a live prefix for this purpose');

const BLOCK = { resource: 'address_block' } as const;
const ALLOCATION = { resource: 'address_allocation' } as const;

function writerOf(request: FastifyRequest): Writer {
  const principal = principalOf(request);
  return { actor: actorOf(principal), scope: principal.scope };
}

export async function addressPlanRoutes(appBase: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(AddressBlockSchema);
  app.addSchema(AllocationSchema);
  const tags = ['Address plan'];
  const scopeOf = (request: FastifyRequest) => principalOf(request).scope;

  app.get('/address-blocks', {
    config: { access: { permission: 'addresses:read', ...BLOCK } },
    schema: { tags, summary: 'List address blocks with their use', querystring: BlockListQuery, response: { 200: Page(Type.Ref('AddressBlock')) } },
    handler: async (request) => mapPage(await listBlocks(ctx.db, scopeOf(request), request.query), presentBlock),
  });

  app.post('/address-blocks', {
    config: { access: { permission: 'addresses:write', ...BLOCK } },
    schema: { tags, summary: 'Add a block of private address space', body: CreateBlockBody, response: { 201: Type.Ref('AddressBlock') } },
    handler: async (request, reply) =>
      createOnce(ctx, request, reply, async (tx) => {
        const row = await createBlock(tx, ctx, writerOf(request), request.body);
        return { status: 201, body: presentBlock(row), headers: { etag: etagOf(row.version), location: `/api/v1/address-blocks/${row.id}` } };
      }),
  });

  app.get('/address-blocks/:id', {
    config: { access: { permission: 'addresses:read', ...BLOCK } },
    schema: { tags, summary: 'Read an address block', params: IdParams, response: { 200: Type.Ref('AddressBlock') } },
    handler: async (request, reply) => {
      const row = await getBlock(ctx, scopeOf(request), request.params.id);
      setEtag(reply, row.version);
      return presentBlock(row);
    },
  });

  app.patch('/address-blocks/:id', {
    config: { access: { permission: 'addresses:write', ...BLOCK } },
    schema: { tags, summary: "Rename, re-size or close a block (If-Match required)", params: IdParams, body: UpdateBlockBody, response: { 200: Type.Ref('AddressBlock') } },
    handler: async (request, reply) => {
      const row = await updateBlock(ctx, writerOf(request), request.params.id, expectedVersion(request), request.body);
      setEtag(reply, row.version);
      return presentBlock(row);
    },
  });

  app.get('/address-allocations', {
    config: { access: { permission: 'addresses:read', ...ALLOCATION } },
    schema: { tags, summary: 'List allocated prefixes', querystring: AllocationListQuery, response: { 200: Page(Type.Ref('AddressAllocation')) } },
    handler: async (request) => mapPage(await listAllocations(ctx.db, scopeOf(request), request.query), presentAllocation),
  });

  app.post('/address-allocations', {
    config: { access: { permission: 'addresses:write', ...ALLOCATION } },
    schema: { tags, summary: 'Allocate a prefix: the next free one sized by product, or a given one', body: AllocateBody, response: { 201: Type.Ref('AddressAllocation') } },
    handler: async (request, reply) =>
      createOnce(ctx, request, reply, async (tx) => {
        const row = await allocate(tx, ctx, writerOf(request), request.body);
        return { status: 201, body: presentAllocation(row), headers: { etag: etagOf(row.version), location: `/api/v1/address-allocations/${row.id}` } };
      }),
  });

  app.get('/address-allocations/:id', {
    config: { access: { permission: 'addresses:read', ...ALLOCATION } },
    schema: { tags, summary: 'Read an allocation', params: IdParams, response: { 200: Type.Ref('AddressAllocation') } },
    handler: async (request, reply) => {
      const row = await getAllocation(ctx, scopeOf(request), request.params.id);
      setEtag(reply, row.version);
      return presentAllocation(row);
    },
  });

  app.post('/address-allocations/:id/release', {
    config: { access: { permission: 'addresses:write', ...ALLOCATION } },
    schema: { tags, summary: 'Return a prefix to its block', params: IdParams, response: { 200: Type.Ref('AddressAllocation') } },
    handler: async (request, reply) => {
      const row = await release(ctx, writerOf(request), request.params.id);
      setEtag(reply, row.version);
      return presentAllocation(row);
    },
  });

  app.get('/address-allocations/:id/journal', {
    config: { access: { permission: 'journal:read', ...ALLOCATION } },
    schema: { tags, summary: "An allocation's journal, newest first", params: IdParams, querystring: PageQuery(['id'], {}), response: { 200: Page(JournalEntrySchema) } },
    handler: async (request) => {
      const row = await getAllocation(ctx, scopeOf(request), request.params.id);
      return recordHistory(ctx.db, ALLOCATION_ENTITY, row.id, request.query);
    },
  });
}
