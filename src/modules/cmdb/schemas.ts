import { Type, type Static } from 'typebox';
import { Nullable, OneOf, PageQuery } from '../../core/http/schemas.ts';

export const CI_KINDS = ['site_router', 'connection', 'pop', 'core_node', 'core_link', 'service', 'location', 'other'] as const;
export type CiKind = (typeof CI_KINDS)[number];

/** planned and live CIs take part in impact; retired ones are no one's alternative any more. */
export const CI_STATES = ['planned', 'live', 'maintenance', 'retired'] as const;

/** "source <kind> target". Only depends_on carries failure (see docs/cmdb.md). */
export const RELATION_KINDS = ['depends_on', 'connects_to', 'located_at', 'provided_by'] as const;

const Kind = OneOf(CI_KINDS);
const State = OneOf(CI_STATES);
const RelationKind = OneOf(RELATION_KINDS);
const OdsCode = Type.String({ pattern: '^[A-Z0-9]{3,12}$', description: 'ODS code of the organisation the CI serves' });

const OrganisationRef = Nullable(Type.Object({ odsCode: Type.String(), name: Type.String() }));

export const CiRefSchema = Type.Object({ id: Type.Integer(), kind: Type.String(), name: Type.String() }, { $id: 'CiRef' });

export const ConfigurationItemSchema = Type.Object(
  {
    id: Type.Integer(),
    kind: Type.String(),
    name: Type.String(),
    externalRef: Nullable(Type.String()),
    organisation: OrganisationRef,
    supplierId: Nullable(Type.Integer()),
    siteId: Nullable(Type.Integer()),
    attributes: Type.Record(Type.String(), Type.Unknown()),
    state: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    version: Type.Integer(),
  },
  { $id: 'ConfigurationItem' },
);
export type ConfigurationItem = Static<typeof ConfigurationItemSchema>;

const editable = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  externalRef: Nullable(Type.String({ minLength: 1, maxLength: 200, description: "A supplier's circuit reference, a hostname: unique per kind" })),
  organisationOdsCode: Nullable(OdsCode),
  supplierId: Nullable(Type.Integer({ minimum: 1 })),
  siteId: Nullable(Type.Integer({ minimum: 1 })),
  attributes: Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), { maxProperties: 100 }),
  state: State,
};

export const CreateCiBody = Type.Object(
  {
    kind: Kind,
    name: editable.name,
    externalRef: Type.Optional(editable.externalRef),
    organisationOdsCode: Type.Optional(editable.organisationOdsCode),
    supplierId: Type.Optional(editable.supplierId),
    siteId: Type.Optional(editable.siteId),
    attributes: Type.Optional(editable.attributes),
    state: Type.Optional(editable.state),
  },
  { additionalProperties: false },
);
export type CreateCi = Static<typeof CreateCiBody>;

export const UpdateCiBody = Type.Object(
  Object.fromEntries(Object.entries(editable).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof typeof editable]: ReturnType<typeof Type.Optional<(typeof editable)[K]>>;
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCi = Static<typeof UpdateCiBody>;

export const CI_SORTS = ['name', 'updatedAt', 'id'] as const;

export const CiListQuery = PageQuery(CI_SORTS, {
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Part of the name, or the exact external reference' })),
  kind: Type.Optional(Kind),
  state: Type.Optional(State),
  organisation: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{3,12}$', description: 'ODS code' })),
  siteId: Type.Optional(Type.Integer({ minimum: 1 })),
  supplierId: Type.Optional(Type.Integer({ minimum: 1 })),
});
export type CiListRequest = Static<typeof CiListQuery>;

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const RelationSchema = Type.Object(
  {
    id: Type.Integer(),
    kind: Type.String(),
    source: Type.Ref('CiRef'),
    target: Type.Ref('CiRef'),
    redundancyGroup: Nullable(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    version: Type.Integer(),
  },
  { $id: 'CiRelation' },
);
export type Relation = Static<typeof RelationSchema>;

const RedundancyGroup = Nullable(
  Type.String({
    minLength: 1,
    maxLength: 50,
    description: "depends_on only: a CI's relations sharing a group are alternatives, and it fails only when all of them fail",
  }),
);

export const CreateRelationBody = Type.Object(
  {
    sourceId: Type.Integer({ minimum: 1 }),
    targetId: Type.Integer({ minimum: 1 }),
    kind: RelationKind,
    redundancyGroup: Type.Optional(RedundancyGroup),
  },
  { additionalProperties: false },
);
export type CreateRelation = Static<typeof CreateRelationBody>;

export const UpdateRelationBody = Type.Object({ redundancyGroup: RedundancyGroup }, { additionalProperties: false });

export const RelationListQuery = PageQuery(['id'] as const, {
  kind: Type.Optional(RelationKind),
  direction: Type.Optional(OneOf(['outgoing', 'incoming', 'both'] as const, { description: 'outgoing: this CI is the source' })),
});
export type RelationListRequest = Static<typeof RelationListQuery>;

export const ImpactQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Most CIs listed per kind (counts are always complete)' })) },
  { additionalProperties: false },
);

const AffectedCi = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  name: Type.String(),
  state: Type.String(),
  organisation: OrganisationRef,
  siteId: Nullable(Type.Integer()),
  depth: Type.Integer({ description: 'Steps from the failed CI' }),
  via: Nullable(Type.Integer({ description: 'The dependency whose failure completed this failure' })),
  path: Type.Array(Type.Integer(), { description: 'From the failed CI to this one (CIs you may see)' }),
  reason: Type.String(),
});

export const ImpactSchema = Type.Object(
  {
    origin: Type.Ref('CiRef'),
    total: Type.Integer({ description: 'CIs that fail, the origin included' }),
    counts: Type.Record(Type.String(), Type.Integer(), { description: 'Failing CIs by kind' }),
    byKind: Type.Record(Type.String(), Type.Array(AffectedCi)),
    services: Type.Array(AffectedCi),
    organisations: Type.Array(Type.Object({ odsCode: Type.String(), name: Type.String(), cis: Type.Integer() })),
    organisationCount: Type.Integer(),
    sites: Type.Array(Type.Object({ siteId: Type.Integer(), cis: Type.Integer() })),
    siteCount: Type.Integer(),
    degraded: Type.Array(Type.Object({ id: Type.Integer(), kind: Type.String(), name: Type.String(), lost: Type.Array(Type.Integer()) }), {
      description: 'CIs that lost a dependency but survive on an alternative: resilience used up',
    }),
    degradedCount: Type.Integer(),
  },
  { $id: 'CiImpact' },
);
export type Impact = Static<typeof ImpactSchema>;

export const RootCausesSchema = Type.Object(
  {
    ci: Type.Ref('CiRef'),
    candidates: Type.Array(
      Type.Object({
        id: Type.Integer(),
        kind: Type.String(),
        name: Type.String(),
        state: Type.String(),
        depth: Type.Integer({ description: 'Dependency steps from the CI' }),
        via: Type.Integer({ description: 'The CI that depends on this candidate on the way' }),
        redundancyGroup: Nullable(Type.String({ description: 'Set when the candidate is one of alternatives of that CI' })),
      }),
    ),
  },
  { $id: 'CiRootCauses' },
);
export type RootCauses = Static<typeof RootCausesSchema>;

export const GraphQuery = Type.Object(
  {
    depth: Type.Optional(Type.Integer({ minimum: 1, maximum: 6, default: 2 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000, default: 300, description: 'Most nodes returned' })),
  },
  { additionalProperties: false },
);

export const GraphSchema = Type.Object(
  {
    centre: Type.Integer(),
    nodes: Type.Array(Type.Object({ id: Type.Integer(), kind: Type.String(), name: Type.String(), state: Type.String(), depth: Type.Integer() })),
    edges: Type.Array(Type.Object({ id: Type.Integer(), source: Type.Integer(), target: Type.Integer(), kind: Type.String(), redundancyGroup: Nullable(Type.String()) })),
    truncated: Type.Boolean({ description: 'More nodes lie within the depth than the limit allowed' }),
  },
  { $id: 'CiGraph' },
);
export type Graph = Static<typeof GraphSchema>;
