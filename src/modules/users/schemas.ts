import { Type, type Static } from 'typebox';
import { ROLES } from '../../core/access/roles.ts';
import { Nullable, OneOf, PageQuery } from '../../core/http/schemas.ts';

const Role = OneOf(ROLES);
const OdsCode = Type.String({ pattern: '^[A-Z0-9]{3,12}$' });

export const UserSchema = Type.Object(
  {
    id: Type.Integer(),
    username: Type.String(),
    displayName: Type.String(),
    email: Nullable(Type.String()),
    roles: Type.Array(Type.String()),
    organisations: Type.Array(Type.Object({ odsCode: Type.String(), name: Type.String() })),
    supplierId: Nullable(Type.Integer()),
    active: Type.Boolean(),
    singleSignOn: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    version: Type.Integer(),
  },
  { $id: 'User' },
);
export type User = Static<typeof UserSchema>;

export const CreateUserBody = Type.Object(
  {
    username: Type.String({ pattern: '^[A-Za-z0-9._@-]{2,100}$' }),
    displayName: Type.String({ minLength: 1, maxLength: 200 }),
    email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: 200 }))),
    password: Type.Optional(Type.String({ maxLength: 256 })),
    roles: Type.Array(Role, { minItems: 1, uniqueItems: true }),
    organisations: Type.Optional(Type.Array(OdsCode, { uniqueItems: true, maxItems: 500 })),
    supplierId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  },
  { additionalProperties: false },
);
export type CreateUser = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: 200 }))),
    roles: Type.Optional(Type.Array(Role, { minItems: 1, uniqueItems: true })),
    organisations: Type.Optional(Type.Array(OdsCode, { uniqueItems: true, maxItems: 500 })),
    supplierId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUser = Static<typeof UpdateUserBody>;

export const UserListQuery = PageQuery(['username', 'displayName', 'updatedAt'], {
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  role: Type.Optional(Role),
  active: Type.Optional(Type.Boolean()),
});

export const UserIdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
