import { Type, type Static } from 'typebox';
import { Nullable, OneOf, PageQuery } from '../../core/http/schemas.ts';
import { MAX_SITE_PREFIX, MIN_SITE_PREFIX } from '../../domain/address-plan.ts';

const Cidr = Type.String({ pattern: '^\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}$', description: 'IPv4 prefix, a.b.c.d/n, host bits zero' });

const SizingStep = Type.Object(
  {
    upToMbps: Type.Number({ exclusiveMinimum: 0, description: 'Products up to this bandwidth…' }),
    prefixLength: Type.Integer({ minimum: MIN_SITE_PREFIX, maximum: MAX_SITE_PREFIX, description: '…get a prefix of this length' }),
  },
  { additionalProperties: false },
);

export const AddressBlockSchema = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    range: Type.String(),
    state: Type.String(),
    sizing: Type.Array(SizingStep, { description: 'The rule in force: the block’s own, or the default' }),
    customSizing: Type.Boolean(),
    addresses: Type.Integer(),
    usedAddresses: Type.Integer(),
    liveAllocations: Type.Integer(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    version: Type.Integer(),
  },
  { $id: 'AddressBlock' },
);
export type AddressBlock = Static<typeof AddressBlockSchema>;

export const CreateBlockBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    range: Cidr,
    sizing: Type.Optional(Nullable(Type.Array(SizingStep, { minItems: 1, maxItems: 20 }))),
    state: Type.Optional(OneOf(['open', 'closed'] as const)),
  },
  { additionalProperties: false },
);
export type CreateBlock = Static<typeof CreateBlockBody>;

export const UpdateBlockBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    sizing: Type.Optional(Nullable(Type.Array(SizingStep, { minItems: 1, maxItems: 20 }))),
    state: Type.Optional(OneOf(['open', 'closed'] as const, { description: 'A closed block gives no new prefixes; its live ones stay' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateBlock = Static<typeof UpdateBlockBody>;

export const BlockListQuery = PageQuery(['name', 'id'] as const, { state: Type.Optional(OneOf(['open', 'closed'] as const)) });
export type BlockListRequest = Static<typeof BlockListQuery>;

export const AllocationSchema = Type.Object(
  {
    id: Type.Integer(),
    block: Type.Object({ id: Type.Integer(), name: Type.String() }),
    prefix: Type.String(),
    holder: Type.String(),
    purpose: Type.String(),
    organisation: Nullable(Type.Object({ odsCode: Type.String(), name: Type.String() })),
    siteId: Nullable(Type.Integer()),
    allocatedAt: Type.String({ format: 'date-time' }),
    releasedAt: Nullable(Type.String({ format: 'date-time' })),
    live: Type.Boolean(),
    version: Type.Integer(),
  },
  { $id: 'AddressAllocation' },
);
export type Allocation = Static<typeof AllocationSchema>;

export const AllocateBody = Type.Object(
  {
    holder: Type.String({ minLength: 1, maxLength: 200, description: "Who holds the prefix, by reference: 'connection:42'" }),
    purpose: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'One live prefix per holder and purpose; default site_lan' })),
    blockId: Type.Optional(Type.Integer({ minimum: 1, description: 'The block to carve from; default the first open block with room' })),
    bandwidthMbps: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: "The product's bandwidth: the block's sizing rule gives the length" })),
    resilient: Type.Optional(Type.Boolean({ description: 'A resilient product gets the next size up' })),
    prefixLength: Type.Optional(Type.Integer({ minimum: MIN_SITE_PREFIX, maximum: MAX_SITE_PREFIX, description: 'An explicit length instead of the sizing rule' })),
    prefix: Type.Optional({ ...Cidr, description: 'A given prefix (recording an existing plan) instead of the next free one' }),
    organisationOdsCode: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{3,12}$' })),
    siteId: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type Allocate = Static<typeof AllocateBody>;

export const AllocationListQuery = PageQuery(['allocatedAt', 'prefix', 'id'] as const, {
  blockId: Type.Optional(Type.Integer({ minimum: 1 })),
  holder: Type.Optional(Type.String({ maxLength: 200 })),
  live: Type.Optional(Type.Boolean()),
  organisation: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{3,12}$', description: 'ODS code' })),
});
export type AllocationListRequest = Static<typeof AllocationListQuery>;

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
