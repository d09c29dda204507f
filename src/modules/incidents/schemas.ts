import { Type, type Static } from 'typebox';
import { Nullable, OneOf, PageQuery, Text } from '../../core/http/schemas.ts';
import { SlaStandingFields } from '../service-levels/schemas.ts';
import { CATEGORIES, INCIDENT_STATES, RESOLUTION_CODES } from '../../domain/incident-lifecycle.ts';

const State = OneOf(INCIDENT_STATES);
const Stamp = Type.String({ format: 'date-time' });
const Ref = Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() });
const Person = Type.Object({ id: Nullable(Type.Integer()), name: Type.String(), email: Nullable(Type.String()) });
const Level = Type.String({ minLength: 1, maxLength: 30, description: 'A level of the priority matrix, e.g. high, medium, low' });

export const ClockSchema = Type.Object(
  {
    id: Type.Integer(),
    kind: Type.String({ description: 'sla (to the customer), ola (a team), underpinning (a supplier)' }),
    metric: Type.String({ description: 'response or resolution' }),
    definition: Ref,
    calendar: Type.String(),
    targetMs: Type.Number(),
    state: Type.String({ description: 'running, warning, paused, met, breached or cancelled' }),
    elapsedBusinessMs: Type.Number(),
    pausedMs: Type.Number(),
    remainingMs: Type.Number(),
    dueAt: Nullable(Stamp),
    warnAt: Nullable(Stamp),
    breachedAt: Nullable(Stamp),
    stoppedAt: Nullable(Stamp),
  },
  { $id: 'SlaClock' },
);

const IncidentFields = {
  id: Type.Integer(),
  number: Type.String({ description: 'INC0000001' }),
  title: Type.String(),
  state: Type.String(),
  priority: Type.String(),
  impact: Type.String(),
  urgency: Type.String(),
  category: Type.String(),
  source: Type.String({ description: 'agent, portal, email or monitoring' }),
  organisation: Type.Object({ odsCode: Type.String(), name: Type.String() }),
  site: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
  team: Nullable(Ref),
  assignee: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
  supplier: Nullable(Ref),
  major: Type.Boolean(),
  parent: Nullable(Type.Object({ id: Type.Integer(), number: Type.String(), title: Type.String() })),
  slaDueAt: Nullable(Type.String({ format: 'date-time', description: 'When its next SLA target falls due: the earliest of its running SLA targets, response or resolution (in the past once late); null while none runs (answered and resolved, cancelled, waiting on the customer). The queue sorts by it (sort=slaDueAt)' })),
  createdAt: Stamp,
  updatedAt: Stamp,
  version: Type.Integer(),
};

/** A queue row: the incident, and its standing against its customer-facing (SLA) targets. */
export const IncidentSummarySchema = Type.Object(
  {
    ...IncidentFields,
    ...SlaStandingFields,
  },
  { $id: 'IncidentSummary' },
);
export type IncidentSummary = Static<typeof IncidentSummarySchema>;

export const IncidentSchema = Type.Object(
  {
    ...IncidentFields,
    description: Type.String(),
    caller: Nullable(Person),
    connectionId: Nullable(Type.Integer()),
    cis: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), kind: Type.String() })),
    supplierReference: Nullable(Type.String()),
    handedOffAt: Nullable(Stamp),
    supplierAcceptedAt: Nullable(Stamp),
    resolutionCode: Nullable(Type.String()),
    resolutionNotes: Nullable(Type.String()),
    respondedAt: Nullable(Stamp),
    resolvedAt: Nullable(Stamp),
    closedAt: Nullable(Stamp),
    reopenCount: Type.Integer(),
    reopenUntil: Nullable(Stamp),
    children: Type.Array(Type.Object({ id: Type.Integer(), number: Type.String(), title: Type.String(), state: Type.String() })),
    clocks: Type.Array(Type.Ref('SlaClock')),
    nextStates: Type.Array(Type.String(), { description: 'States the caller may move the incident to now' }),
  },
  { $id: 'Incident' },
);
export type Incident = Static<typeof IncidentSchema>;

export const NoteSchema = Type.Object(
  {
    id: Type.Integer(),
    kind: Type.String({ description: 'comment, work_note, question, answer, resolution, major_update' }),
    customerVisible: Type.Boolean(),
    body: Type.String(),
    author: Type.String(),
    source: Type.String(),
    createdAt: Stamp,
  },
  { $id: 'IncidentNote' },
);
export type Note = Static<typeof NoteSchema>;

export const CreateIncidentBody = Type.Object(
  {
    title: Text(200),
    description: Type.Optional(Type.String({ maxLength: 20_000 })),
    siteId: Type.Optional(Type.Integer({ minimum: 1, description: "The site with the fault; a customer must name one of their own" })),
    organisationOdsCode: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{3,12}$', description: 'The organisation, when no site is named' })),
    connectionId: Type.Optional(Type.Integer({ minimum: 1 })),
    ciIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 50, uniqueItems: true })),
    category: Type.Optional(OneOf(CATEGORIES)),
    impact: Type.Optional(Level),
    urgency: Type.Optional(Level),
    callerId: Type.Optional(Type.Integer({ minimum: 1 })),
    callerName: Type.Optional(Text(200)),
    callerEmail: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
    teamId: Type.Optional(Type.Integer({ minimum: 1 })),
    assigneeId: Type.Optional(Type.Integer({ minimum: 1 })),
    parentId: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type CreateIncident = Static<typeof CreateIncidentBody>;

export const UpdateIncidentBody = Type.Object(
  {
    title: Type.Optional(Text(200)),
    description: Type.Optional(Type.String({ maxLength: 20_000 })),
    category: Type.Optional(OneOf(CATEGORIES)),
    impact: Type.Optional(Level),
    urgency: Type.Optional(Level),
    ciIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 50, uniqueItems: true })),
    supplierReference: Type.Optional(Text(100)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateIncident = Static<typeof UpdateIncidentBody>;

export const TransitionBody = Type.Object(
  {
    to: State,
    note: Type.Optional(Text(20_000, 'Said to the customer (and kept on the record); needed to cancel (why) and to wait on the customer (the question)')),
    resolutionCode: Type.Optional(OneOf(RESOLUTION_CODES)),
    resolutionNotes: Type.Optional(Text(20_000, 'What was done; needed to resolve, unless the note says it')),
  },
  { additionalProperties: false },
);
export type Transition = Static<typeof TransitionBody>;

export const AssignBody = Type.Object(
  {
    teamId: Type.Integer({ minimum: 1 }),
    assigneeId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  },
  { additionalProperties: false },
);
export type Assign = Static<typeof AssignBody>;

export const HandOffBody = Type.Object(
  {
    supplierId: Type.Integer({ minimum: 1 }),
    note: Text(20_000, 'What the supplier is asked to do'),
  },
  { additionalProperties: false },
);
export type HandOff = Static<typeof HandOffBody>;

export const AcceptBody = Type.Object(
  { supplierReference: Type.Optional(Text(100, "The supplier's own ticket reference")) },
  { additionalProperties: false },
);
export type Accept = Static<typeof AcceptBody>;

export const NoteBody = Type.Object(
  {
    kind: Type.Optional(OneOf(['comment', 'work_note', 'question', 'answer'] as const, { description: 'work_note: staff and the supplier only; question: asks the caller and waits for them' })),
    body: Text(20_000),
  },
  { additionalProperties: false },
);
export type NoteInput = Static<typeof NoteBody>;

export const LinkBody = Type.Object(
  { incidentIds: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 500, uniqueItems: true }) },
  { additionalProperties: false },
);
export type Link = Static<typeof LinkBody>;

export const MajorUpdateBody = Type.Object(
  { body: Text(20_000, 'Told to every linked incident and its caller') },
  { additionalProperties: false },
);

export const INCIDENT_SORTS = ['number', 'createdAt', 'updatedAt', 'slaDueAt'] as const;

export const IncidentListQuery = PageQuery(INCIDENT_SORTS, {
  state: Type.Optional(Type.String({ pattern: '^[a-z_]+(,[a-z_]+)*$', maxLength: 200, description: 'One state or several, comma-separated; "open" for every open state' })),
  priority: Type.Optional(Type.String({ maxLength: 30 })),
  number: Type.Optional(Type.String({ pattern: '^INC[0-9]{7}$', description: 'Exactly this incident number' })),
  team: Type.Optional(Type.String({ maxLength: 50, description: 'Team code' })),
  assignee: Type.Optional(Type.String({ pattern: '^(me|none|[1-9][0-9]{0,15})$', description: 'A user id, "me" or "none"' })),
  supplier: Type.Optional(Type.String({ maxLength: 50, description: 'Supplier code' })),
  organisation: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{3,12}$', description: 'ODS code; its child organisations too' })),
  siteId: Type.Optional(Type.Integer({ minimum: 1 })),
  ciId: Type.Optional(Type.Integer({ minimum: 1 })),
  major: Type.Optional(Type.Boolean()),
  parentId: Type.Optional(Type.Integer({ minimum: 1 })),
  breached: Type.Optional(Type.Boolean({ description: 'true: only incidents with a breached SLA target, response or resolution; false: only those with none' })),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Full-text search over number, title, description and notes' })),
});
export type IncidentListRequest = Static<typeof IncidentListQuery>;

export const IncidentParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const IncidentSettingsSchema = Type.Object(
  {
    matrix: Type.Object({
      impacts: Type.Array(Level, { minItems: 1, maxItems: 10 }),
      urgencies: Type.Array(Level, { minItems: 1, maxItems: 10 }),
      priorities: Type.Array(Level, { minItems: 1, maxItems: 10 }),
      cells: Type.Record(Type.String(), Type.Record(Type.String(), Type.String())),
    }),
    reopenWindowHours: Type.Integer({ minimum: 1, maximum: 24 * 90, description: 'How long after resolution the caller may reopen; then it closes by itself' }),
    defaultImpact: Level,
    defaultUrgency: Level,
  },
  { $id: 'IncidentSettings', additionalProperties: false },
);
export type IncidentSettings = Static<typeof IncidentSettingsSchema>;
