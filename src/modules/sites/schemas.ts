import { Type, type Static } from 'typebox';
import { IsoDate, Nullable, OneOf, PageQuery } from '../../core/http/schemas.ts';
import { ORGANISATION_STATES } from '../organisations/schemas.ts';

export const SITE_KINDS = ['main', 'branch_surgery', 'hospital', 'data_centre', 'office', 'other'] as const;

export const SiteSchema = Type.Object(
  {
    id: Type.Integer(),
    odsCode: Nullable(Type.String({ description: 'The ODS record the site came from: the practice code for its main site, the branch code for a branch surgery' })),
    organisation: Type.Object({ odsCode: Type.String(), name: Type.String() }),
    kind: Type.String(),
    name: Type.String(),
    address: Type.Array(Type.String()),
    postcode: Nullable(Type.String()),
    location: Nullable(Type.Object({ latitude: Type.Number(), longitude: Type.Number() }, { description: 'The centre of the postcode district' })),
    state: Type.String(),
    openedOn: Nullable(Type.String()),
    closedOn: Nullable(Type.String()),
    source: Nullable(Type.String({ description: 'epraccur or ebranchs when an ODS import keeps the site; null when kept by hand' })),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    version: Type.Integer(),
  },
  { $id: 'Site' },
);
export type Site = Static<typeof SiteSchema>;

const Latitude = Type.Number({ minimum: 49, maximum: 61 });
const Longitude = Type.Number({ minimum: -9, maximum: 3 });

const editable = {
  kind: OneOf(SITE_KINDS),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  address: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 6 }),
  postcode: Nullable(Type.String({ pattern: '^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$', description: 'A UK postcode; the site is located from its district' })),
  location: Nullable(Type.Object({ latitude: Latitude, longitude: Longitude }, { additionalProperties: false, description: 'Overrides the postcode district location' })),
  state: OneOf(ORGANISATION_STATES),
  openedOn: Nullable(IsoDate),
  closedOn: Nullable(IsoDate),
};

export const CreateSiteBody = Type.Object(
  {
    organisationOdsCode: Type.String({ pattern: '^[A-Za-z0-9]{3,12}$' }),
    kind: editable.kind,
    name: editable.name,
    address: Type.Optional(editable.address),
    postcode: Type.Optional(editable.postcode),
    location: Type.Optional(editable.location),
    state: Type.Optional(editable.state),
    openedOn: Type.Optional(editable.openedOn),
    closedOn: Type.Optional(editable.closedOn),
  },
  { additionalProperties: false },
);
export type CreateSite = Static<typeof CreateSiteBody>;

export const UpdateSiteBody = Type.Object(
  Object.fromEntries(Object.entries(editable).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof typeof editable]: ReturnType<typeof Type.Optional<(typeof editable)[K]>>;
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateSite = Static<typeof UpdateSiteBody>;

export const SiteListQuery = PageQuery(['name', 'updatedAt'] as const, {
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'ODS code, or part of the name' })),
  organisation: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{3,12}$', description: 'Only the sites of this organisation' })),
  kind: Type.Optional(OneOf(SITE_KINDS)),
  state: Type.Optional(OneOf(ORGANISATION_STATES)),
  district: Type.Optional(Type.String({ pattern: '^[A-Za-z]{1,2}[0-9][A-Za-z0-9]?$', description: 'Postcode district, e.g. TS18' })),
});
export type SiteListRequest = Static<typeof SiteListQuery>;

export const SiteParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
