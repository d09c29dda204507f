import { Type, type Static } from 'typebox';
import { Nullable, OneOf, PageQuery, Text } from '../../core/http/schemas.ts';
import { SlaStandingFields } from '../service-levels/schemas.ts';
import { AUTO_CLOSE_DAYS_MAX, AUTO_CLOSE_DAYS_MIN, REQUEST_KINDS, REQUEST_STATES } from '../../domain/request-lifecycle.ts';

const Stamp = Type.String({ format: 'date-time' });
const Named = Type.Object({ id: Type.Integer(), name: Type.String() });
const TeamRef = Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() });

/** The priorities the standard request service level names (P4 unless someone says otherwise). */
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4', 'P5'] as const;

export const RequestTaskSchema = Type.Object(
  {
    id: Type.Integer(),
    position: Type.Integer(),
    step: Type.String({ description: 'The step of the kind\'s plan: quote_and_order, survey, cease_circuit, grant_access, …' }),
    title: Type.String(),
    state: Type.String({ description: 'open, done or skipped' }),
    completesItself: Nullable(Type.String({ description: 'The connection state that completes this task by itself' })),
    skippable: Type.Boolean(),
    team: Nullable(TeamRef),
    assignee: Nullable(Named),
    completedAt: Nullable(Stamp),
    completedBy: Nullable(Named),
    notes: Nullable(Type.String()),
    skippedReason: Nullable(Type.String()),
    version: Type.Integer(),
  },
  { $id: 'ServiceRequestTask' },
);
export type RequestTask = Static<typeof RequestTaskSchema>;

export const RequestNoteSchema = Type.Object(
  {
    id: Type.Integer(),
    customerVisible: Type.Boolean(),
    body: Type.String(),
    author: Type.Object({ id: Nullable(Type.Integer()), name: Type.String() }),
    source: Type.String({ description: 'web, api, email or system' }),
    createdAt: Stamp,
  },
  { $id: 'ServiceRequestNote' },
);
export type RequestNote = Static<typeof RequestNoteSchema>;

const Clock = Type.Object({
  id: Type.Integer(),
  kind: Type.String({ description: 'sla (to the customer), ola (a team), underpinning (a supplier)' }),
  metric: Type.String({ description: 'response or resolution' }),
  definition: Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() }),
  calendar: Type.String(),
  targetMs: Type.Number(),
  state: Type.String(),
  elapsedBusinessMs: Type.Number(),
  pausedMs: Type.Number(),
  remainingMs: Type.Number(),
  dueAt: Nullable(Stamp),
  warnAt: Nullable(Stamp),
  breachedAt: Nullable(Stamp),
  stoppedAt: Nullable(Stamp),
});

const RequestFields = {
  id: Type.Integer(),
  number: Type.String({ description: 'REQ0000001' }),
  kind: Type.String(),
  title: Type.String(),
  state: Type.String(),
  priority: Type.String(),
  organisation: Type.Object({ odsCode: Type.String(), name: Type.String() }),
  site: Nullable(Named),
  connection: Nullable(Type.Object({ id: Type.Integer(), state: Type.String() })),
  product: Nullable(Type.Object({ code: Type.String(), name: Type.String() })),
  requester: Nullable(Named),
  team: Nullable(TeamRef),
  assignee: Nullable(Named),
  approvalRequired: Type.Boolean(),
  slaDueAt: Nullable(Type.String({ format: 'date-time', description: 'When its next SLA target falls due: the earliest of its running SLA targets, response or fulfilment (in the past once late); null while none runs (answered and fulfilled, rejected, cancelled). The list sorts by it (sort=slaDueAt)' })),
  createdAt: Stamp,
  updatedAt: Stamp,
  version: Type.Integer(),
};

/** The request's own fields, as its record page starts from them. */
const RequestFieldsSchema = Type.Object(RequestFields);
export type RequestSummary = Static<typeof RequestFieldsSchema>;

/** A list row: the request, and its standing against its customer-facing (SLA) targets. */
export const RequestSummarySchema = Type.Object({ ...RequestFields, ...SlaStandingFields }, { $id: 'ServiceRequest' });
export type RequestListRow = Static<typeof RequestSummarySchema>;

export const RequestDetailsSchema = Type.Object(
  {
    contractYears: Type.Optional(Type.Integer()),
    targetProduct: Type.Optional(Type.Object({ code: Type.String(), name: Type.String(), bandwidthDownKbps: Nullable(Type.Integer()) })),
    fromProduct: Type.Optional(Type.Object({ code: Type.String(), bandwidthDownKbps: Nullable(Type.Integer()) })),
    targetSite: Type.Optional(Named),
    fromSite: Type.Optional(Named),
    access: Type.Optional(Type.Object({ name: Type.String(), email: Nullable(Type.String()), to: Type.String() })),
  },
  { description: 'What was asked for, as it stood when asked' },
);
export type RequestDetails = Static<typeof RequestDetailsSchema>;

export const RequestSchema = Type.Object(
  {
    ...RequestFields,
    description: Type.String(),
    details: RequestDetailsSchema,
    approval: Type.Object({
      decidedBy: Nullable(Named),
      decidedAt: Nullable(Stamp),
      rejectionReason: Nullable(Type.String()),
    }),
    fulfilledAt: Nullable(Stamp),
    closedAt: Nullable(Stamp),
    cancelledAt: Nullable(Stamp),
    cancellationReason: Nullable(Type.String()),
    closesAutomaticallyAt: Nullable(Stamp),
    tasks: Type.Array(Type.Ref('ServiceRequestTask')),
    notes: Type.Array(Type.Ref('ServiceRequestNote'), { description: 'The notes the caller may see: a customer never sees internal notes' }),
    clocks: Type.Array(Clock),
    nextStates: Type.Array(Type.String(), { description: 'What the caller may move the request to through /transitions now' }),
  },
  { $id: 'ServiceRequestDetail' },
);
export type Request = Static<typeof RequestSchema>;

export const CreateRequestBody = Type.Object(
  {
    kind: OneOf(REQUEST_KINDS),
    title: Type.Optional(Text(200, 'A title is made up from what is asked when none is given')),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    siteId: Type.Optional(Type.Integer({ minimum: 1, description: 'new_connection: the site; access: optionally, the site it is for' })),
    organisationOdsCode: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{3,12}$', description: 'access: the organisation, when no site is given' })),
    connectionId: Type.Optional(Type.Integer({ minimum: 1, description: 'bandwidth_upgrade, move, cease: the live connection' })),
    productCode: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'new_connection: the product; bandwidth_upgrade: the product to upgrade to' })),
    targetSiteId: Type.Optional(Type.Integer({ minimum: 1, description: 'move: the site to move the connection to' })),
    contractYears: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: 'new_connection' })),
    access: Type.Optional(
      Type.Object(
        { name: Text(200, 'Who needs access'), email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })), to: Text(200, 'What they need access to') },
        { additionalProperties: false },
      ),
    ),
    priority: Type.Optional(OneOf(PRIORITIES, { description: "The service desk's to set (P4 when not given); a customer giving one is refused (422)" })),
  },
  { additionalProperties: false },
);
export type CreateRequest = Static<typeof CreateRequestBody>;

export const UpdateRequestBody = Type.Object(
  {
    title: Type.Optional(Text(200)),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    priority: Type.Optional(OneOf(PRIORITIES)),
    teamId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    assigneeId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateRequest = Static<typeof UpdateRequestBody>;

export const UpdateTaskBody = Type.Object(
  {
    teamId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    assigneeId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateTask = Static<typeof UpdateTaskBody>;

export const DecisionBody = Type.Object({ reason: Type.Optional(Text(2000)) }, { additionalProperties: false });
export const RejectBody = Type.Object({ reason: Text(2000, 'Why the request is rejected: the requester is told') }, { additionalProperties: false });

export const TransitionBody = Type.Object(
  {
    to: OneOf(REQUEST_STATES),
    reason: Type.Optional(Text(2000, 'Required to cancel')),
  },
  { additionalProperties: false },
);
export type Transition = Static<typeof TransitionBody>;

export const CompleteTaskBody = Type.Object({ notes: Type.Optional(Text(2000)) }, { additionalProperties: false });
export const SkipTaskBody = Type.Object({ reason: Text(2000, 'Why the task is skipped') }, { additionalProperties: false });

export const CreateNoteBody = Type.Object(
  {
    body: Text(10_000),
    customerVisible: Type.Optional(Type.Boolean({ description: "Staff: whether the requester's organisation sees it (default false). A customer's notes are always visible." })),
  },
  { additionalProperties: false },
);
export type CreateNote = Static<typeof CreateNoteBody>;

export const REQUEST_SORTS = ['createdAt', 'slaDueAt', 'updatedAt'] as const;

export const RequestListQuery = PageQuery(REQUEST_SORTS, {
  state: Type.Optional(Type.String({ pattern: '^[a-z_]+(,[a-z_]+)*$', maxLength: 200, description: `Comma-separated: ${REQUEST_STATES.join(', ')}, or open` })),
  kind: Type.Optional(OneOf(REQUEST_KINDS)),
  organisation: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{3,12}$', description: 'ODS code; its child organisations too' })),
  team: Type.Optional(Type.String({ maxLength: 50, description: 'Assigned team code' })),
  assignee: Type.Optional(Type.String({ pattern: '^(me|none|[1-9][0-9]{0,15})$', description: 'me, none or a user id' })),
  connectionId: Type.Optional(Type.Integer({ minimum: 1 })),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Full-text search over number, title, description and the notes the caller may see' })),
});
export type RequestListRequest = Static<typeof RequestListQuery>;

export const RequestParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const TaskParams = Type.Object({ id: Type.Integer({ minimum: 1 }), taskId: Type.Integer({ minimum: 1 }) });

/** What the service manager sets for every service request; see docs/service-requests.md. */
export const RequestSettingsSchema = Type.Object(
  {
    autoCloseDays: Type.Integer({
      minimum: AUTO_CLOSE_DAYS_MIN,
      maximum: AUTO_CLOSE_DAYS_MAX,
      description: 'Days after fulfilment that a request the customer has not confirmed closes by itself. A request keeps the window in force when it was fulfilled.',
    }),
  },
  { $id: 'RequestSettings', additionalProperties: false },
);
export type RequestSettings = Static<typeof RequestSettingsSchema>;

/** A product a request may name: the catalogue's offer as the person asking reads it (no prices, which are each supplier's). */
export const RequestableProductSchema = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    accessTechnology: Nullable(Type.String()),
    bandwidthDownKbps: Nullable(Type.Integer()),
    bandwidthUpKbps: Nullable(Type.Integer()),
    resilience: Nullable(Type.String()),
    requiresApproval: Type.Boolean({ description: 'A request for it waits for an approver before it is fulfilled' }),
  },
  { $id: 'RequestableProduct' },
);
export type RequestableProduct = Static<typeof RequestableProductSchema>;

export const RequestCatalogueQuery = PageQuery(['code', 'name'] as const, {});
