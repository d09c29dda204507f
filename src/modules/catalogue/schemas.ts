import { Type, type Static } from 'typebox';
import { Nullable, OneOf, PageQuery, UpperCode as Code } from '../../core/http/schemas.ts';

export const PRODUCT_KINDS = ['connection', 'service'] as const;
export const ACCESS_TECHNOLOGIES = ['adsl', 'fttc', 'fttp', 'ethernet_copper', 'ethernet_fibre', 'mobile', 'satellite'] as const;
export const RESILIENCE = ['single', 'resilient'] as const;
export const PRODUCT_STATES = ['active', 'withdrawn'] as const;

export const ServiceClassSchema = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    availabilityTarget: Type.Number({ description: 'Percent of the month, planned maintenance excluded' }),
    fixMinutes: Type.Array(Type.Integer(), { description: 'Time to fix by incident priority: fixMinutes[0] is priority 1' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    version: Type.Integer(),
  },
  { $id: 'ServiceClass' },
);
export type ServiceClass = Static<typeof ServiceClassSchema>;

const classFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  availabilityTarget: Type.Number({ exclusiveMinimum: 0, maximum: 100, multipleOf: 0.001 }),
  fixMinutes: Type.Array(Type.Integer({ minimum: 1, maximum: 60 * 24 * 90 }), { minItems: 1, maxItems: 5 }),
};

export const CreateServiceClassBody = Type.Object({ code: Code, ...classFields }, { additionalProperties: false });
export type CreateServiceClass = Static<typeof CreateServiceClassBody>;
export const UpdateServiceClassBody = Type.Object(
  { name: Type.Optional(classFields.name), availabilityTarget: Type.Optional(classFields.availabilityTarget), fixMinutes: Type.Optional(classFields.fixMinutes) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateServiceClass = Static<typeof UpdateServiceClassBody>;

export const ProductSchema = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    kind: Type.String(),
    accessTechnology: Nullable(Type.String()),
    bandwidthDownKbps: Nullable(Type.Integer()),
    bandwidthUpKbps: Nullable(Type.Integer()),
    resilience: Nullable(Type.String()),
    serviceClass: Type.Object({ code: Type.String(), name: Type.String(), availabilityTarget: Type.Number() }),
    description: Nullable(Type.String()),
    requiresApproval: Type.Boolean({ description: 'Service requests for this product wait for an approver before they are fulfilled' }),
    state: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    version: Type.Integer(),
  },
  { $id: 'Product' },
);
export type Product = Static<typeof ProductSchema>;

const Kbps = Type.Integer({ minimum: 1, maximum: 100_000_000 });
const productFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  accessTechnology: Nullable(OneOf(ACCESS_TECHNOLOGIES)),
  bandwidthDownKbps: Nullable(Kbps),
  bandwidthUpKbps: Nullable(Kbps),
  resilience: Nullable(OneOf(RESILIENCE)),
  serviceClassCode: Type.String({ minLength: 1, maxLength: 40 }),
  description: Nullable(Type.String({ maxLength: 2000 })),
  requiresApproval: Type.Boolean(),
  state: OneOf(PRODUCT_STATES),
};

export const CreateProductBody = Type.Object(
  {
    code: Code,
    kind: OneOf(PRODUCT_KINDS),
    name: productFields.name,
    accessTechnology: Type.Optional(productFields.accessTechnology),
    bandwidthDownKbps: Type.Optional(productFields.bandwidthDownKbps),
    bandwidthUpKbps: Type.Optional(productFields.bandwidthUpKbps),
    resilience: Type.Optional(productFields.resilience),
    serviceClassCode: productFields.serviceClassCode,
    description: Type.Optional(productFields.description),
    requiresApproval: Type.Optional(productFields.requiresApproval),
    state: Type.Optional(productFields.state),
  },
  { additionalProperties: false },
);
export type CreateProduct = Static<typeof CreateProductBody>;

export const UpdateProductBody = Type.Object(
  Object.fromEntries(Object.entries(productFields).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof typeof productFields]: ReturnType<typeof Type.Optional<(typeof productFields)[K]>>;
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateProduct = Static<typeof UpdateProductBody>;

export const ProductListQuery = PageQuery(['code', 'name'] as const, {
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  kind: Type.Optional(OneOf(PRODUCT_KINDS)),
  accessTechnology: Type.Optional(OneOf(ACCESS_TECHNOLOGIES)),
  resilience: Type.Optional(OneOf(RESILIENCE)),
  state: Type.Optional(OneOf(PRODUCT_STATES)),
  minDownKbps: Type.Optional(Kbps),
  serviceClass: Type.Optional(Type.String({ maxLength: 40 })),
});
export type ProductListRequest = Static<typeof ProductListQuery>;

export const ServiceClassListQuery = PageQuery(['code'] as const, {});
export const CodeParams = Type.Object({ code: Type.String({ pattern: '^[A-Za-z0-9-]{2,40}$' }) });
