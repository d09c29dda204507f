import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../core/context.ts';
import { principalOf } from '../../core/http/route-access.ts';
import { createOnce } from '../../core/http/idempotency.ts';
import { etagOf, expectedVersion, setEtag } from '../../core/http/concurrency.ts';
import { mapPage } from '../../core/http/pagination.ts';
import { Page, PageQuery } from '../../core/http/schemas.ts';
import { describeConstraint } from '../../core/http/problem-handler.ts';
import { JournalEntrySchema, recordHistory } from '../../core/journal/history.ts';
import { listContacts, listContracts, listPrices, listSuppliers } from './queries.ts';
import { addContact, addContract, addPrice, createSupplier, ENTITY, getSupplier, presentContact, presentContract, presentPrice, presentSupplier, updateSupplier } from './service.ts';
import {
  ContactSchema,
  ContractSchema,
  CreateContactBody,
  CreateContractBody,
  CreatePriceBody,
  CreateSupplierBody,
  PriceListQuery,
  PriceSchema,
  SubListQuery,
  SupplierListQuery,
  SupplierParams,
  SupplierSchema,
  UpdateSupplierBody,
} from './schemas.ts';

describeConstraint('supplier_code_key', 'code', 'a supplier with this code already exists');
describeConstraint('supplier_contract_reference_key', 'reference', 'this supplier already has a contract with this reference');

/**
 * Suppliers, their underpinning contracts, contacts, regions served and price books. Every
 * route names the supplier: a supplier engineer reaches only their own company's.
 */
export async function supplierRoutes(appBase: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  for (const schema of [SupplierSchema, ContractSchema, ContactSchema, PriceSchema]) app.addSchema(schema);
  const tags = ['Suppliers'];
  const read = { access: { permission: 'suppliers:read', resource: 'supplier' } } as const;
  const write = { access: { permission: 'suppliers:write', resource: 'supplier' } } as const;

  app.get('/suppliers', {
    config: read,
    schema: { tags, summary: 'Search suppliers', querystring: SupplierListQuery, response: { 200: Page(Type.Ref('Supplier')) } },
    handler: async (request) => mapPage(await listSuppliers(ctx.db, principalOf(request).scope, request.query), presentSupplier),
  });

  app.post('/suppliers', {
    config: write,
    schema: { tags, summary: 'Create a supplier', body: CreateSupplierBody, response: { 201: Type.Ref('Supplier') } },
    handler: async (request, reply) =>
      createOnce(ctx, request, reply, async (tx) => {
        const row = await createSupplier(tx, ctx, principalOf(request), request.body);
        return { status: 201, body: presentSupplier(row), headers: { etag: etagOf(row.version), location: `/api/v1/suppliers/${row.id}` } };
      }),
  });

  app.get('/suppliers/:id', {
    config: read,
    schema: { tags, summary: 'Read a supplier', params: SupplierParams, response: { 200: Type.Ref('Supplier') } },
    handler: async (request, reply) => {
      const row = await getSupplier(ctx, principalOf(request), request.params.id);
      setEtag(reply, row.version);
      return presentSupplier(row);
    },
  });

  app.patch('/suppliers/:id', {
    config: write,
    schema: { tags, summary: 'Change a supplier, or the regions it serves (If-Match required)', params: SupplierParams, body: UpdateSupplierBody, response: { 200: Type.Ref('Supplier') } },
    handler: async (request, reply) => {
      const row = await updateSupplier(ctx, principalOf(request), request.params.id, expectedVersion(request), request.body);
      setEtag(reply, row.version);
      return presentSupplier(row);
    },
  });

  app.get('/suppliers/:id/journal', {
    config: { access: { permission: 'journal:read', resource: 'supplier' } },
    schema: { tags, summary: "A supplier's journal, newest first", params: SupplierParams, querystring: PageQuery(['id'], {}), response: { 200: Page(JournalEntrySchema) } },
    handler: async (request) => {
      const row = await getSupplier(ctx, principalOf(request), request.params.id);
      return recordHistory(ctx.db, ENTITY, row.id, request.query);
    },
  });

  app.get('/suppliers/:id/contracts', {
    config: read,
    schema: { tags, summary: "A supplier's underpinning contracts", params: SupplierParams, querystring: SubListQuery, response: { 200: Page(Type.Ref('SupplierContract')) } },
    handler: async (request) => {
      const supplier = await getSupplier(ctx, principalOf(request), request.params.id);
      return mapPage(await listContracts(ctx.db, supplier.id, request.query), presentContract);
    },
  });

  app.post('/suppliers/:id/contracts', {
    config: write,
    schema: { tags, summary: 'Record a contract with a supplier', params: SupplierParams, body: CreateContractBody, response: { 201: Type.Ref('SupplierContract') } },
    handler: async (request, reply) =>
      createOnce(ctx, request, reply, async (tx) => ({ status: 201, body: await addContract(tx, ctx, principalOf(request), request.params.id, request.body) })),
  });

  app.get('/suppliers/:id/contacts', {
    config: read,
    schema: { tags, summary: "A supplier's contacts", params: SupplierParams, querystring: SubListQuery, response: { 200: Page(Type.Ref('SupplierContact')) } },
    handler: async (request) => {
      const supplier = await getSupplier(ctx, principalOf(request), request.params.id);
      return mapPage(await listContacts(ctx.db, supplier.id, request.query), presentContact);
    },
  });

  app.post('/suppliers/:id/contacts', {
    config: write,
    schema: { tags, summary: 'Record a contact at a supplier', params: SupplierParams, body: CreateContactBody, response: { 201: Type.Ref('SupplierContact') } },
    handler: async (request, reply) =>
      createOnce(ctx, request, reply, async (tx) => ({ status: 201, body: await addContact(tx, ctx, principalOf(request), request.params.id, request.body) })),
  });

  app.get('/suppliers/:id/prices', {
    config: read,
    schema: { tags, summary: "A supplier's price book", params: SupplierParams, querystring: PriceListQuery, response: { 200: Page(Type.Ref('SupplierPrice')) } },
    handler: async (request) => {
      const supplier = await getSupplier(ctx, principalOf(request), request.params.id);
      return mapPage(await listPrices(ctx.db, supplier.id, request.query), presentPrice);
    },
  });

  app.post('/suppliers/:id/prices', {
    config: write,
    schema: { tags, summary: "Add a line to a supplier's price book", params: SupplierParams, body: CreatePriceBody, response: { 201: Type.Ref('SupplierPrice') } },
    handler: async (request, reply) =>
      createOnce(ctx, request, reply, async (tx) => ({ status: 201, body: await addPrice(tx, ctx, principalOf(request), request.params.id, request.body) })),
  });
}
