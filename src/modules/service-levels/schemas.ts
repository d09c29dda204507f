import { Type, type Static } from 'typebox';
import { IsoDate, Nullable, OneOf, PageQuery, UpperCode } from '../../core/http/schemas.ts';
import { UK_DIVISIONS } from '../../domain/bank-holidays.ts';
import { CLOCK_METRICS, DEFINITION_KINDS } from '../../domain/sla-definitions.ts';

export const RECORD_TYPES = ['incident', 'service_request'] as const;
const Stamp = Type.String({ format: 'date-time' });
const Title = Type.String({ minLength: 1, maxLength: 200 });
const Description = Type.String({ maxLength: 2000 });

// ---- business calendars -------------------------------------------------------------------------

const Wall = Type.String({ pattern: '^\\d\\d:\\d\\d$', description: 'Local wall-clock time HH:MM; 24:00 may close a day' });
const Day = Type.Array(Type.Object({ opens: Wall, closes: Wall }, { additionalProperties: false }), { maxItems: 12 });
const WeeklyHours = Type.Object(
  {
    monday: Type.Optional(Day), tuesday: Type.Optional(Day), wednesday: Type.Optional(Day), thursday: Type.Optional(Day),
    friday: Type.Optional(Day), saturday: Type.Optional(Day), sunday: Type.Optional(Day),
  },
  { additionalProperties: false, description: 'Opening intervals per weekday; a day left out is closed' },
);
const Hours = Type.Union([Type.Literal('24x7'), WeeklyHours], { description: '"24x7", or weekly opening hours' });
const Closure = Type.Union([
  Type.Object({ kind: Type.Literal('dates'), from: IsoDate, to: IsoDate, title: Title }, { additionalProperties: false, description: 'Whole local dates, inclusive' }),
  Type.Object({ kind: Type.Literal('period'), start: Stamp, end: Stamp, title: Title }, { additionalProperties: false, description: 'Between two instants' }),
]);
const Division = Nullable(OneOf(UK_DIVISIONS, { description: 'Shut on the published bank holidays of this UK division' }));

export const CalendarSchema = Type.Object(
  {
    name: Type.String(),
    description: Type.String(),
    timeZone: Type.String(),
    hours: Hours,
    bankHolidays: Nullable(Type.String()),
    bankHolidayCoverage: Nullable(Type.Object({ firstDate: Type.String(), lastDate: Type.String() }, { description: 'The years the published list covers: past them, add closures or a newer file' })),
    bankHolidayProblem: Nullable(Type.String()),
    closures: Type.Array(Closure),
    createdAt: Stamp,
    updatedAt: Stamp,
    version: Type.Integer(),
  },
  { $id: 'BusinessCalendar' },
);
export type CalendarView = Static<typeof CalendarSchema>;

const calendarFields = {
  description: Description,
  timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone (default Europe/London)' }),
  hours: Hours,
  bankHolidays: Division,
  closures: Type.Array(Closure, { maxItems: 500 }),
};

export const CreateCalendarBody = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$', description: 'Lower case; never changes' }),
    description: Type.Optional(calendarFields.description),
    timeZone: Type.Optional(calendarFields.timeZone),
    hours: calendarFields.hours,
    bankHolidays: Type.Optional(calendarFields.bankHolidays),
    closures: Type.Optional(calendarFields.closures),
  },
  { additionalProperties: false },
);
export type CreateCalendar = Static<typeof CreateCalendarBody>;

export const UpdateCalendarBody = Type.Object(
  {
    description: Type.Optional(calendarFields.description),
    timeZone: Type.Optional(calendarFields.timeZone),
    hours: Type.Optional(calendarFields.hours),
    bankHolidays: Type.Optional(calendarFields.bankHolidays),
    closures: Type.Optional(calendarFields.closures),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCalendar = Static<typeof UpdateCalendarBody>;

export const CalendarParams = Type.Object({ name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$' }) });
export const CalendarListQuery = PageQuery(['name'] as const, {});

// ---- definitions ----------------------------------------------------------------------------------

const Minutes = Type.Integer({ minimum: 1, maximum: 60 * 24 * 366 });
const Target = Type.Object(
  {
    priority: Type.String({ minLength: 1, maxLength: 20 }),
    calendar: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 40, description: "The calendar this priority counts in; null or absent: the definition's" }))),
    responseMinutes: Type.Optional(Nullable(Minutes)),
    resolutionMinutes: Minutes,
  },
  { additionalProperties: false },
);
const Named = Type.Object({ code: Type.String(), name: Type.String() });

export const DefinitionSchema = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    description: Type.String(),
    kind: Type.String({ description: 'sla (to the customer), ola (an internal team), underpinning (a supplier)' }),
    recordType: Type.String(),
    organisation: Nullable(Type.Object({ odsCode: Type.String(), name: Type.String() })),
    team: Nullable(Named),
    supplier: Nullable(Named),
    serviceClass: Nullable(Named),
    calendar: Type.String(),
    warningFraction: Type.Number(),
    targets: Type.Array(Type.Object({ priority: Type.String(), calendar: Type.String(), responseMinutes: Nullable(Type.Number()), resolutionMinutes: Type.Number() })),
    active: Type.Boolean(),
    createdAt: Stamp,
    updatedAt: Stamp,
    version: Type.Integer(),
  },
  { $id: 'SlaDefinition' },
);
export type DefinitionView = Static<typeof DefinitionSchema>;

const Fraction = Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Warn when this fraction of the target has elapsed' });
const Targets = Type.Array(Target, { minItems: 1, maxItems: 20 });

export const CreateDefinitionBody = Type.Object(
  {
    code: UpperCode,
    name: Title,
    description: Type.Optional(Description),
    kind: OneOf(DEFINITION_KINDS),
    recordType: OneOf(RECORD_TYPES),
    organisationOdsCode: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'Only for this organisation and those below it' })),
    teamCode: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'OLA only: while this team holds the record' })),
    supplierCode: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'Underpinning only: while this supplier holds the record' })),
    serviceClassCode: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: "Only for records whose product is of this service class" })),
    calendar: Type.String({ minLength: 1, maxLength: 40 }),
    warningFraction: Type.Optional(Fraction),
    targets: Targets,
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateDefinition = Static<typeof CreateDefinitionBody>;

export const UpdateDefinitionBody = Type.Object(
  {
    name: Type.Optional(Title),
    description: Type.Optional(Description),
    calendar: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    warningFraction: Type.Optional(Fraction),
    targets: Type.Optional(Targets),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateDefinition = Static<typeof UpdateDefinitionBody>;

export const DefinitionParams = Type.Object({ code: Type.String({ pattern: '^[A-Za-z0-9-]{2,40}$' }) });
export const DefinitionListQuery = PageQuery(['code'] as const, {
  kind: Type.Optional(OneOf(DEFINITION_KINDS)),
  recordType: Type.Optional(OneOf(RECORD_TYPES)),
  active: Type.Optional(Type.Boolean()),
});
export type DefinitionListRequest = Static<typeof DefinitionListQuery>;

// ---- clocks and compliance ---------------------------------------------------------------------

export const ClockSchema = Type.Object(
  {
    id: Type.Integer(),
    recordType: Type.String(),
    recordId: Type.Integer(),
    kind: Type.String(),
    metric: Type.String(),
    priority: Type.String(),
    definition: Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() }),
    calendar: Type.String({ description: 'The calendar in force now' }),
    targetMs: Type.Integer(),
    state: Type.String({ description: 'running, warning, paused, met, breached or cancelled' }),
    elapsedBusinessMs: Type.Integer(),
    pausedMs: Type.Integer(),
    remainingMs: Type.Integer(),
    dueAt: Nullable(Stamp),
    warnAt: Nullable(Stamp),
    warnedAt: Nullable(Stamp),
    breachedAt: Nullable(Stamp),
    stoppedAt: Nullable(Stamp),
    events: Type.Array(
      Type.Object({ type: Type.String(), at: Stamp, reason: Type.Optional(Type.String()), calendar: Type.Optional(Type.String()) }),
      { description: 'The timeline the clock is evaluated from' },
    ),
  },
  { $id: 'ServiceLevelClock' },
);

/**
 * A list row's standing against its customer-facing (SLA) targets, the same on incidents and
 * service requests: its two marks, the targets each names, and which target its next due time is
 * (`responseDueAt`).
 */
export const SlaStandingFields = {
  slaBreached: Type.Boolean({ description: 'Whether any of its SLA targets (response, or resolution or fulfilment) is breached; a breach stays one once the clock stops' }),
  slaWarning: Type.Boolean({
    description: 'Whether one of its SLA clocks still counting has passed its warning point (the warning fraction of its target, 75% by default, used) without being breached: its warning was recorded, or its warning time has passed',
  }),
  slaBreachedTargets: Type.Array(OneOf(CLOCK_METRICS), {
    description: 'Which of its SLA targets are breached (`slaBreached`), response first: `resolution` is a service request\'s fulfilment. Empty when none is',
  }),
  slaWarningTargets: Type.Array(OneOf(CLOCK_METRICS), {
    description: 'Which of its SLA targets are past their warning point without being breached (`slaWarning`), response first. A record may have one target breached and another warned',
  }),
  responseDueAt: Nullable(
    Type.String({
      format: 'date-time',
      description: 'When its SLA response target falls due, while it awaits its first response (in the past once late); null once answered (or resolved, fulfilled, cancelled) and while its response clock is paused short of its target. Equal to `slaDueAt` when the response is the next target due',
    }),
  ),
};

export const ClockListQuery = PageQuery(['id'] as const, {
  recordType: Type.Optional(OneOf(RECORD_TYPES)),
  recordId: Type.Optional(Type.Integer({ minimum: 1 })),
  kind: Type.Optional(OneOf(DEFINITION_KINDS)),
  metric: Type.Optional(OneOf(CLOCK_METRICS)),
});
export type ClockListRequest = Static<typeof ClockListQuery>;

export const ComplianceQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Outcomes decided from this instant (default: 30 days before `to`)' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Up to this instant, exclusive (default: now)' })),
    groupBy: Type.Optional(OneOf(['priority', 'definition'] as const)),
    recordType: Type.Optional(OneOf(RECORD_TYPES)),
    kind: Type.Optional(OneOf(DEFINITION_KINDS)),
    metric: Type.Optional(OneOf(CLOCK_METRICS)),
  },
  { additionalProperties: false },
);
export type ComplianceRequest = Static<typeof ComplianceQuery>;

const Counts = {
  met: Type.Integer(),
  breached: Type.Integer(),
  total: Type.Integer(),
  compliancePercent: Nullable(Type.Number({ description: 'met / total × 100; null when nothing was decided' })),
};
export const ComplianceSchema = Type.Object(
  {
    from: Stamp,
    to: Stamp,
    groupBy: Type.String(),
    groups: Type.Array(Type.Object({ key: Type.String(), name: Type.String(), ...Counts })),
    totals: Type.Object(Counts),
  },
  { $id: 'SlaCompliance' },
);
export type ComplianceView = Static<typeof ComplianceSchema>;
