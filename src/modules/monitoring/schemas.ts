import { Type, type Static } from 'typebox';
import { Nullable, OneOf, PageQuery } from '../../core/http/schemas.ts';
import { RESOLUTION_CODES } from '../../domain/incident-lifecycle.ts';

const Stamp = Type.String({ format: 'date-time' });
const Id = Type.Integer({ minimum: 1 });

export const IdParams = Type.Object({ id: Id });

const IncidentRef = Nullable(Type.Object({ id: Type.Integer(), number: Type.String(), state: Type.String(), major: Type.Boolean() }));

export const AlertSchema = Type.Object(
  {
    id: Type.Integer(),
    source: Type.String({ description: 'alertmanager, or the source named by a generic event payload' }),
    fingerprint: Type.String(),
    status: Type.String({ description: 'firing or resolved' }),
    startsAt: Stamp,
    endsAt: Nullable(Stamp),
    alertname: Type.String(),
    severity: Nullable(Type.String()),
    summary: Nullable(Type.String()),
    labels: Type.Record(Type.String(), Type.String()),
    annotations: Type.Record(Type.String(), Type.String()),
    generatorUrl: Nullable(Type.String()),
    ci: Nullable(Type.Object({ id: Type.Integer(), name: Type.String(), kind: Type.String() })),
    site: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
    mappedBy: Nullable(Type.String({ description: 'The label that named the CI' })),
    group: Nullable(Type.Object({ id: Type.Integer(), kind: Type.String(), state: Type.String() })),
    incident: IncidentRef,
    maintenanceWindowId: Nullable(Type.Integer()),
    disposition: Nullable(Type.String({ description: 'What correlation made of it; null while it waits for the next run' })),
    receivedAt: Stamp,
    updatedAt: Stamp,
  },
  { $id: 'Alert' },
);
export type Alert = Static<typeof AlertSchema>;

export const AlertGroupSchema = Type.Object(
  {
    id: Type.Integer(),
    kind: Type.String({ description: "site (a site's incident), ci (a lone network CI's) or major (a shared upstream CI's)" }),
    state: Type.String({ description: 'open (alerts firing), clearing (all resolved; resolution proposed), cleared' }),
    reason: Nullable(Type.String()),
    ci: Type.Object({ id: Type.Integer(), name: Type.String(), kind: Type.String() }),
    site: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
    incident: Type.Object({ id: Type.Integer(), number: Type.String(), state: Type.String(), title: Type.String(), major: Type.Boolean() }),
    openedIncident: Type.Boolean({ description: 'False when n3sp attached to an incident someone else logged' }),
    parentGroupId: Nullable(Type.Integer()),
    alertCount: Type.Integer(),
    firingCount: Type.Integer(),
    siteCount: Type.Integer(),
    resolveDueAt: Nullable(Stamp),
    clearedAt: Nullable(Stamp),
    createdAt: Stamp,
    updatedAt: Stamp,
  },
  { $id: 'AlertGroup' },
);
export type AlertGroup = Static<typeof AlertGroupSchema>;

export const PayloadSchema = Type.Object(
  {
    id: Type.Integer(),
    source: Type.String(),
    endpoint: Type.String(),
    receivedAt: Stamp,
    accepted: Type.Boolean(),
    reason: Nullable(Type.String()),
    alertCount: Type.Integer(),
    changedCount: Type.Integer({ description: 'Alerts the payload added or resolved; 0 for a repeat' }),
    groupKey: Nullable(Type.String()),
    body: Type.Optional(Type.String({ description: 'The body as received (on the single payload read)' })),
  },
  { $id: 'AlertPayload' },
);
export type Payload = Static<typeof PayloadSchema>;

export const IntakeResultSchema = Type.Object(
  {
    payloadId: Type.Integer(),
    alerts: Type.Integer({ description: 'Alerts in the payload, repeats within it counted once' }),
    changed: Type.Integer({ description: 'Alerts that were new or newly resolved' }),
  },
  { $id: 'AlertIntakeResult' },
);

/** The webhook body is read by n3sp itself (src/domain/alertmanager-payload.ts), so that a payload it cannot read is kept and answered with the reason. */
export const AlertmanagerBody = Type.Unknown({
  description:
    'Alertmanager webhook payload, version 4: { version: "4", groupKey, status, receiver, groupLabels, commonLabels, commonAnnotations, externalURL, alerts: [{ status, labels, annotations, startsAt, endsAt, generatorURL, fingerprint }] }. Unknown fields are ignored.',
});
export const EventsBody = Type.Unknown({
  description:
    'Generic events: { source: "nagios", events: [{ fingerprint, status: "firing" | "resolved", startsAt, endsAt?, labels, annotations?, alertname?, severity?, summary? }] }, or one event with source beside it.',
});

export const AlertListQuery = PageQuery(['startsAt', 'updatedAt', 'id'], {
  status: Type.Optional(OneOf(['firing', 'resolved'])),
  source: Type.Optional(Type.String({ maxLength: 50 })),
  ciId: Type.Optional(Id),
  siteId: Type.Optional(Id),
  groupId: Type.Optional(Id),
  incidentId: Type.Optional(Id),
  mapped: Type.Optional(Type.Boolean()),
  severity: Type.Optional(Type.String({ maxLength: 50 })),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the alert name or summary' })),
});
export type AlertListRequest = Static<typeof AlertListQuery>;

export const GroupListQuery = PageQuery(['updatedAt', 'id'], {
  state: Type.Optional(OneOf(['open', 'clearing', 'cleared', 'live'], { description: 'live: open or clearing' })),
  kind: Type.Optional(OneOf(['site', 'ci', 'major'])),
  ciId: Type.Optional(Id),
});
export type GroupListRequest = Static<typeof GroupListQuery>;

export const PayloadListQuery = PageQuery(['receivedAt', 'id'], {
  accepted: Type.Optional(Type.Boolean()),
  source: Type.Optional(Type.String({ maxLength: 50 })),
});
export type PayloadListRequest = Static<typeof PayloadListQuery>;

const LOOKUPS = ['ci', 'ci_id', 'circuit', 'site'] as const;

export const MappingRuleSchema = Type.Object(
  {
    id: Type.Integer(),
    position: Type.Integer(),
    label: Type.String(),
    lookup: Type.String({ description: 'ci (external reference or name), ci_id, circuit (connection circuit reference) or site (site ODS code)' }),
    ciKind: Nullable(Type.String()),
    pattern: Nullable(Type.String()),
    active: Type.Boolean(),
    updatedAt: Stamp,
    version: Type.Integer(),
  },
  { $id: 'AlertMappingRule' },
);
export type MappingRule = Static<typeof MappingRuleSchema>;

const RuleFields = {
  position: Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Rules are tried in this order' }),
  label: Type.String({ pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$', maxLength: 100 }),
  lookup: OneOf(LOOKUPS),
  ciKind: Nullable(OneOf(['site_router', 'connection', 'pop', 'core_node', 'core_link', 'service', 'location', 'other'])),
  pattern: Nullable(Type.String({ minLength: 1, maxLength: 200, description: 'A regular expression whose first group is the value looked up' })),
  active: Type.Boolean(),
};

export const CreateMappingRuleBody = Type.Object(
  { position: RuleFields.position, label: RuleFields.label, lookup: RuleFields.lookup, ciKind: Type.Optional(RuleFields.ciKind), pattern: Type.Optional(RuleFields.pattern), active: Type.Optional(RuleFields.active) },
  { additionalProperties: false },
);
export type CreateMappingRule = Static<typeof CreateMappingRuleBody>;

export const UpdateMappingRuleBody = Type.Partial(Type.Object(RuleFields), { additionalProperties: false, minProperties: 1 });
export type UpdateMappingRule = Static<typeof UpdateMappingRuleBody>;

const Minutes = (max: number, description: string) => Type.Number({ minimum: 0, maximum: max, description });

export const MonitoringSettingsSchema = Type.Object(
  {
    settleSeconds: Type.Number({ minimum: 0, maximum: 600, description: 'Wait after an alert arrives before correlating, so a storm is one batch' }),
    windowMinutes: Minutes(1440, 'Alerts that started within this window may join a major incident'),
    minSites: Type.Integer({ minimum: 2, maximum: 100_000, description: 'How many sites make a major incident' }),
    inferredRootMinShare: Type.Number({ minimum: 0, maximum: 1, description: "For a shared dependency that is not alerting: the share of its sites that must be" }),
    dampingMinutes: Minutes(1440, 'An alert firing again within this window of resolving reuses its incident'),
    autoResolveMinutes: Nullable(Minutes(10_080, 'Resolve what n3sp opened this long after its alerts cleared; null: only propose')),
    autoResolveCode: OneOf(RESOLUTION_CODES),
    siteImpact: Type.String({ minLength: 1, maxLength: 30 }),
    siteUrgency: Type.String({ minLength: 1, maxLength: 30 }),
    majorImpact: Type.String({ minLength: 1, maxLength: 30 }),
    majorUrgency: Type.String({ minLength: 1, maxLength: 30 }),
    networkOrganisation: Nullable(Type.String({ pattern: '^[A-Za-z0-9]{3,12}$', description: 'ODS code of the organisation major incidents are logged under; null: the network provider' })),
  },
  { $id: 'MonitoringSettings', additionalProperties: false },
);
