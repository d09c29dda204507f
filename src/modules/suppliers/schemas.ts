import { Type, type Static } from 'typebox';
import { IsoDate, Nullable, OneOf, PageQuery } from '../../core/http/schemas.ts';

export const SUPPLIER_KINDS = ['access', 'carrier', 'hardware', 'services'] as const;
export const SUPPLIER_STATES = ['active', 'suspended', 'exited'] as const;

const Code = Type.String({ pattern: '^[A-Z0-9][A-Z0-9-]{1,19}$', description: 'Short code, e.g. BT-OPENREACH' });
const RegionCode = Type.String({ pattern: '^[A-Z0-9]{3,12}$', description: 'ODS code of a region organisation, e.g. Y63' });
const Money = Type.String({ pattern: '^\\d{1,10}(\\.\\d{1,2})?$', description: 'Pounds, as a decimal string: 1250.00' });

export const SupplierSchema = Type.Object(
  {
    id: Type.Integer(),
    code: Type.String(),
    name: Type.String(),
    kind: Type.String(),
    state: Type.String(),
    website: Nullable(Type.String()),
    regions: Type.Array(Type.Object({ odsCode: Type.String(), name: Type.String() }), { description: 'Regions served' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    version: Type.Integer(),
  },
  { $id: 'Supplier' },
);
export type Supplier = Static<typeof SupplierSchema>;

const editable = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  kind: OneOf(SUPPLIER_KINDS),
  state: OneOf(SUPPLIER_STATES),
  website: Nullable(Type.String({ format: 'uri', maxLength: 200 })),
  regions: Type.Array(RegionCode, { maxItems: 50, uniqueItems: true }),
};

export const CreateSupplierBody = Type.Object(
  {
    code: Code,
    name: editable.name,
    kind: editable.kind,
    state: Type.Optional(editable.state),
    website: Type.Optional(editable.website),
    regions: Type.Optional(editable.regions),
  },
  { additionalProperties: false },
);
export type CreateSupplier = Static<typeof CreateSupplierBody>;

export const UpdateSupplierBody = Type.Object(
  Object.fromEntries(Object.entries(editable).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof typeof editable]: ReturnType<typeof Type.Optional<(typeof editable)[K]>>;
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateSupplier = Static<typeof UpdateSupplierBody>;

export const SupplierListQuery = PageQuery(['name', 'code'] as const, {
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Code, or part of the name' })),
  kind: Type.Optional(OneOf(SUPPLIER_KINDS)),
  state: Type.Optional(OneOf(SUPPLIER_STATES)),
  region: Type.Optional(RegionCode),
});
export type SupplierListRequest = Static<typeof SupplierListQuery>;

export const SupplierParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const ContractSchema = Type.Object(
  {
    id: Type.Integer(),
    reference: Type.String(),
    title: Type.String(),
    startsOn: Type.String(),
    endsOn: Nullable(Type.String()),
    noticeDays: Type.Integer(),
    version: Type.Integer(),
  },
  { $id: 'SupplierContract' },
);
export type Contract = Static<typeof ContractSchema>;

export const CreateContractBody = Type.Object(
  {
    reference: Type.String({ minLength: 1, maxLength: 60 }),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    startsOn: IsoDate,
    endsOn: Type.Optional(Nullable(IsoDate)),
    noticeDays: Type.Integer({ minimum: 0, maximum: 3650, description: 'Notice period, in days' }),
  },
  { additionalProperties: false },
);
export type CreateContract = Static<typeof CreateContractBody>;

export const ContactSchema = Type.Object(
  { id: Type.Integer(), name: Type.String(), role: Type.String(), email: Nullable(Type.String()), phone: Nullable(Type.String()), version: Type.Integer() },
  { $id: 'SupplierContact' },
);
export type Contact = Static<typeof ContactSchema>;

export const CreateContactBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    role: Type.String({ minLength: 1, maxLength: 100, description: 'e.g. account manager, escalation, service desk' }),
    email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: 200 }))),
    phone: Type.Optional(Nullable(Type.String({ pattern: '^[0-9 +()-]{6,20}$' }))),
  },
  { additionalProperties: false },
);
export type CreateContact = Static<typeof CreateContactBody>;

export const PriceSchema = Type.Object(
  {
    id: Type.Integer(),
    product: Type.Object({ code: Type.String(), name: Type.String() }),
    region: Nullable(Type.Object({ odsCode: Type.String(), name: Type.String() })),
    installCharge: Type.String(),
    annualRental: Type.String(),
    leadTimeDays: Type.Integer(),
    validFrom: Type.String(),
    validTo: Nullable(Type.String()),
    version: Type.Integer(),
  },
  { $id: 'SupplierPrice' },
);
export type Price = Static<typeof PriceSchema>;

export const CreatePriceBody = Type.Object(
  {
    productCode: Type.String({ minLength: 1, maxLength: 40 }),
    regionOdsCode: Type.Optional(Nullable(RegionCode)),
    installCharge: Money,
    annualRental: Money,
    leadTimeDays: Type.Integer({ minimum: 0, maximum: 730 }),
    validFrom: IsoDate,
    validTo: Type.Optional(Nullable(IsoDate)),
  },
  { additionalProperties: false },
);
export type CreatePrice = Static<typeof CreatePriceBody>;

export const PriceListQuery = PageQuery(['validFrom'] as const, {
  product: Type.Optional(Type.String({ maxLength: 40, description: 'Product code' })),
  region: Type.Optional(RegionCode),
  on: Type.Optional(Type.String({ format: 'date', description: 'Only prices valid on this date' })),
});
export type PriceListRequest = Static<typeof PriceListQuery>;

export const SubListQuery = PageQuery(['id'] as const, {});
