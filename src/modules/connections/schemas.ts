import { Type, type Static } from 'typebox';
import { IsoDate, Nullable, OneOf, PageQuery } from '../../core/http/schemas.ts';
import { CONNECTION_STATES } from '../../domain/connection-lifecycle.ts';

const State = OneOf(CONNECTION_STATES);
const Money = Type.String({ pattern: '^\\d+\\.\\d{2}$', description: 'Pounds, two decimals' });
const Ref = Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() });

export const QuoteSchema = Type.Object(
  {
    rank: Type.Integer(),
    chosen: Type.Boolean(),
    supplier: Ref,
    priceId: Type.Integer(),
    installCharge: Money,
    annualRental: Money,
    leadTimeDays: Type.Integer(),
    contractYears: Type.Integer(),
    totalCost: Money,
    leadTimePenalty: Money,
    deliveryFactor: Type.Number(),
    score: Money,
  },
  { $id: 'ConnectionQuote' },
);
export type Quote = Static<typeof QuoteSchema>;

export const QuotesSchema = Type.Object(
  {
    connectionId: Type.Integer(),
    stored: Type.Boolean({ description: 'Quotes kept when the connection was quoted or ordered; false when priced now' }),
    quotes: Type.Array(Type.Ref('ConnectionQuote')),
    winner: Nullable(Type.Ref('ConnectionQuote')),
    reason: Type.String(),
  },
  { $id: 'ConnectionQuotes' },
);
export type Quotes = Omit<Static<typeof QuotesSchema>, 'quotes' | 'winner'> & { quotes: Quote[]; winner: Quote | null };

export const ConnectionSchema = Type.Object(
  {
    id: Type.Integer(),
    state: Type.String(),
    leg: Type.Integer(),
    site: Type.Object({ id: Type.Integer(), name: Type.String() }),
    organisation: Type.Object({ odsCode: Type.String(), name: Type.String() }),
    region: Nullable(Type.String()),
    product: Type.Object({ code: Type.String(), name: Type.String(), resilience: Nullable(Type.String()) }),
    supplier: Nullable(Ref),
    circuitReference: Nullable(Type.String()),
    pop: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
    addressBlock: Nullable(Type.Object({ allocationId: Type.Integer(), prefix: Type.String() })),
    ciId: Nullable(Type.Integer()),
    price: Nullable(
      Type.Object({ installCharge: Money, annualRental: Money, contractYears: Type.Integer(), totalOverTerm: Money }, { description: 'What the customer will pay' }),
    ),
    expectedLiveOn: Nullable(Type.String({ description: 'The date the customer can expect' })),
    choiceReason: Nullable(Type.String()),
    dates: Type.Object({
      requestedOn: Type.String(),
      quotedOn: Nullable(Type.String()),
      orderedOn: Nullable(Type.String()),
      surveyedOn: Nullable(Type.String()),
      installedOn: Nullable(Type.String()),
      liveOn: Nullable(Type.String()),
      ceasedOn: Nullable(Type.String()),
      cancelledOn: Nullable(Type.String()),
    }),
    nextStates: Type.Array(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    version: Type.Integer(),
  },
  { $id: 'Connection' },
);
export type Connection = Static<typeof ConnectionSchema>;

export const CreateConnectionBody = Type.Object(
  {
    siteId: Type.Integer({ minimum: 1 }),
    productCode: Type.String({ minLength: 1, maxLength: 50 }),
    contractYears: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
    requestedOn: Type.Optional(IsoDate),
  },
  { additionalProperties: false },
);
export type CreateConnection = Static<typeof CreateConnectionBody>;

export const OrderBody = Type.Object(
  {
    supplierId: Type.Optional(Type.Integer({ minimum: 1, description: "Order from this supplier's quote instead of the best value" })),
    contractYears: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
    popId: Type.Optional(Type.Integer({ minimum: 1, description: 'The point of presence (a pop CI) the connection will hang from' })),
    at: Type.Optional(IsoDate),
  },
  { additionalProperties: false },
);
export type Order = Static<typeof OrderBody>;

export const TransitionBody = Type.Object(
  {
    to: State,
    at: Type.Optional(IsoDate),
    circuitReference: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    popId: Type.Optional(Type.Integer({ minimum: 1 })),
    supplierId: Type.Optional(Type.Integer({ minimum: 1 })),
    contractYears: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
  },
  { additionalProperties: false },
);
export type Transition = Static<typeof TransitionBody>;

export const UpgradeBody = Type.Object(
  {
    productCode: Type.String({
      minLength: 1,
      maxLength: 50,
      description: 'An active connection product with more bandwidth down and the same resilience, priced by the connection’s supplier in its region',
    }),
  },
  { additionalProperties: false },
);
export type Upgrade = Static<typeof UpgradeBody>;

export const MoveBody = Type.Object(
  {
    targetSiteId: Type.Integer({ minimum: 1, description: 'Another active site of the same organisation, with room for the connection' }),
  },
  { additionalProperties: false },
);
export type Move = Static<typeof MoveBody>;

export const CONNECTION_SORTS = ['id', 'updatedAt'] as const;

export const ConnectionListQuery = PageQuery(CONNECTION_SORTS, {
  state: Type.Optional(State),
  supplier: Type.Optional(Type.String({ maxLength: 50, description: 'Supplier code' })),
  region: Type.Optional(Type.String({ maxLength: 12, description: 'Region ODS code' })),
  organisation: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{3,12}$', description: 'ODS code; its child organisations too' })),
  siteId: Type.Optional(Type.Integer({ minimum: 1 })),
});
export type ConnectionListRequest = Static<typeof ConnectionListQuery>;

export const ConnectionParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
