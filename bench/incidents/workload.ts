// What the incident benchmarks do, in one place, so that the n3sp side and the baseline side
// write and read the same rows: the words incidents are written in, the incident logged, the
// statements the baseline sends straight to the database.
import { randomUUID } from 'node:crypto';
import { sealOf } from '../../src/domain/audit-chain.ts';
import { DEFAULT_PRIORITY_MATRIX, priorityOf } from '../../src/domain/priority-matrix.ts';

/** Network faults as a service desk writes them down: symptom, what is affected, cause found. */
export const SYMPTOMS = [
  'Intermittent packet loss', 'Total loss of service', 'Slow network', 'High latency', 'Router unreachable', 'Switch port flapping',
  'Firewall dropping traffic', 'VPN tunnel down', 'DNS resolution failing', 'DHCP not issuing addresses', 'Wi-Fi dropping out',
  'Broadband line down', 'Fibre circuit down', 'BGP session down', 'CRC errors on uplink', 'Duplex mismatch', 'Jitter on voice calls',
  'SIP trunk not registering', 'Telephones not ringing', 'Clinical system timing out', 'EMIS Web very slow', 'SystmOne disconnecting',
  'Cannot reach HSCN', 'Certificate expired on gateway', 'RADIUS authentication failing', 'Printer VLAN unreachable',
  'Power failure in comms cabinet', 'UPS alarm', 'Backup link not failing over', 'Smartcard login failing', 'E-mail not sending',
] as const;

export const AFFECTS = [
  'reception PCs', 'consulting rooms', 'the dispensary', 'the whole surgery', 'the branch surgery', 'telephony', 'the clinical system',
  'the pharmacy terminal', 'the patient check-in screen', 'the practice manager\'s office', 'the first floor', 'all staff Wi-Fi',
  'the video consultation room', 'the blood test fridge monitor', 'the call recording server',
] as const;

export const FINDINGS = [
  'Openreach fault raised, engineer booked', 'roadworks cut the fibre duct', 'ONT power supply failed and was replaced',
  'router rebooted and service restored', 'SFP replaced on the uplink port', 'duplex set to auto on both ends', 'DNS forwarder restarted',
  'DHCP scope exhausted, lease time shortened', 'firewall rule corrected after change', 'BGP peer reset by the carrier',
  'faulty patch lead replaced in the cabinet', 'UPS batteries at end of life', 'certificate renewed and installed', 'carrier maintenance overran',
  'access point firmware updated', 'line card reseated at the exchange', 'QoS policy reapplied to the voice VLAN', 'rodent damage to cable',
] as const;

export const NOTE_LINES = [
  'Called the practice manager, issue confirmed.', 'Remote diagnostics show the line in sync but no traffic passing.',
  'Ticket raised with the carrier, reference given to the customer.', 'Engineer on site, replacing the router.',
  'Customer asked to power cycle the ONT; no change.', 'Traceroute stops at the provider edge.', 'Packet capture taken on the firewall.',
  'Service restored after the exchange work; monitoring for 24 hours.', 'Asked the customer to confirm the phones are working again.',
  'Escalated to network operations.', 'Awaiting access to the comms room; key holder arriving at 10:00.', 'Spare router dispatched by courier.',
  'Interface errors cleared and counters reset.', 'Change freeze in force; fix scheduled for the maintenance window.',
] as const;

const CATEGORY_OF = ['connectivity', 'performance', 'hardware', 'dns', 'telephony'] as const;
const LEVELS = ['high', 'medium', 'low'] as const;

const pick = <T>(list: readonly T[], n: number): T => list[((n % list.length) + list.length) % list.length]!;

/** The incident logged by write number `seq`, at one of the seeded sites. */
export function newIncident(seq: number, site: { id: number; name: string; organisationId: number }) {
  const symptom = pick(SYMPTOMS, seq * 7);
  const affects = pick(AFFECTS, seq * 13 + 3);
  return {
    title: `${symptom} at ${site.name}`.slice(0, 200),
    description: `${symptom} affecting ${affects} since this morning. ${pick(NOTE_LINES, seq * 5 + 1)} Logged by benchmark write ${seq}.`,
    siteId: site.id,
    category: pick(CATEGORY_OF, seq),
    impact: pick(LEVELS, seq * 3 + 1),
    urgency: pick(LEVELS, seq * 11 + 2),
    callerName: `Practice manager ${seq % 997}`,
    callerEmail: `manager${seq % 997}@example.nhs.uk`,
  };
}

/** The priority n3sp's default matrix gives an impact and urgency, for the baseline's row. */
export function defaultPriority(impact: string, urgency: string): string {
  return priorityOf(DEFAULT_PRIORITY_MATRIX, impact, urgency);
}

/** Which incident read number `seq` asks for, out of `ids`: a fixed stride, the same on both sides. */
export function readId(ids: number[], seq: number): number {
  return ids[(seq * 7919) % ids.length]!;
}

// --- The baseline's statements --------------------------------------------------------------
// The same incident row as n3sp writes, and the same row read, sent straight through the driver:
// no HTTP, no authentication, no validation, no journal, no audit chain, no clocks.

export const INSERT_INCIDENT = `insert into incident
  (title, description, source, caller_name, caller_email, organisation_id, site_id, category, impact, urgency, priority, state, created_at, updated_at)
  values ($1, $2, 'agent', $3, $4, $5, $6, $7, $8, $9, $10, 'new', $11, $11) returning id, number`;

export function baselineIncident(seq: number, site: { id: number; name: string; organisationId: number }) {
  const i = newIncident(seq, site);
  return [i.title, i.description, i.callerName, i.callerEmail, site.organisationId, site.id, i.category, i.impact, i.urgency, defaultPriority(i.impact, i.urgency), new Date()];
}

/** The queue's columns as n3sp reads them for the desk: the names beside each incident as scalar subqueries. */
const QUEUE_COLUMNS = `incident.id, incident.number, incident.title, incident.state, incident.priority, incident.impact, incident.urgency,
    incident.category, incident.source, incident.organisation_id, incident.site_id, incident.team_id, incident.assignee_id, incident.supplier_id,
    incident.major, incident.parent_id, incident.sla_due_at, incident.created_at, incident.updated_at, incident.version,
    org.ods_code as organisation_ods_code, org.name as organisation_name,
    (select site.name from site where site.id = incident.site_id) as site_name,
    (select team.code from team where team.id = incident.team_id) as team_code,
    (select team.name from team where team.id = incident.team_id) as team_name,
    (select assignee.display_name from app_user as assignee where assignee.id = incident.assignee_id) as assignee_name,
    (select supplier.code from supplier where supplier.id = incident.supplier_id) as supplier_code,
    (select supplier.name from supplier where supplier.id = incident.supplier_id) as supplier_name,
    (select parent.number from incident as parent where parent.id = incident.parent_id) as parent_number,
    (select parent.title from incident as parent where parent.id = incident.parent_id) as parent_title`;
const FROM_INCIDENT = `from incident
  join organisation as org on org.id = incident.organisation_id`;
const QUEUE_SELECT = `select ${QUEUE_COLUMNS}
  ${FROM_INCIDENT}`;

/**
 * The record page's read as n3sp sends it for the desk (src/modules/incidents/queries.ts,
 * `findIncidentRecord`): the incident with the names shown beside it (the queue's and the
 * caller's), and its CIs, child incidents and clocks as jsonb — one statement.
 */
export const READ_INCIDENT = `select ${QUEUE_COLUMNS},
    incident.description, incident.caller_id, incident.caller_name, incident.caller_email,
    (select caller.display_name from app_user as caller where caller.id = incident.caller_id) as caller_display_name,
    (select caller.email from app_user as caller where caller.id = incident.caller_id) as caller_user_email,
    incident.connection_id, incident.supplier_reference, incident.handed_off_at, incident.supplier_accepted_at, incident.resolution_code,
    incident.resolution_notes, incident.responded_at, incident.resolved_at, incident.closed_at, incident.reopen_count,
    (select coalesce(jsonb_agg(jsonb_build_object('id', ci.id, 'name', ci.name, 'kind', ci.kind) order by ci.name, ci.id), '[]'::jsonb)
      from incident_ci join configuration_item ci on ci.id = incident_ci.ci_id where incident_ci.incident_id = $1) as cis,
    (select coalesce(jsonb_agg(jsonb_build_object('id', incident.id, 'number', incident.number, 'title', incident.title, 'state', incident.state) order by incident.id), '[]'::jsonb)
      from incident where incident.parent_id = $1) as children,
    (select coalesce(jsonb_agg(to_jsonb(c) || jsonb_build_object('definition_code', d.code, 'definition_name', d.name) order by c.id), '[]'::jsonb)
      from sla_clock as c join sla_definition as d on d.id = c.definition_id where c.record_type = 'incident' and c.record_id = $1) as clocks
  ${FROM_INCIDENT}
  where incident.id = $1`;

const QUERY = `websearch_to_tsquery('english', $1)`;
const NEWEST_FIRST = `order by incident.id desc, incident.id desc
  limit 51`;
/** What the queue shows of each row's SLA (src/modules/service-levels/queries.ts, `slaStandingOf`), for the page's rows. */
const BREACHED = `(s.breached_at is not null or s.state = 'breached' or (s.stopped_at is null and s.due_at < now()))`;
const SLA_STANDING = `(select jsonb_build_object('breached', coalesce(bool_or(${BREACHED}), false),
      'warning', coalesce(bool_or(s.stopped_at is null and (s.warned_at is not null or s.warn_at <= now()) and not ${BREACHED}), false),
      'responseDueAt', min(s.due_at) filter (where s.metric = 'response' and s.stopped_at is null))
    from sla_clock as s where s.record_type = 'incident' and s.record_id = incident.id and s.kind = 'sla') as sla_standing`;
const SEARCH_SELECT = `select ${QUEUE_COLUMNS}, ${SLA_STANDING}
  ${FROM_INCIDENT}`;

/** A word the search leaves out ("-cabinet"), as n3sp spots it. */
export const EXCLUDES_A_WORD = /(^|\s)-[^\s-]/;

/**
 * The queue's full-text search as n3sp runs it for the desk (first page of 50, newest first), by
 * hand (src/modules/incidents/queries.ts, `matchesSearch`): an incident number is looked up;
 * otherwise the words are tried on the newest incidents, with the sites whose names hold them, in
 * one statement (\`sample\`) and, as src/domain/search-shape.ts decides from that, the page is
 * found by walking the queue's order (\`walk\`) or from the full-text indexes (\`index\`), the sites'
 * incidents ($2) as one more alternative. A search that leaves a word out is tried again on the
 * incident's words and notes as one, and looks for no site.
 */
export const SEARCH_INCIDENTS = {
  number: `${SEARCH_SELECT}
  where incident.number = $1
  ${NEWEST_FIRST}`,
  sample: (excludes: boolean) => `with named as materialized (
      ${excludes ? 'select null::bigint as id where false' : `select site.id from site where to_tsvector('english', site.name) @@ ${QUERY}`})
    select count(*) filter (where newest.hit)::int as hits,
      (select reltuples from pg_class where oid = 'incident'::regclass)::float8 as incidents,
      array(select named.id from named) as sites
    from (select ${rowByRow(excludes, 'or incident.site_id in (select named.id from named)')} as hit from incident order by incident.id desc limit $2) as newest`,
  walk: (excludes: boolean, sites: boolean) => `${SEARCH_SELECT}
  where ${rowByRow(excludes, sites ? 'or incident.site_id = any($2::bigint[])' : '')}
  ${NEWEST_FIRST}`,
  index: (excludes: boolean, sites: boolean) => `${SEARCH_SELECT}
  where incident.id = any(array(select m.id from incident as m
    where (m.search @@ ${QUERY} or m.notes_search @@ ${QUERY} ${sites ? 'or m.site_id = any($2::bigint[])' : ''}) ${whole(excludes, 'm')}))
  ${NEWEST_FIRST}`,
};

function whole(excludes: boolean, alias: string): string {
  return excludes ? `and ts_match_vq(${alias}.search || ${alias}.notes_search, ${QUERY})` : '';
}

function rowByRow(excludes: boolean, atSite: string): string {
  return `((ts_match_vq(incident.search, ${QUERY}) or ts_match_vq(incident.notes_search, ${QUERY}) ${atSite}) ${whole(excludes, 'incident')})`;
}

// --- The same rows by hand ------------------------------------------------------------------
// What n3sp writes when it logs an incident, as few round trips as the rows allow, straight
// through the driver: the incident, its clock subject, its response and resolution clocks and
// their four timers in one statement, then the journal entry (sealed as n3sp seals it, which needs
// the incident's id), in one transaction. The floor under n3sp's create: the database's work for
// the same rows, without HTTP, authentication, validation, clock arithmetic or the audit chain.

export const INSERT_INCIDENT_ROWS = `with inc as (
    insert into incident (title, description, source, caller_name, caller_email, organisation_id, site_id, category, impact, urgency, priority,
        state, sla_due_at, created_at, updated_at)
    values ($1, $2, 'agent', $3, $4, $5, $6, $7, $8, $9, $10, 'new', $12, $11, $11) returning id, number, organisation_id, priority
  ), subject as (
    insert into sla_subject (record_type, record_id, record_number, organisation_id, priority, created_at, updated_at)
    select 'incident', id, number, organisation_id, priority, $11, $11 from inc
  ), clock as (
    insert into sla_clock (record_type, record_id, definition_id, kind, metric, priority, organisation_id, calendar_id, calendar, target_ms,
        warning_fraction, events, state, due_at, warn_at, started_at, evaluated_at)
    select 'incident', inc.id, $13, 'sla', c.metric, inc.priority, inc.organisation_id, $14, $15::jsonb, c.target_ms, 0.75, $16::jsonb, 'running',
        c.due_at, c.warn_at, $11, $11
    from inc cross join (values ('response', $17::bigint, $18::timestamptz, $19::timestamptz), ('resolution', $20::bigint, $12::timestamptz, $21::timestamptz))
      as c (metric, target_ms, due_at, warn_at)
    returning id, due_at, warn_at
  ), timers as (
    insert into job (kind, payload, run_at, dedupe_key, max_attempts)
    select t.kind, jsonb_build_object('clockId', clock.id), case t.kind when 'sla.warning' then clock.warn_at else clock.due_at end, t.kind || ':' || clock.id, 20
    from clock cross join (values ('sla.warning'), ('sla.breach')) as t (kind)
  )
  select id, number from inc`;

export const INSERT_INCIDENT_JOURNAL = `insert into journal
  (nonce, at, actor_id, actor_name, action, entity_type, entity_id, organisation_id, supplier_id, summary, changes, seal)
  values ($1, $2, null, $3, 'logged', 'incident', $4, $5, null, $6, $7, $8)`;

/** The standard incident SLA's terms the rows are written with: its definition and round-the-clock calendar. */
export const CLOCK_TERMS = `select d.id as definition_id, d.targets, c.id as calendar_id,
    jsonb_build_object('name', c.name, 'timeZone', c.time_zone, 'hours', c.hours, 'closures', c.closures, 'bankHolidays', c.bank_holidays) as calendar
  from sla_definition d cross join business_calendar c where d.code = 'INCIDENT-STANDARD' and c.name = '24x7'`;

export interface ClockTermsRow {
  definition_id: number;
  targets: Array<{ priority: string; responseMs: number | null; resolutionMs: number }>;
  calendar_id: number;
  calendar: unknown;
}

/** Parameters of the rows statement and, once the incident's id and number are known, of its journal entry. */
export function baselineIncidentRows(seq: number, site: { id: number; name: string; organisationId: number }, terms: ClockTermsRow, auditKey: string) {
  const [title, description, callerName, callerEmail, organisationId, siteId, category, impact, urgency, priority, now] = baselineIncident(seq, site) as [
    string, string, string, string, number, number, string, string, string, string, Date,
  ];
  const target = terms.targets.find((t) => t.priority === priority) ?? terms.targets[0]!;
  const at = now.getTime();
  const responseMs = target.responseMs ?? 3_600_000;
  const due = (ms: number) => new Date(at + ms);
  const rows = [
    title, description, callerName, callerEmail, organisationId, siteId, category, impact, urgency, priority, now, due(target.resolutionMs),
    terms.definition_id, terms.calendar_id, JSON.stringify(terms.calendar), JSON.stringify([{ type: 'started', at }]),
    responseMs, due(responseMs), due(responseMs * 0.75), target.resolutionMs, due(target.resolutionMs * 0.75),
  ];
  const journal = (id: number, number: string) => {
    const view = { title, description, state: 'new', priority, impact, urgency, category, site: siteId };
    const changes = Object.entries(view).map(([field, after]) => ({ field, before: null, after }));
    const content = {
      nonce: randomUUID(), at: new Date(), actorId: null, actorName: 'Benchmark', action: 'logged', entityType: 'incident',
      entityId: String(id), organisationId, supplierId: null, summary: `${number} logged (${priority}): ${title}`, changes,
    };
    return [content.nonce, content.at, content.actorName, content.entityId, organisationId, content.summary, JSON.stringify(changes), sealOf(auditKey, content)];
  };
  return { rows, journal };
}
