import { Type, type Static } from 'typebox';
import { IsoDate, Nullable, OneOf, PageQuery } from '../../core/http/schemas.ts';
import { GROUP_BYS } from './report-queries.ts';

const Stamp = Type.String({ format: 'date-time' });
const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'A calendar month in Europe/London, YYYY-MM' });
const Ms = Type.Integer({ minimum: 0 });

export const CAUSE_KINDS = ['alert', 'incident', 'maintenance'] as const;

export const OutageSchema = Type.Object(
  {
    id: Type.Integer(),
    connection: Type.Object({ id: Type.Integer(), siteId: Type.Integer(), siteName: Type.String(), ciId: Nullable(Type.Integer()) }),
    organisation: Type.Object({ odsCode: Type.String(), name: Type.String() }),
    supplier: Nullable(Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() })),
    startedAt: Stamp,
    endedAt: Nullable(Stamp),
    durationMs: Type.Integer({ description: 'To the end, or to now while it lasts' }),
    planned: Type.Boolean({ description: 'Started inside a maintenance window covering the connection' }),
    maintenanceWindow: Nullable(Type.Object({ id: Type.Integer(), title: Type.String() })),
    cause: Type.Object({
      kind: Type.String(),
      alertId: Nullable(Type.Integer()),
      incident: Nullable(Type.Object({ id: Type.Integer(), number: Type.String() })),
      windowId: Nullable(Type.Integer()),
    }),
    correctedAt: Nullable(Stamp),
    voided: Nullable(Type.Object({ at: Stamp, reason: Type.String() })),
    createdAt: Stamp,
    updatedAt: Stamp,
    version: Type.Integer(),
  },
  { $id: 'Outage' },
);
export type Outage = Static<typeof OutageSchema>;

export const OUTAGE_SORTS = ['startedAt', 'id'] as const;

export const OutageListQuery = PageQuery(OUTAGE_SORTS, {
  connectionId: Type.Optional(Type.Integer({ minimum: 1 })),
  ciId: Type.Optional(Type.Integer({ minimum: 1, description: "A connection's CI; or a CI one relation away from connections (a site router, a PoP): their connections' outages" })),
  siteId: Type.Optional(Type.Integer({ minimum: 1 })),
  organisation: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{3,12}$', description: 'ODS code; its child organisations too' })),
  supplier: Type.Optional(Type.String({ maxLength: 50, description: 'Supplier code' })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Outages still going at or after this instant' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Outages begun before this instant' })),
  planned: Type.Optional(Type.Boolean()),
  open: Type.Optional(Type.Boolean({ description: 'true: still going; false: ended' })),
  cause: Type.Optional(OneOf(CAUSE_KINDS)),
  incidentId: Type.Optional(Type.Integer({ minimum: 1 })),
  includeVoided: Type.Optional(Type.Boolean({ description: 'Voided outages count for nothing and are left out unless asked for' })),
});
export type OutageListRequest = Static<typeof OutageListQuery>;

export const CorrectOutageBody = Type.Object(
  {
    startedAt: Type.Optional(Type.String({ format: 'date-time', description: 'When service was really lost' })),
    endedAt: Type.Optional(Type.String({ format: 'date-time', description: 'When service really came back' })),
    void: Type.Optional(Type.Literal(true, { description: 'Recorded in error: keep it for the record, count it for nothing' })),
    reason: Type.String({ minLength: 3, maxLength: 500, description: 'Why: goes into the journal with the correction' }),
  },
  { additionalProperties: false },
);
export type CorrectOutage = Static<typeof CorrectOutageBody>;

export const OutageParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

// ---------------------------------------------------------------------------------------------
// The report.

export const FiguresSchema = Type.Object(
  {
    connections: Type.Integer(),
    met: Type.Integer({ description: 'Connections that met their own target' }),
    missed: Type.Integer(),
    periodMs: Ms,
    downMs: Ms,
    plannedMs: Ms,
    unplannedMs: Ms,
    measuredMs: Type.Integer({ description: 'periodMs − plannedMs' }),
    availability: Nullable(Type.Number({ description: 'Percent: 100 × (1 − unplanned ÷ (period − planned)); null when nothing was measured' })),
    target: Nullable(Type.Number({ description: "Percent: the connections' target when they share one" })),
  },
  { $id: 'AvailabilityFigures' },
);

export const GroupSchema = Type.Object(
  {
    key: Type.String({ description: 'The value to filter by to drill down: connection or site id, ODS code, supplier or product code' }),
    name: Type.String(),
    figures: Type.Ref('AvailabilityFigures'),
  },
  { $id: 'AvailabilityGroup' },
);

const PeriodSchema = Type.Object({
  label: Type.String(),
  from: Stamp,
  to: Stamp,
  asOf: Stamp,
  complete: Type.Boolean({ description: 'The period is over: figures will not change unless the record is corrected' }),
});

export const ReportSchema = Type.Object(
  {
    period: PeriodSchema,
    groupBy: Type.String(),
    total: Type.Ref('AvailabilityFigures'),
    items: Type.Array(Type.Ref('AvailabilityGroup')),
    nextCursor: Nullable(Type.String()),
  },
  { $id: 'AvailabilityReport' },
);

const filters = {
  period: Type.Optional(Month),
  from: Type.Optional(IsoDate),
  to: Type.Optional(IsoDate),
  organisation: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{3,12}$', description: 'ODS code; its child organisations too' })),
  supplier: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'Supplier code' })),
  product: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'Product code' })),
  region: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{3,12}$', description: 'Region ODS code' })),
  siteId: Type.Optional(Type.Integer({ minimum: 1 })),
  connectionId: Type.Optional(Type.Integer({ minimum: 1 })),
};

export const ReportQuery = PageQuery(['availability', 'unplanned', 'key'] as const, {
  ...filters,
  groupBy: Type.Optional(OneOf(GROUP_BYS, { description: 'network (default), connection, site, organisation, supplier, product, region' })),
});
export type ReportRequest = Static<typeof ReportQuery>;

export const MissedSchema = Type.Object(
  {
    connection: Type.Object({ id: Type.Integer(), siteId: Type.Integer(), siteName: Type.String(), leg: Type.Integer() }),
    organisation: Type.Object({ odsCode: Type.String(), name: Type.String() }),
    supplier: Nullable(Type.Object({ code: Type.String(), name: Type.String() })),
    product: Type.Object({ code: Type.String(), name: Type.String() }),
    target: Type.Number(),
    figures: Type.Ref('AvailabilityFigures'),
    allowedUnplannedMs: Ms,
    overByMs: Type.Integer({ description: 'Unplanned downtime beyond what the target allows' }),
  },
  { $id: 'AvailabilityMiss' },
);

export const MissedQuery = PageQuery(['availability', 'unplanned', 'id'] as const, filters);
export type MissedRequest = Static<typeof MissedQuery>;

export const MonthsQuery = Type.Object(
  {
    from: Type.Optional(Month),
    to: Type.Optional(Month),
    groupBy: Type.Optional(OneOf(['network', 'supplier', 'product', 'region'] as const, { description: 'Groups that stay few: network (default), supplier, product, region' })),
    organisation: filters.organisation,
    supplier: filters.supplier,
    product: filters.product,
    region: filters.region,
    siteId: filters.siteId,
    connectionId: filters.connectionId,
  },
  { additionalProperties: false },
);
export type MonthsRequest = Static<typeof MonthsQuery>;

export const MonthsSchema = Type.Object(
  {
    groupBy: Type.String(),
    asOf: Stamp,
    months: Type.Array(
      Type.Object({
        month: Type.String(),
        from: Stamp,
        to: Stamp,
        total: Type.Ref('AvailabilityFigures'),
        groups: Type.Array(Type.Ref('AvailabilityGroup')),
      }),
    ),
  },
  { $id: 'AvailabilityMonths' },
);
