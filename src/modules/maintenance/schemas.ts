import { Type, type Static } from 'typebox';
import { Nullable, OneOf, PageQuery } from '../../core/http/schemas.ts';

export const WINDOW_STATES = ['planned', 'in_progress', 'completed', 'cancelled'] as const;
export type WindowState = (typeof WINDOW_STATES)[number];

/** What the service manager may record next: cancelling is for work not yet begun. */
export const NEXT_WINDOW_STATES: Record<WindowState, WindowState[]> = {
  planned: ['in_progress', 'cancelled'],
  in_progress: ['completed'],
  completed: [],
  cancelled: [],
};

const Stamp = Type.String({ format: 'date-time' });
const Instant = Type.String({ format: 'date-time', description: 'ISO 8601 with an offset, e.g. 2026-12-06T01:00:00Z' });

export const MaintenanceWindowSchema = Type.Object(
  {
    id: Type.Integer(),
    title: Type.String(),
    description: Type.String(),
    startsAt: Stamp,
    endsAt: Stamp,
    state: Type.String(),
    nextStates: Type.Array(Type.String()),
    active: Type.Boolean({ description: 'Not cancelled, and now lies within its period: alerts on what it covers raise no incident' }),
    changeReference: Nullable(Type.String()),
    createdBy: Type.String(),
    cis: Type.Array(Type.Object({ id: Type.Integer(), kind: Type.String(), name: Type.String() }), { description: 'The CIs the work is on (those you may see)' }),
    affected: Type.Object(
      {
        cis: Type.Integer({ description: 'CIs that fail with the work, its own included' }),
        connections: Type.Integer(),
        organisations: Type.Integer(),
        sites: Type.Integer(),
      },
      { description: 'What the work takes down, counted among what you may see, as the CMDB stood at coveredAt' },
    ),
    coveredAt: Stamp,
    createdAt: Stamp,
    updatedAt: Stamp,
    version: Type.Integer(),
  },
  { $id: 'MaintenanceWindow' },
);
export type MaintenanceWindow = Static<typeof MaintenanceWindowSchema>;

const CiIds = Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 200, uniqueItems: true, description: 'The CIs the work is on' });
const Title = Type.String({ minLength: 1, maxLength: 200 });
const Description = Type.String({ maxLength: 5000 });
const ChangeReference = Type.String({ minLength: 1, maxLength: 50, description: 'The request for change the work carries out' });

export const CreateWindowBody = Type.Object(
  {
    title: Title,
    description: Type.Optional(Description),
    startsAt: Instant,
    endsAt: Instant,
    ciIds: CiIds,
    changeReference: Type.Optional(ChangeReference),
  },
  { additionalProperties: false },
);
export type CreateWindow = Static<typeof CreateWindowBody>;

export const UpdateWindowBody = Type.Object(
  {
    title: Type.Optional(Title),
    description: Type.Optional(Description),
    startsAt: Type.Optional(Instant),
    endsAt: Type.Optional(Instant),
    ciIds: Type.Optional(CiIds),
    changeReference: Type.Optional(Nullable(ChangeReference)),
    state: Type.Optional(OneOf(WINDOW_STATES)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateWindow = Static<typeof UpdateWindowBody>;

export const WINDOW_SORTS = ['startsAt', 'id'] as const;

export const WindowListQuery = PageQuery(WINDOW_SORTS, {
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Windows that end after this instant' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Windows that start before this instant' })),
  state: Type.Optional(OneOf(WINDOW_STATES)),
  ciId: Type.Optional(Type.Integer({ minimum: 1, description: 'Windows whose work takes this CI down (it, or something it depends on)' })),
  connectionId: Type.Optional(Type.Integer({ minimum: 1, description: 'Windows whose work takes this connection down' })),
});
export type WindowListRequest = Static<typeof WindowListQuery>;

export const AffectedSchema = Type.Object(
  {
    id: Type.Integer({ description: 'Connection id' }),
    site: Type.Object({ id: Type.Integer(), name: Type.String() }),
    organisation: Type.Object({ odsCode: Type.String(), name: Type.String() }),
    ciId: Type.Integer(),
    through: Type.Object({ id: Type.Integer(), name: Type.String() }, { description: "The window's CI it fails with" }),
  },
  { $id: 'MaintenanceAffectedConnection' },
);

export const AffectedQuery = PageQuery(['id'] as const, {});
export const WindowParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
