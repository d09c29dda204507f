import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../core/context.ts';
import { principalOf } from '../../core/http/route-access.ts';
import { createOnce } from '../../core/http/idempotency.ts';
import { etagOf, expectedVersion, setEtag } from '../../core/http/concurrency.ts';
import { mapPage } from '../../core/http/pagination.ts';
import { Page } from '../../core/http/schemas.ts';
import { describeConstraint } from '../../core/http/problem-handler.ts';
import { listProducts, listServiceClasses } from './queries.ts';
import { createProduct, createServiceClass, getProduct, getServiceClass, presentProduct, presentServiceClass, updateProduct, updateServiceClass } from './service.ts';
import {
  CodeParams,
  CreateProductBody,
  CreateServiceClassBody,
  ProductListQuery,
  ProductSchema,
  ServiceClassListQuery,
  ServiceClassSchema,
  UpdateProductBody,
  UpdateServiceClassBody,
} from './schemas.ts';

describeConstraint('service_class_code_key', 'code', 'a service class with this code already exists');
describeConstraint('product_code_key', 'code', 'a product with this code already exists');
describeConstraint('product_connection_check', 'kind', 'a connection product needs access technology, bandwidths and resilience; other services none');

/** The service catalogue (ISO/IEC 20000-1 8.2.4): service classes and the products offered. */
export async function catalogueRoutes(appBase: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(ServiceClassSchema);
  app.addSchema(ProductSchema);
  const tags = ['Service catalogue'];
  const classes = (permission: 'catalogue:read' | 'catalogue:write') => ({ access: { permission, resource: 'service_class' } });
  const products = (permission: 'catalogue:read' | 'catalogue:write') => ({ access: { permission, resource: 'product' } });

  app.get('/service-classes', {
    config: classes('catalogue:read'),
    schema: { tags, summary: 'Service classes', querystring: ServiceClassListQuery, response: { 200: Page(Type.Ref('ServiceClass')) } },
    handler: async (request) => mapPage(await listServiceClasses(ctx.db, principalOf(request).scope, request.query), presentServiceClass),
  });

  app.post('/service-classes', {
    config: classes('catalogue:write'),
    schema: { tags, summary: 'Create a service class', body: CreateServiceClassBody, response: { 201: Type.Ref('ServiceClass') } },
    handler: async (request, reply) =>
      createOnce(ctx, request, reply, async (tx) => {
        const row = await createServiceClass(tx, ctx, principalOf(request), request.body);
        return { status: 201, body: presentServiceClass(row), headers: { etag: etagOf(row.version), location: `/api/v1/service-classes/${row.code}` } };
      }),
  });

  app.get('/service-classes/:code', {
    config: classes('catalogue:read'),
    schema: { tags, summary: 'Read a service class', params: CodeParams, response: { 200: Type.Ref('ServiceClass') } },
    handler: async (request, reply) => {
      const row = await getServiceClass(ctx, principalOf(request), request.params.code);
      setEtag(reply, row.version);
      return presentServiceClass(row);
    },
  });

  app.patch('/service-classes/:code', {
    config: classes('catalogue:write'),
    schema: { tags, summary: 'Change a service class (If-Match required)', params: CodeParams, body: UpdateServiceClassBody, response: { 200: Type.Ref('ServiceClass') } },
    handler: async (request, reply) => {
      const row = await updateServiceClass(ctx, principalOf(request), request.params.code, expectedVersion(request), request.body);
      setEtag(reply, row.version);
      return presentServiceClass(row);
    },
  });

  app.get('/products', {
    config: products('catalogue:read'),
    schema: { tags, summary: 'Search the catalogue', querystring: ProductListQuery, response: { 200: Page(Type.Ref('Product')) } },
    handler: async (request) => mapPage(await listProducts(ctx.db, principalOf(request).scope, request.query), presentProduct),
  });

  app.post('/products', {
    config: products('catalogue:write'),
    schema: { tags, summary: 'Add a product to the catalogue', body: CreateProductBody, response: { 201: Type.Ref('Product') } },
    handler: async (request, reply) =>
      createOnce(ctx, request, reply, async (tx) => {
        const row = await createProduct(tx, ctx, principalOf(request), request.body);
        return { status: 201, body: presentProduct(row), headers: { etag: etagOf(row.version), location: `/api/v1/products/${row.code}` } };
      }),
  });

  app.get('/products/:code', {
    config: products('catalogue:read'),
    schema: { tags, summary: 'Read a product', params: CodeParams, response: { 200: Type.Ref('Product') } },
    handler: async (request, reply) => {
      const row = await getProduct(ctx, principalOf(request), request.params.code);
      setEtag(reply, row.version);
      return presentProduct(row);
    },
  });

  app.patch('/products/:code', {
    config: products('catalogue:write'),
    schema: { tags, summary: 'Change a product (If-Match required)', params: CodeParams, body: UpdateProductBody, response: { 200: Type.Ref('Product') } },
    handler: async (request, reply) => {
      const row = await updateProduct(ctx, principalOf(request), request.params.code, expectedVersion(request), request.body);
      setEtag(reply, row.version);
      return presentProduct(row);
    },
  });
}
