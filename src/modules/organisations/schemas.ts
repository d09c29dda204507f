import { Type, type Static } from 'typebox';
import { IsoDate, Nullable, OneOf, PageQuery } from '../../core/http/schemas.ts';

export const ORGANISATION_KINDS = [
  'network_provider',
  'region',
  'commissioner',
  'trust',
  'gp_practice',
  'out_of_hours',
  'walk_in_centre',
  'pharmacy',
  'other_prescribing',
  'other',
] as const;

/** ODS organisation states: A active, B retired, C closed, D dormant, P proposed. */
export const ORGANISATION_STATES = ['active', 'retired', 'closed', 'dormant', 'proposed'] as const;

const OdsCode = Type.String({ pattern: '^[A-Z0-9]{3,12}$', description: 'NHS ODS code, e.g. A81001' });
const Kind = OneOf(ORGANISATION_KINDS);
const State = OneOf(ORGANISATION_STATES);

export const OrganisationSchema = Type.Object(
  {
    odsCode: Type.String(),
    name: Type.String(),
    kind: Type.String(),
    state: Type.String(),
    parent: Nullable(Type.Object({ odsCode: Type.String(), name: Type.String() })),
    region: Nullable(Type.String()),
    postcode: Nullable(Type.String()),
    openedOn: Nullable(Type.String()),
    closedOn: Nullable(Type.String()),
    childCount: Type.Integer(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    version: Type.Integer(),
  },
  { $id: 'Organisation' },
);
export type Organisation = Static<typeof OrganisationSchema>;

const editable = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  kind: Kind,
  state: State,
  parentOdsCode: Nullable(OdsCode),
  region: Nullable(Type.String({ maxLength: 100 })),
  postcode: Nullable(Type.String({ maxLength: 10 })),
  openedOn: Nullable(IsoDate),
  closedOn: Nullable(IsoDate),
};

export const CreateOrganisationBody = Type.Object(
  {
    odsCode: OdsCode,
    name: editable.name,
    kind: editable.kind,
    state: Type.Optional(editable.state),
    parentOdsCode: Type.Optional(editable.parentOdsCode),
    region: Type.Optional(editable.region),
    postcode: Type.Optional(editable.postcode),
    openedOn: Type.Optional(editable.openedOn),
    closedOn: Type.Optional(editable.closedOn),
  },
  { additionalProperties: false },
);
export type CreateOrganisation = Static<typeof CreateOrganisationBody>;

export const UpdateOrganisationBody = Type.Object(
  Object.fromEntries(Object.entries(editable).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof typeof editable]: ReturnType<typeof Type.Optional<(typeof editable)[K]>>;
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateOrganisation = Static<typeof UpdateOrganisationBody>;

export const ORGANISATION_SORTS = ['name', 'odsCode', 'updatedAt'] as const;

export const OrganisationListQuery = PageQuery(ORGANISATION_SORTS, {
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'ODS code, or part of the name' })),
  kind: Type.Optional(Kind),
  state: Type.Optional(State),
  parent: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{3,12}$', description: 'Only the children of this organisation' })),
  region: Type.Optional(Type.String({ maxLength: 100 })),
});
export type OrganisationListRequest = Static<typeof OrganisationListQuery>;

export const OdsCodeParams = Type.Object({ odsCode: Type.String({ pattern: '^[A-Za-z0-9]{3,12}$' }) });
