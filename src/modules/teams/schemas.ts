import { Type, type Static } from 'typebox';
import { Nullable, PageQuery } from '../../core/http/schemas.ts';

const Member = Type.Object({ id: Type.Integer(), username: Type.String(), name: Type.String(), email: Nullable(Type.String()) });

export const TeamSchema = Type.Object(
  {
    id: Type.Integer(),
    code: Type.String(),
    name: Type.String(),
    email: Nullable(Type.String({ description: 'Where assignment and clock alarms go when no one person holds the incident' })),
    active: Type.Boolean(),
    members: Type.Array(Member),
    openIncidents: Type.Integer(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    version: Type.Integer(),
  },
  { $id: 'Team' },
);
export type Team = Static<typeof TeamSchema>;

export const CreateTeamBody = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 50 }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
    memberIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 500, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type CreateTeam = Static<typeof CreateTeamBody>;

export const UpdateTeamBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: 320 }))),
    active: Type.Optional(Type.Boolean()),
    memberIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 500, uniqueItems: true })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateTeam = Static<typeof UpdateTeamBody>;

export const TeamListQuery = PageQuery(['code'] as const, { active: Type.Optional(Type.Boolean()) });
export const TeamParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
