import { Type, type Static } from 'typebox';
import { IsoDate, Nullable, PageQuery } from '../../core/http/schemas.ts';

export const TargetSchema = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    targetCount: Type.Integer(),
    startsOn: Type.String(),
    targetOn: Type.String(),
    region: Nullable(Type.String()),
    supplier: Nullable(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    version: Type.Integer(),
  },
  { $id: 'RolloutTarget' },
);
export type Target = Static<typeof TargetSchema>;

export const CreateTargetBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    targetCount: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
    startsOn: IsoDate,
    targetOn: IsoDate,
    region: Type.Optional(Nullable(Type.String({ maxLength: 12, description: 'Region ODS code; none for the whole programme' }))),
    supplier: Type.Optional(Nullable(Type.String({ maxLength: 50, description: 'Supplier code' }))),
  },
  { additionalProperties: false },
);
export type CreateTarget = Static<typeof CreateTargetBody>;

export const UpdateTargetBody = Type.Object(
  {
    name: Type.Optional(CreateTargetBody.properties.name),
    targetCount: Type.Optional(CreateTargetBody.properties.targetCount),
    startsOn: Type.Optional(IsoDate),
    targetOn: Type.Optional(IsoDate),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateTarget = Static<typeof UpdateTargetBody>;

export const TargetListQuery = PageQuery(['name', 'targetOn'] as const, {});
export const TargetParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const RolloutQuery = Type.Object(
  {
    region: Type.Optional(Type.String({ maxLength: 12, description: 'Region ODS code' })),
    supplier: Type.Optional(Type.String({ maxLength: 50, description: 'Supplier code' })),
    target: Type.Optional(Type.Integer({ minimum: 1, description: 'The target to measure against; default the latest one for the same region and supplier' })),
    asOf: Type.Optional(IsoDate),
    windowWeeks: Type.Optional(Type.Integer({ minimum: 1, maximum: 52, default: 8, description: 'Complete weeks the install rate is measured over' })),
  },
  { additionalProperties: false },
);
export type RolloutRequest = Static<typeof RolloutQuery>;

const ForecastSchema = Type.Object({
  remaining: Type.Integer(),
  rate: Type.Object({ mean: Type.Number(), spread: Type.Number(), weeks: Type.Integer() }),
  completesOn: Nullable(Type.String()),
  earliestOn: Nullable(Type.String()),
  latestOn: Nullable(Type.String()),
  onTrack: Nullable(Type.Boolean()),
  neededRate: Nullable(Type.Number()),
  summary: Type.String(),
});

const Counts = {
  ordered: Type.Integer(),
  installed: Type.Integer(),
  live: Type.Integer(),
  inFlight: Type.Integer({ description: 'Ordered, not yet live, not cancelled' }),
};

const GroupSchema = Type.Object({ key: Nullable(Type.String()), name: Nullable(Type.String()), ...Counts, recentWeekly: Type.Array(Type.Integer()), forecast: ForecastSchema });

export const RolloutSchema = Type.Object(
  {
    asOf: Type.String(),
    filters: Type.Object({ region: Nullable(Type.String()), supplier: Nullable(Type.String()) }),
    target: Nullable(Type.Ref('RolloutTarget')),
    totals: Type.Object(Counts),
    recentWeekly: Type.Array(Type.Integer(), { description: 'Go-lives per complete week of the rate window, oldest first' }),
    forecast: ForecastSchema,
    series: Type.Array(
      Type.Object({ week: Type.String({ description: 'Monday of the week' }), ordered: Type.Integer(), installed: Type.Integer(), live: Type.Integer(), target: Nullable(Type.Integer()) }),
    ),
    byRegion: Type.Array(GroupSchema),
    bySupplier: Type.Array(GroupSchema),
  },
  { $id: 'Rollout' },
);
export type Rollout = Static<typeof RolloutSchema>;
