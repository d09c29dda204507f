import { sql } from 'kysely';
import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import * as clock from '../../core/clock.ts';
import type { Tx } from '../../core/journal/journal.ts';
import { actorOf, SYSTEM_PRINCIPAL, type Actor, type Principal } from '../../core/access/principal.ts';
import { problems } from '../../core/errors.ts';
import { cancel, reschedule, schedule } from '../../core/jobs/queue.ts';
import { changedFields } from '../../domain/journal-changes.ts';
import { priorityOf } from '../../domain/priority-matrix.ts';
import { counted } from '../../domain/words.ts';
import {
  answeredState,
  clockSignals,
  isOpen,
  label,
  linkRefusal,
  movesFor,
  reopenUntil,
  STATE_LABELS,
  transitionRefusal,
  type IncidentState,
  type Party,
} from '../../domain/incident-lifecycle.ts';
import { alarmSentence, clockViewsOf, planClocks, recordClockEvent, slaDueAtOf, subjectChanged, type ClockSubject, type ClockSummary, type ClockView } from '../service-levels/clocks.ts';
import { notify, type NotificationEvent, type Recipient } from '../notifications/notify.ts';
import { alarmRecipients } from '../notifications/queries.ts';
import {
  ancestorsOf,
  besideOf,
  childrenOf,
  connectionOfSite,
  contactsOf,
  findIncidentDetail,
  findIncidentRecord,
  indexNotes,
  lockIncident,
  logIncident,
  notesOf,
  siteInScope,
  type Beside,
  type IncidentRow,
  type IncidentSummaryRow,
} from './queries.ts';
import { incidentSettings, saveIncidentSettings } from './settings.ts';
import type { IncidentSettings } from './schemas.ts';
import { incidentChanges, type IncidentFacts } from './events.ts';
import type { Accept, Assign, CreateIncident, HandOff, Incident, IncidentSummary, Link, Note, NoteInput, Transition, UpdateIncident } from './schemas.ts';

export const ENTITY = 'incident';
export const AUTO_CLOSE_JOB = 'incident.auto-close';
const HOUR = 3_600_000;

const iso = (d: Date | null) => (d === null ? null : d.toISOString());
/** The drivers read timestamptz 'infinity' (no due time) as a string or an invalid date. */
const dueOf = (d: Date | string) => (d instanceof Date && Number.isFinite(d.getTime()) ? d.toISOString() : null);

/** Staff act as the desk; a customer's and a supplier's scope says which side they are on. */
export function partyOf(principal: Principal): Party {
  if (principal.scope.kind === 'organisations') return 'customer';
  if (principal.scope.kind === 'supplier') return 'supplier';
  return 'desk';
}

/**
 * Journal entries a party does not read: a customer is not shown the desk's internal targets
 * (OLAs) nor the supplier's contract (underpinning). Suppliers hold no `journal:read` and do not
 * read the journal at all: it records every supplier the incident passed through, with their
 * references and contracts' alarms, which the next supplier may not see (docs/incidents.md). Were
 * they ever to, hiding actions would not be enough: entries would need filtering by supplier.
 */
export function hiddenFrom(party: Party): string[] {
  const internal = ['ola_warning', 'ola_breached'];
  if (party === 'customer') return [...internal, 'underpinning_warning', 'underpinning_breached'];
  return party === 'supplier' ? internal : [];
}

/**
 * An incident as a queue row: its own fields, and the SLA standing the queue reads beside them
 * (`listIncidents`). The record page starts from the same fields, read without that standing: it
 * shows the clocks themselves.
 */
export function presentSummary(row: IncidentSummaryRow): Omit<IncidentSummary, 'slaBreached' | 'slaWarning' | 'slaBreachedTargets' | 'slaWarningTargets' | 'responseDueAt'> {
  return {
    id: row.id,
    number: row.number,
    title: row.title,
    state: row.state,
    priority: row.priority,
    impact: row.impact,
    urgency: row.urgency,
    category: row.category,
    source: row.source,
    organisation: { odsCode: row.organisation_ods_code, name: row.organisation_name },
    site: row.site_id !== null ? { id: row.site_id, name: row.site_name! } : null,
    team: row.team_id !== null ? { id: row.team_id, code: row.team_code!, name: row.team_name! } : null,
    assignee: row.assignee_id !== null ? { id: row.assignee_id, name: row.assignee_name! } : null,
    supplier: row.supplier_id !== null ? { id: row.supplier_id, code: row.supplier_code!, name: row.supplier_name! } : null,
    major: row.major,
    parent: row.parent_id !== null ? { id: row.parent_id, number: row.parent_number!, title: row.parent_title! } : null,
    slaDueAt: dueOf(row.sla_due_at),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

/** The whole record as the caller may see it: linked CIs, children, clocks and their next moves. */
export async function presentIncident(ctx: AppContext, principal: Principal, row: IncidentRow & Partial<Beside>, db: Tx = ctx.db): Promise<Incident> {
  const [beside, { settings }] = await Promise.all([hasBeside(row) ? row : besideOf(db, principal.scope, row.id), incidentSettings(db, ctx.db)]);
  const { cis, children } = beside;
  const clocks = clockViewsOf(clocksSeenBy(principal.scope, beside.clocks));
  const party = partyOf(principal);
  return {
    ...presentSummary(row),
    description: row.description,
    caller:
      row.caller_id !== null || row.caller_name !== null || row.caller_email !== null
        ? { id: row.caller_id, name: row.caller_name ?? row.caller_display_name ?? 'unknown', email: row.caller_email ?? row.caller_user_email ?? null }
        : null,
    connectionId: row.connection_id,
    cis,
    supplierReference: row.supplier_reference,
    handedOffAt: iso(row.handed_off_at),
    supplierAcceptedAt: iso(row.supplier_accepted_at),
    resolutionCode: row.resolution_code,
    resolutionNotes: row.resolution_notes,
    respondedAt: iso(row.responded_at),
    resolvedAt: iso(row.resolved_at),
    closedAt: iso(row.closed_at),
    reopenCount: row.reopen_count,
    reopenUntil: row.state === 'resolved' ? iso(reopenUntil(row.resolved_at, settings.reopenWindowHours * HOUR)) : null,
    children: children.map((c) => ({ id: c.id, number: c.number, title: c.title, state: c.state })),
    clocks,
    // Only moves the caller may make: an auditor reads every incident and moves none.
    nextStates: principal.permissions.has('incidents:write') ? movesFor(row.state as IncidentState, party).filter((to) => party !== 'supplier' || row.state === 'pending_supplier') : [],
  };
}

/**
 * The clocks a caller may see, from the rows read beside the incident: the desk sees every one; a
 * customer the promise made to them (SLA); a supplier that and their own contract's clock, not the
 * desk's OLAs nor the underpinning clock of a supplier the incident was handed to before (each
 * underpinning clock keeps the supplier whose contract it measures).
 */
function clocksSeenBy(scope: Principal['scope'], rows: unknown[]): unknown[] {
  if (scope.kind === 'network') return rows;
  return (rows as Array<{ kind: string; supplier_id: number | string | null }>).filter(
    (c) => c.kind === 'sla' || (scope.kind === 'supplier' && c.kind === 'underpinning' && Number(c.supplier_id) === scope.supplierId),
  );
}

export function presentNote(n: { id: number; kind: string; customer_visible: boolean; body: string; author_name: string; source: string; created_at: Date }): Note {
  return { id: n.id, kind: n.kind, customerVisible: n.customer_visible, body: n.body, author: n.author_name, source: n.source, createdAt: n.created_at.toISOString() };
}

const hasBeside = (row: Partial<Beside>): row is Beside => row.clocks !== undefined;

/** The incident as its record page shows it, read with what is shown beside it. */
export async function readIncident(ctx: AppContext, principal: Principal, id: number): Promise<IncidentRow & Beside> {
  const row = await findIncidentRecord(ctx.db, principal.scope, id);
  if (!row) throw problems.notFound('incident with that id');
  return row;
}

export async function getIncident(ctx: AppContext, principal: Principal, id: number): Promise<IncidentRow> {
  const row = await findIncidentDetail(ctx.db, principal.scope, id);
  if (!row) throw problems.notFound('incident with that id');
  return row;
}

export async function getNotes(ctx: AppContext, principal: Principal, id: number): Promise<Note[]> {
  const row = await getIncident(ctx, principal, id);
  return (await notesOf(ctx.db, row.id, principal.scope)).map(presentNote);
}

// ---------------------------------------------------------------------------------------------
// The journal view, and the one path every change takes. Sites, teams and suppliers are recorded by
// name (a connection by its product and circuit reference), as a reader of the history knows them,
// not by the ids or codes they are stored under.

function journalView(row: IncidentRow | undefined) {
  return row
    ? {
        title: row.title,
        description: row.description,
        state: row.state,
        priority: row.priority,
        impact: row.impact,
        urgency: row.urgency,
        category: row.category,
        site: row.site_name,
        connection: row.connection_name,
        team: row.team_name,
        assignee: row.assignee_name,
        supplier: row.supplier_name,
        supplierReference: row.supplier_reference,
        resolutionCode: row.resolution_code,
        resolutionNotes: row.resolution_notes,
        major: row.major,
        parent: row.parent_number,
      }
    : null;
}
const JOURNAL_FIELDS = [
  'title', 'description', 'state', 'priority', 'impact', 'urgency', 'category', 'site', 'connection', 'team', 'assignee', 'supplier',
  'supplierReference', 'resolutionCode', 'resolutionNotes', 'major', 'parent',
] as const;

type IncidentChanges = Partial<{
  title: string;
  description: string;
  category: string;
  impact: string;
  urgency: string;
  priority: string;
  state: IncidentState;
  team_id: number | null;
  assignee_id: number | null;
  supplier_id: number | null;
  supplier_reference: string | null;
  handed_off_at: Date | null;
  supplier_accepted_at: Date | null;
  resolution_code: string | null;
  resolution_notes: string | null;
  responded_at: Date;
  resolved_at: Date | null;
  closed_at: Date | null;
  cancelled_at: Date | null;
  reopen_count: number;
  major: boolean;
  parent_id: number | null;
}>;

function factsOf(row: IncidentRow): IncidentFacts {
  return {
    id: row.id,
    number: row.number,
    state: row.state,
    source: row.source,
    category: row.category,
    organisationId: row.organisation_id,
    siteId: row.site_id,
    connectionId: row.connection_id,
    supplierId: row.supplier_id,
    major: row.major,
    parentId: row.parent_id,
    createdAt: row.created_at,
    resolvedAt: row.resolved_at,
    closedAt: row.closed_at,
  };
}

function subjectOf(row: Pick<IncidentRow, 'id' | 'number' | 'priority' | 'organisation_id' | 'team_id' | 'supplier_id' | 'state'>, productId: number | null = null): ClockSubject {
  return { recordType: 'incident', recordId: row.id, recordNumber: row.number, priority: row.priority, organisationId: row.organisation_id, teamId: row.team_id, supplierId: supplierHolding(row.state, row.supplier_id), productId };
}

/**
 * The supplier its contract's clock runs for: the one the incident is handed to, while it is with
 * them. Handed back (or taken back by the desk, or resolved) the incident keeps its supplier, for
 * the record and for their engineers to read, but their clock stops.
 */
const supplierHolding = (state: string, supplierId: number | null) => (state === 'pending_supplier' ? supplierId : null);

interface Change {
  action: string;
  summary: string;
  changes: IncidentChanges;
  /** A state move, with what it means for the clocks. */
  move?: { from: IncidentState; to: IncidentState };
  actor: Actor;
}

/**
 * Applies a change to a locked incident: the row, its clocks (and the jobs that fire them), the
 * auto-close timer, and the journal entry, all in the caller's transaction. Every action on an
 * incident goes through here, so none can forget the clocks or the journal.
 */
async function applyChange(tx: Tx, ctx: AppContext, before: IncidentRow, change: Change): Promise<IncidentRow> {
  const now = clock.now();
  const c = { ...change.changes };
  if (change.move && !before.responded_at && clockSignals(change.move.from, change.move.to, false).includes('responded')) c.responded_at = now;
  const summary = await moveClocks(tx, ctx, before, c, change.move, now);
  await tx
    .updateTable('incident')
    .set({ ...c, ...(summary ? { sla_due_at: slaDueAtOf(summary) } : {}), updated_at: now, version: before.version + 1 })
    .where('id', '=', before.id)
    .execute();
  const after = (await findIncidentDetail(tx, { kind: 'network' }, before.id))!;
  if (change.move) await keepAutoCloseTimer(tx, ctx, after);
  await ctx.journal.record(tx, change.actor, {
    action: change.action,
    entityType: ENTITY,
    entityId: after.id,
    organisationId: after.organisation_id,
    supplierId: after.supplier_id ?? before.supplier_id,
    summary: change.summary,
    changes: changedFields(journalView(before), journalView(after), JOURNAL_FIELDS),
  });
  await incidentChanges.tell(tx, ctx, { before: factsOf(before), after: factsOf(after) });
  return after;
}

/** Tells the clocks what changed; returns their summary, or null when nothing touched them. */
async function moveClocks(tx: Tx, ctx: AppContext, before: IncidentRow, c: IncidentChanges, move: Change['move'], at: Date): Promise<ClockSummary | null> {
  let summary: ClockSummary | null = null;
  const beforeSubject = subjectOf(before);
  const afterSubject: ClockSubject = {
    ...beforeSubject,
    priority: c.priority ?? before.priority,
    teamId: c.team_id !== undefined ? c.team_id : before.team_id,
    supplierId: supplierHolding(c.state ?? before.state, c.supplier_id !== undefined ? c.supplier_id : before.supplier_id),
  };
  if (afterSubject.priority !== beforeSubject.priority || afterSubject.teamId !== beforeSubject.teamId || afterSubject.supplierId !== beforeSubject.supplierId) {
    summary = await subjectChanged(tx, ctx, beforeSubject, afterSubject, at);
  }
  if (move) {
    for (const signal of clockSignals(move.from, move.to, before.responded_at !== null)) {
      summary = await recordClockEvent(tx, ctx, afterSubject, signal, at);
    }
  }
  return summary;
}

/** A resolved incident closes by itself when its reopen window ends; any other state has no timer. */
async function keepAutoCloseTimer(tx: Tx, ctx: AppContext, row: IncidentRow): Promise<void> {
  const key = `${AUTO_CLOSE_JOB}:${row.id}`;
  await cancel(tx, key);
  if (row.state !== 'resolved') return;
  const { settings } = await incidentSettings(tx, ctx.db);
  await schedule(tx, { kind: AUTO_CLOSE_JOB, runAt: reopenUntil(row.resolved_at, settings.reopenWindowHours * HOUR)!, payload: { incidentId: row.id }, dedupeKey: key });
}

/**
 * New incident settings. A changed reopen window applies to the incidents already resolved: each
 * closes when its new window ends (at its next run of the worker, if that has passed). A longer
 * window would be caught anyway when the old timer fired; a shorter one only here.
 */
export async function changeIncidentSettings(tx: Tx, ctx: AppContext, principal: Principal, expected: number, next: IncidentSettings) {
  const { settings: before } = await incidentSettings(tx);
  const saved = await saveIncidentSettings(tx, ctx, principal, expected, next);
  if (next.reopenWindowHours === before.reopenWindowHours) return saved;
  for (const row of await tx.selectFrom('incident').select(['id', 'resolved_at']).where('state', '=', 'resolved').execute()) {
    const key = `${AUTO_CLOSE_JOB}:${row.id}`;
    const runAt = reopenUntil(row.resolved_at, next.reopenWindowHours * HOUR)!;
    if (!(await reschedule(tx, key, runAt))) await schedule(tx, { kind: AUTO_CLOSE_JOB, runAt, payload: { incidentId: row.id }, dedupeKey: key });
  }
  return saved;
}

async function addNoteRow(tx: Tx, incidentId: number, note: { kind: string; customerVisible: boolean; body: string; author: Actor; source?: 'web' | 'api' | 'email' | 'system' }) {
  await indexNotes(tx, [incidentId], note.body, note.customerVisible);
  return tx
    .insertInto('incident_note')
    .values({ incident_id: incidentId, kind: note.kind, customer_visible: note.customerVisible, body: note.body, author_id: note.author.id || null, author_name: note.author.name, source: note.source ?? 'api', created_at: clock.now() })
    .returning(['id', 'kind', 'customer_visible', 'body', 'author_name', 'source', 'created_at'])
    .executeTakeFirstOrThrow();
}

async function tell(tx: Tx, ctx: AppContext, row: IncidentRow, event: NotificationEvent, to: Recipient[], subject: string, text: string): Promise<void> {
  if (to.length === 0) return;
  await notify(tx, ctx, {
    recordType: 'incident',
    recordId: row.id,
    recordNumber: row.number,
    organisationId: row.organisation_id,
    supplierId: row.supplier_id,
    event,
    to,
    subject: `[${row.number}] ${subject}`,
    text: `${text}\n\n${row.number}: ${row.title}\nPriority ${row.priority}, now ${label(row.state as IncidentState)}.\n\nReply to this message to add to the incident.`,
  });
}

async function locked(tx: Tx, principal: Principal, id: number, expected: number | null): Promise<IncidentRow> {
  const row = await lockIncident(tx, principal.scope, id);
  if (!row) throw problems.notFound('incident with that id');
  if (expected !== null && row.version !== expected) throw problems.preconditionFailed();
  return row;
}

// ---------------------------------------------------------------------------------------------
// Actions.

/**
 * Logs an incident. A customer reports a fault on one of their own sites (the portal) and is its
 * caller; the desk may log one for any organisation, site or connection, with CIs and a team.
 */
export async function createIncident(tx: Tx, ctx: AppContext, principal: Principal, input: CreateIncident, options: { source?: 'monitoring' | 'email' } = {}): Promise<IncidentRow & Beside> {
  const party = partyOf(principal);
  if (party === 'supplier') throw problems.forbidden('Suppliers update incidents handed to them; they do not log them.');
  const { settings } = await incidentSettings(tx, ctx.db);
  const placed = await placeIncident(tx, principal, input);
  if (party === 'customer') {
    for (const field of ['impact', 'ciIds', 'teamId', 'assigneeId', 'parentId', 'callerId'] as const) {
      if (input[field] !== undefined) throw problems.unprocessable(field, 'is set by the service desk');
    }
  }
  const impact = input.impact ?? settings.defaultImpact;
  const urgency = input.urgency ?? settings.defaultUrgency;
  let priority: string;
  try {
    priority = priorityOf(settings.matrix, impact, urgency);
  } catch (e) {
    throw problems.unprocessable(settings.matrix.impacts.includes(impact) ? 'urgency' : 'impact', (e as Error).message);
  }
  const team = input.teamId !== undefined ? await activeTeam(tx, input.teamId, 'teamId') : null;
  if (input.assigneeId !== undefined) {
    if (!team) throw problems.unprocessable('assigneeId', 'assign a team as well');
    await teamMember(tx, team.id, input.assigneeId);
  }
  const caller = await callerFor(tx, principal, input);
  const ciIds = [...new Set([...(input.ciIds ?? []), ...(placed.ciId ? [placed.ciId] : [])])];
  await knownCis(tx, ciIds);
  const now = clock.now();
  // Assigned as it is logged: that is its response, so its response clocks start stopped and its resolution is next due.
  const clocks = await planClocks(
    tx,
    ctx,
    { recordType: 'incident', priority, organisationId: placed.organisationId, teamId: team?.id ?? null, supplierId: null, productId: placed.productId },
    now,
    { responded: team !== null },
  );
  const incident = {
    title: input.title,
    description: input.description ?? '',
    source: options.source ?? (party === 'customer' ? 'portal' : 'agent'),
    caller_id: caller.id,
    caller_name: caller.name,
    caller_email: caller.email,
    organisation_id: placed.organisationId,
    site_id: placed.siteId,
    connection_id: placed.connectionId,
    category: input.category ?? 'connectivity',
    impact,
    urgency,
    priority,
    state: team ? 'assigned' : 'new',
    team_id: team?.id ?? null,
    assignee_id: input.assigneeId ?? null,
    responded_at: team ? now : null,
    sla_due_at: clocks.summary.nextDueAt ?? 'infinity',
    created_at: now,
    updated_at: now,
  };
  // The incident, its CIs, clocks and timers, read back with what its page shows beside it (the answer).
  let created = await logIncident(tx, incident, ciIds, clocks.writes);
  if (input.parentId !== undefined) {
    await linkUnder(tx, ctx, principal, input.parentId, [created.id]);
    created = (await findIncidentRecord(tx, { kind: 'network' }, created.id))!;
  }
  await ctx.journal.record(tx, actorOf(principal), {
    action: 'logged',
    entityType: ENTITY,
    entityId: created.id,
    organisationId: created.organisation_id,
    summary: `${created.number} logged (${created.priority}): ${created.title}`,
    changes: changedFields(null, journalView(created), JOURNAL_FIELDS),
  });
  if (team) await tellAssigned(tx, ctx, created);
  await incidentChanges.tell(tx, ctx, { before: null, after: factsOf(created) });
  return created;
}

interface Placement { organisationId: number; siteId: number | null; connectionId: number | null; ciId: number | null; productId: number | null }

/** Where the fault is: a site (and its organisation), a connection (and its site), or an organisation. */
async function placeIncident(tx: Tx, principal: Principal, input: CreateIncident): Promise<Placement> {
  let siteId = input.siteId ?? null;
  let connection: Awaited<ReturnType<typeof connectionOfSite>> | undefined;
  if (input.connectionId !== undefined) {
    connection = await connectionOfSite(tx, input.connectionId);
    const visible = connection && (principal.scope.kind === 'network' || (await siteInScope(tx, principal.scope, connection.site_id)));
    if (!connection || !visible) throw problems.unprocessable('connectionId', 'is not a connection you may report a fault on');
    if (siteId !== null && connection.site_id !== siteId) throw problems.unprocessable('connectionId', 'is not a connection of that site');
    siteId = connection.site_id;
  }
  if (siteId !== null) {
    const site = await siteInScope(tx, principal.scope, siteId);
    if (!site) throw problems.unprocessable('siteId', 'is not a site you may report a fault for');
    return { organisationId: site.organisation_id, siteId: site.id, connectionId: connection?.id ?? null, ciId: connection?.ci_id ?? null, productId: connection?.product_id ?? null };
  }
  if (principal.scope.kind === 'organisations') throw problems.unprocessable('siteId', 'name the site with the fault');
  if (!input.organisationOdsCode) throw problems.unprocessable('siteId', "choose the site with the fault, or give the organisation's ODS code");
  const org = await tx.selectFrom('organisation').select('id').where('ods_code', '=', input.organisationOdsCode.toUpperCase()).executeTakeFirst();
  if (!org) throw problems.unprocessable('organisationOdsCode', 'is not a known organisation');
  return { organisationId: org.id, siteId: null, connectionId: null, ciId: null, productId: null };
}

async function callerFor(tx: Tx, principal: Principal, input: CreateIncident) {
  if (partyOf(principal) === 'customer') {
    // A customer is the caller, at their own account's address: an address of their choosing would
    // send the incident's e-mail there, and make replies from it count as the caller's.
    if (input.callerEmail !== undefined) throw problems.unprocessable('callerEmail', "is your account's address; change it on your account");
    const me = await tx.selectFrom('app_user').select(['email']).where('id', '=', principal.userId).executeTakeFirst();
    return { id: principal.userId, name: principal.displayName, email: me?.email ?? null };
  }
  if (input.callerId !== undefined) {
    const user = await tx.selectFrom('app_user').select(['id', 'display_name', 'email']).where('id', '=', input.callerId).executeTakeFirst();
    if (!user) throw problems.unprocessable('callerId', 'is not a known user');
    return { id: user.id, name: input.callerName ?? user.display_name, email: input.callerEmail ?? user.email };
  }
  return { id: null, name: input.callerName ?? null, email: input.callerEmail ?? null };
}

/** The incident's affected CIs become exactly these; an empty list unlinks them all. */
async function linkCis(tx: Tx, incidentId: number, ciIds: number[]) {
  await knownCis(tx, ciIds);
  await tx.deleteFrom('incident_ci').where('incident_id', '=', incidentId).execute();
  if (ciIds.length > 0) await tx.insertInto('incident_ci').values(ciIds.map((ci_id) => ({ incident_id: incidentId, ci_id }))).execute();
}

async function knownCis(tx: Tx, ciIds: number[]) {
  if (ciIds.length === 0) return;
  const found = await tx.selectFrom('configuration_item').select('id').where('id', 'in', ciIds).execute();
  const missing = ciIds.filter((id) => !found.some((f) => f.id === id));
  if (missing.length > 0) throw problems.unprocessable('ciIds', `no configuration item ${missing.join(', ')}`);
}

async function activeTeam(tx: Tx, teamId: number, field: string) {
  const team = await tx.selectFrom('team').select(['id', 'code', 'name', 'active']).where('id', '=', teamId).executeTakeFirst();
  if (!team) throw problems.unprocessable(field, 'is not a known team');
  if (!team.active) throw problems.unprocessable(field, `${team.name} no longer takes work`);
  return team;
}

async function teamMember(tx: Tx, teamId: number, userId: number) {
  const member = await tx.selectFrom('team_member').innerJoin('app_user', 'app_user.id', 'team_member.user_id').select('app_user.active').where('team_id', '=', teamId).where('user_id', '=', userId).executeTakeFirst();
  if (!member?.active) throw problems.unprocessable('assigneeId', 'is not an active member of the team');
}

export async function updateIncident(ctx: AppContext, principal: Principal, id: number, expected: number, input: UpdateIncident): Promise<IncidentRow> {
  return inTransaction(ctx, async (tx) => {
    const before = await locked(tx, principal, id, expected);
    const party = partyOf(principal);
    if (party === 'customer') throw problems.forbidden('The service desk keeps the incident; add a note instead.');
    if (party === 'supplier') {
      const others = Object.keys(input).filter((k) => k !== 'supplierReference');
      if (others.length > 0) throw problems.unprocessable(others[0]!, 'a supplier may change only their own reference');
    }
    if (!isOpen(before.state as IncidentState) && before.state !== 'resolved') throw problems.conflict('state', `a ${label(before.state as IncidentState)} incident does not change`);
    const { settings } = await incidentSettings(tx, ctx.db);
    const impact = input.impact ?? before.impact;
    const urgency = input.urgency ?? before.urgency;
    let priority = before.priority;
    if (input.impact !== undefined || input.urgency !== undefined) {
      try {
        priority = priorityOf(settings.matrix, impact, urgency);
      } catch (e) {
        throw problems.unprocessable(settings.matrix.impacts.includes(impact) ? 'urgency' : 'impact', (e as Error).message);
      }
    }
    if (input.ciIds) await linkCis(tx, id, input.ciIds);
    const changes: IncidentChanges = {
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.category !== undefined ? { category: input.category } : {}),
      ...(input.supplierReference !== undefined ? { supplier_reference: input.supplierReference } : {}),
      impact,
      urgency,
      priority,
    };
    return applyChange(tx, ctx, before, { action: 'updated', summary: priority !== before.priority ? `Priority ${before.priority} → ${priority}` : 'Details changed', changes, actor: actorOf(principal) });
  });
}

/** Assigns to a team (and optionally one of its members); a new incident becomes assigned. */
export async function assignIncident(ctx: AppContext, principal: Principal, id: number, expected: number, input: Assign): Promise<IncidentRow> {
  return inTransaction(ctx, async (tx) => {
    const before = await locked(tx, principal, id, expected);
    if (partyOf(principal) !== 'desk') throw problems.forbidden('Only the service desk assigns incidents.');
    if (!isOpen(before.state as IncidentState)) throw problems.conflict('state', `a ${label(before.state as IncidentState)} incident is not assigned`);
    const team = await activeTeam(tx, input.teamId, 'teamId');
    if (input.assigneeId) await teamMember(tx, team.id, input.assigneeId);
    const from = before.state as IncidentState;
    const to: IncidentState = from === 'new' ? 'assigned' : from;
    const after = await applyChange(tx, ctx, before, {
      action: 'assigned',
      summary: `Assigned to ${team.name}`,
      changes: { team_id: team.id, assignee_id: input.assigneeId ?? null, ...(to !== from ? { state: to } : {}) },
      move: to !== from ? { from, to } : undefined,
      actor: actorOf(principal),
    });
    await tellAssigned(tx, ctx, after);
    return after;
  });
}

async function tellAssigned(tx: Tx, ctx: AppContext, row: IncidentRow) {
  const { resolver } = await contactsOf(tx, row);
  await tell(tx, ctx, row, 'assignment', resolver, `Assigned to ${row.assignee_name ?? row.team_name}: ${row.title}`, `${row.number} has been assigned to ${row.assignee_name ?? row.team_name}.`);
}

/**
 * Moves an incident to another state. The desk may make any move the lifecycle allows; a
 * customer confirms (closes) or reopens their resolved incident; a supplier resolves or hands
 * back what is handed to them. A note, when given, is said to the customer.
 */
export async function transitionIncident(ctx: AppContext, principal: Principal, id: number, expected: number, input: Transition): Promise<IncidentRow> {
  return inTransaction(ctx, (tx) => transitionIncidentIn(tx, ctx, principal, id, expected, input));
}

/** The same, inside the caller's transaction (monitoring resolving what an alert opened); `expected` null skips the version check. */
export async function transitionIncidentIn(tx: Tx, ctx: AppContext, principal: Principal, id: number, expected: number | null, input: Transition): Promise<IncidentRow> {
  const before = await locked(tx, principal, id, expected);
  return moveIncident(tx, ctx, principal, before, input);
}

async function moveIncident(tx: Tx, ctx: AppContext, principal: Principal, before: IncidentRow, input: Transition): Promise<IncidentRow> {
  const party = partyOf(principal);
  const from = before.state as IncidentState;
  const { settings } = await incidentSettings(tx, ctx.db);
  const openChildren = input.to === 'closed' ? (await childrenOf(tx, { kind: 'network' }, before.id)).filter((c) => isOpen(c.state as IncidentState)).length : 0;
  const refusal = transitionRefusal({
    from,
    to: input.to,
    party,
    heldBySupplier: principal.scope.kind === 'supplier' && before.supplier_id === principal.scope.supplierId && from === 'pending_supplier',
    resolutionCode: input.resolutionCode ?? null,
    resolvedAt: before.resolved_at,
    now: clock.now(),
    reopenWindowMs: settings.reopenWindowHours * HOUR,
    openChildren,
    hasTeam: before.team_id !== null,
    hasSupplier: before.supplier_id !== null,
    hasNote: Boolean(input.note?.trim()),
    hasResolutionNotes: Boolean((input.resolutionNotes ?? input.note)?.trim()),
  });
  if (refusal) throw problems.unprocessableFields([{ field: refusal.field, message: refusal.message }, ...(refusal.also ?? [])]);
  const now = clock.now();
  const reopening = from === 'resolved' && input.to === 'in_progress';
  const changes: IncidentChanges = {
    state: input.to,
    ...(input.to === 'resolved' ? { resolved_at: now, resolution_code: input.resolutionCode!, resolution_notes: input.resolutionNotes ?? input.note ?? null } : {}),
    ...(input.to === 'closed' ? { closed_at: now } : {}),
    ...(input.to === 'cancelled' ? { cancelled_at: now } : {}),
    ...(reopening ? { reopen_count: before.reopen_count + 1, resolved_at: null, resolution_code: null, resolution_notes: null } : {}),
  };
  const action = reopening ? 'reopened' : input.to === 'closed' && party === 'customer' ? 'confirmed' : input.to;
  const after = await applyChange(tx, ctx, before, { action, summary: `${STATE_LABELS[from]} → ${STATE_LABELS[input.to]}`, changes, move: { from, to: input.to }, actor: actorOf(principal) });
  if (input.note) await addNoteRow(tx, after.id, { kind: NOTE_KIND_OF_MOVE[input.to] ?? 'comment', customerVisible: true, body: input.note, author: actorOf(principal) });
  await tellMove(tx, ctx, after, from, input.note);
  if (input.to === 'resolved' || input.to === 'cancelled') await settleChildren(tx, ctx, principal, after);
  return after;
}

/** What a note given with a move is: the resolution's explanation, the question waited on, or a comment. */
const NOTE_KIND_OF_MOVE: Partial<Record<IncidentState, 'resolution' | 'question'>> = { resolved: 'resolution', pending_customer: 'question' };

async function tellMove(tx: Tx, ctx: AppContext, row: IncidentRow, from: IncidentState, note?: string) {
  const contacts = await contactsOf(tx, row);
  if (row.state === 'resolved') {
    await tell(tx, ctx, row, 'resolution', contacts.caller, `Resolved: ${row.title}`, `We believe ${row.number} is resolved (${row.resolution_code}).\n${row.resolution_notes ?? ''}\n\nIf the fault is still there, reply or reopen it in the portal.`);
  } else if (from === 'resolved' && row.state === 'in_progress') {
    await tell(tx, ctx, row, 'customer_update', contacts.resolver, `Reopened: ${row.title}`, `${row.number} was reopened.${note ? `\n\n${note}` : ''}`);
  } else if (note) {
    await tell(tx, ctx, row, 'customer_update', contacts.caller, `Update: ${row.title}`, note);
  }
}

/** A parent's resolution resolves its open children, each told why. */
async function settleChildren(tx: Tx, ctx: AppContext, principal: Principal, parent: IncidentRow) {
  for (const child of await childrenOf(tx, { kind: 'network' }, parent.id)) {
    if (!isOpen(child.state as IncidentState)) continue;
    const before = (await lockIncident(tx, { kind: 'network' }, child.id))!;
    const to = parent.state === 'resolved' ? 'resolved' : 'cancelled';
    await moveIncident(tx, ctx, { ...SYSTEM_PRINCIPAL, userId: principal.userId, username: principal.username, displayName: principal.displayName }, before, {
      to,
      resolutionCode: to === 'resolved' ? 'resolved_with_parent' : undefined,
      note: to === 'resolved' ? `Resolved with ${parent.number}: ${parent.resolution_notes ?? parent.title}` : `Cancelled with ${parent.number}.`,
    });
  }
}

/** Hands the incident to a supplier: their engineers see it, accept it and work it. */
export async function handOffIncident(ctx: AppContext, principal: Principal, id: number, expected: number, input: HandOff): Promise<IncidentRow> {
  return inTransaction(ctx, async (tx) => {
    const before = await locked(tx, principal, id, expected);
    if (partyOf(principal) !== 'desk') throw problems.forbidden('Only the service desk hands incidents to suppliers.');
    const supplier = await tx.selectFrom('supplier').select(['id', 'name', 'state']).where('id', '=', input.supplierId).executeTakeFirst();
    if (!supplier) throw problems.unprocessable('supplierId', 'is not a known supplier');
    if (supplier.state !== 'active') throw problems.unprocessable('supplierId', `${supplier.name} is ${supplier.state}`);
    const from = before.state as IncidentState;
    const refusal = transitionRefusal({ from, to: 'pending_supplier', party: 'desk', now: clock.now(), reopenWindowMs: 0, hasSupplier: true });
    if (refusal && !(from === 'pending_supplier' && before.supplier_id !== supplier.id)) throw problems.unprocessable(refusal.field === 'to' ? 'state' : refusal.field, refusal.message);
    const after = await applyChange(tx, ctx, before, {
      action: 'handed_off',
      summary: `Handed to ${supplier.name}`,
      changes: { state: 'pending_supplier', supplier_id: supplier.id, handed_off_at: clock.now(), supplier_accepted_at: null, supplier_reference: null },
      move: from !== 'pending_supplier' ? { from, to: 'pending_supplier' } : undefined,
      actor: actorOf(principal),
    });
    await addNoteRow(tx, after.id, { kind: 'work_note', customerVisible: false, body: input.note, author: actorOf(principal) });
    const { supplier: contacts } = await contactsOf(tx, after);
    await tell(tx, ctx, after, 'supplier_hand_off', contacts, `Handed to ${supplier.name}: ${after.title}`, input.note);
    return after;
  });
}

/** The supplier's engineer takes the incident on, with their own reference. */
export async function acceptIncident(ctx: AppContext, principal: Principal, id: number, expected: number, input: Accept): Promise<IncidentRow> {
  return inTransaction(ctx, async (tx) => {
    const before = await locked(tx, principal, id, expected);
    if (principal.scope.kind !== 'supplier') throw problems.forbidden('Only the supplier it is handed to accepts an incident.');
    if (before.state !== 'pending_supplier' || before.supplier_id !== principal.scope.supplierId) throw problems.conflict('state', 'the incident is not waiting on your company');
    if (before.supplier_accepted_at) throw problems.conflict('state', `already accepted at ${before.supplier_accepted_at.toISOString()}`);
    return applyChange(tx, ctx, before, {
      action: 'accepted',
      summary: `Accepted by ${before.supplier_name}${input.supplierReference ? ` as ${input.supplierReference}` : ''}`,
      changes: { supplier_accepted_at: clock.now(), ...(input.supplierReference ? { supplier_reference: input.supplierReference } : {}) },
      actor: actorOf(principal),
    });
  });
}

/**
 * A note. The customer's notes are always visible to them; an answer to the desk's question
 * resumes the paused clocks. The desk's question asks the caller and waits for them; its first
 * customer-visible word counts as the response.
 */
export async function addNote(ctx: AppContext, principal: Principal, id: number, input: NoteInput, source: 'web' | 'api' | 'email' = 'api'): Promise<Note> {
  return inTransaction(ctx, (tx) => addNoteIn(tx, ctx, principal, id, input, source));
}

/** A note inside the caller's transaction (a job's, an e-mail's): the same rules as `addNote`. */
export async function addNoteIn(tx: Tx, ctx: AppContext, principal: Principal, id: number, input: NoteInput, source: 'web' | 'api' | 'email' | 'system') {
  const before = await locked(tx, principal, id, null);
  const party = partyOf(principal);
  const kind = input.kind ?? (party === 'customer' ? (before.state === 'pending_customer' ? 'answer' : 'comment') : 'comment');
  if (party === 'customer' && (kind === 'work_note' || kind === 'question')) throw problems.unprocessable('kind', 'a customer adds comments and answers');
  if (party !== 'customer' && kind === 'answer') throw problems.unprocessable('kind', 'answers come from the customer');
  if (party === 'supplier' && kind === 'question') throw problems.unprocessable('kind', 'ask the customer through the service desk');
  if (before.state === 'closed' || before.state === 'cancelled') throw problems.conflict('state', `a ${before.state} incident takes no more notes`);
  const customerVisible = kind !== 'work_note';
  const note = await addNoteRow(tx, before.id, { kind, customerVisible, body: input.body, author: actorOf(principal), source });
  let row = before;
  const from = before.state as IncidentState;
  if (kind === 'question' && isOpen(from)) {
    row = await applyChange(tx, ctx, before, { action: 'question', summary: 'Asked the customer', changes: { state: 'pending_customer' }, move: from !== 'pending_customer' ? { from, to: 'pending_customer' } : undefined, actor: actorOf(principal) });
  } else if (party === 'customer' && from === 'pending_customer') {
    // Back to whoever holds it: the desk's queue, the team's, or the engineer working it.
    const to = answeredState({ hasTeam: before.team_id !== null, hasAssignee: before.assignee_id !== null });
    row = await applyChange(tx, ctx, before, { action: 'answered', summary: 'The customer answered', changes: { state: to }, move: { from, to }, actor: actorOf(principal) });
  } else {
    const respondedNow = party !== 'customer' && customerVisible && !before.responded_at;
    // Answered, its response no longer falls due: the row's due time moves on to the next target.
    const at = clock.now();
    const clocks = respondedNow ? await recordClockEvent(tx, ctx, subjectOf(before), 'responded', at) : null;
    await tx.updateTable('incident').set({ updated_at: at, version: before.version + 1, ...(respondedNow ? { responded_at: at } : {}), ...(clocks ? { sla_due_at: slaDueAtOf(clocks) } : {}) }).where('id', '=', before.id).execute();
    await ctx.journal.record(tx, actorOf(principal), {
      action: kind === 'work_note' ? 'work_note' : 'note',
      entityType: ENTITY,
      entityId: before.id,
      organisationId: before.organisation_id,
      supplierId: before.supplier_id,
      summary: kind === 'work_note' ? 'Work note added' : `${kind === 'answer' ? 'Answer' : 'Comment'} added`,
      // A work note's words stay out of the journal, which the customer may read; the note row keeps them.
      changes: [{ field: kind === 'work_note' ? 'workNote' : 'note', before: null, after: customerVisible ? input.body : WORK_NOTE_WORDS }],
    });
  }
  await tellNote(tx, ctx, row, party, kind, input.body);
  return presentNote(note);
}

/** What the journal says of a work note instead of its words. */
const WORK_NOTE_WORDS = 'added (its words are for the desk and the supplier, with the notes)';

async function tellNote(tx: Tx, ctx: AppContext, row: IncidentRow, party: Party, kind: string, body: string) {
  const contacts = await contactsOf(tx, row);
  if (party === 'customer') {
    await tell(tx, ctx, row, 'customer_update', [...contacts.resolver, ...(row.state === 'pending_supplier' ? contacts.supplier : [])], `The customer wrote: ${row.title}`, body);
  } else if (kind === 'question') {
    await tell(tx, ctx, row, 'question', contacts.caller, `A question about: ${row.title}`, `${body}\n\nReply to this message to answer.`);
  } else if (kind === 'comment') {
    await tell(tx, ctx, row, 'customer_update', contacts.caller, `Update: ${row.title}`, body);
  }
}

/** Declares a major incident: its updates fan out to every incident linked to it. */
export async function declareMajor(ctx: AppContext, principal: Principal, id: number, expected: number): Promise<IncidentRow> {
  return inTransaction(ctx, (tx) => declareMajorIn(tx, ctx, principal, id, expected));
}

/** Declares a major incident inside the caller's transaction; `expected` null skips the version check. */
export async function declareMajorIn(tx: Tx, ctx: AppContext, principal: Principal, id: number, expected: number | null): Promise<IncidentRow> {
  const before = await locked(tx, principal, id, expected);
  if (partyOf(principal) !== 'desk') throw problems.forbidden('Only the service desk declares a major incident.');
  if (before.major) throw problems.conflict('major', 'is already a major incident');
  if (!isOpen(before.state as IncidentState)) throw problems.conflict('state', `a ${label(before.state as IncidentState)} incident cannot become major`);
  if (before.parent_id !== null) throw problems.conflict('parentId', `is linked to ${before.parent_number}; declare that one major instead`);
  return applyChange(tx, ctx, before, { action: 'declared_major', summary: 'Declared a major incident', changes: { major: true }, actor: actorOf(principal) });
}

/** Links incidents under a parent (a major incident, or any incident as their parent). */
export async function linkChildren(ctx: AppContext, principal: Principal, parentId: number, input: Link): Promise<IncidentRow> {
  return inTransaction(ctx, async (tx) => {
    if (partyOf(principal) !== 'desk') throw problems.forbidden('Only the service desk links incidents.');
    await linkUnder(tx, ctx, principal, parentId, input.incidentIds);
    return (await findIncidentDetail(tx, { kind: 'network' }, parentId))!;
  });
}

/** Links incidents under a parent inside the caller's transaction. */
export async function linkUnder(tx: Tx, ctx: AppContext, principal: Principal, parentId: number, childIds: number[]) {
  const parent = await lockIncident(tx, principal.scope, parentId);
  if (!parent) throw problems.unprocessable('parentId', 'is not an incident you can see');
  if (!isOpen(parent.state as IncidentState)) throw problems.unprocessable('parentId', `${parent.number} is ${label(parent.state as IncidentState)}`);
  const ancestors = await ancestorsOf(tx, parentId);
  const numbers = new Map<number, string>();
  for (const childId of [...childIds].sort((a, b) => a - b)) {
    const refusal = linkRefusal(parentId, childId, ancestors);
    if (refusal) throw problems.unprocessable(refusal.field, refusal.message);
    const child = await lockIncident(tx, principal.scope, childId);
    if (!child) throw problems.unprocessable('incidentIds', `no incident ${childId} here`);
    numbers.set(childId, child.number);
    if (child.parent_id === parentId) continue;
    if (!isOpen(child.state as IncidentState)) throw problems.unprocessable('incidentIds', `${child.number} is ${label(child.state as IncidentState)}`);
    if (child.major) throw problems.unprocessable('incidentIds', `${child.number} is itself a major incident`);
    await applyChange(tx, ctx, child, { action: 'linked', summary: `Linked to ${parent.number}`, changes: { parent_id: parentId }, actor: actorOf(principal) });
  }
  await tx.updateTable('incident').set({ updated_at: clock.now(), version: parent.version + 1 }).where('id', '=', parentId).execute();
  await ctx.journal.record(tx, actorOf(principal), {
    action: 'children_linked',
    entityType: ENTITY,
    entityId: parentId,
    organisationId: parent.organisation_id,
    summary: `Linked ${counted(childIds.length, 'incident')}`,
    // By number, as the desk knows them; the linked incidents' own entries carry the ids.
    changes: [{ field: 'children', before: null, after: childIds.map((id) => numbers.get(id)!) }],
  });
}

/**
 * An update on a major incident (or any parent): kept on the parent and told, as a customer
 * update, on every open linked incident and to its caller.
 */
export async function postMajorUpdate(ctx: AppContext, principal: Principal, id: number, body: string): Promise<{ note: Note; fannedOutTo: number }> {
  return inTransaction(ctx, async (tx) => {
    const parent = await locked(tx, principal, id, null);
    if (partyOf(principal) !== 'desk') throw problems.forbidden('Only the service desk posts major incident updates.');
    if (!isOpen(parent.state as IncidentState)) throw problems.conflict('state', `${parent.number} is ${label(parent.state as IncidentState)}`);
    const actor = actorOf(principal);
    const note = await addNoteRow(tx, parent.id, { kind: 'major_update', customerVisible: true, body, author: actor });
    const open = (await childrenOf(tx, { kind: 'network' }, parent.id)).filter((c) => isOpen(c.state as IncidentState));
    // Read whole, as each is told of the update and its clocks are named by its own row.
    const children: IncidentRow[] = [];
    for (const c of open) children.push((await findIncidentDetail(tx, { kind: 'network' }, c.id))!);
    const text = `Update on ${parent.number} (${parent.title}): ${body}`;
    // The update is the desk's customer-visible word to the parent's caller and to each child's:
    // for whichever of them is not yet answered, it is the response (docs/incidents.md).
    const at = clock.now();
    const answered = await respondAll(tx, ctx, [parent, ...children].filter((r) => r.responded_at === null), at);
    if (children.length > 0) {
      await tx.insertInto('incident_note').values(children.map((c) => ({ incident_id: c.id, kind: 'major_update', customer_visible: true, body: text, author_id: actor.id, author_name: actor.name, source: 'system', created_at: at }))).execute();
      await indexNotes(tx, children.map((c) => c.id), text, true);
    }
    await touchAnswered(tx, [parent, ...children].map((r) => r.id), answered, at);
    await ctx.journal.recordMany(tx, actor, [parent, ...children].map((r) => ({
      action: 'major_update',
      entityType: ENTITY,
      entityId: r.id,
      organisationId: r.organisation_id,
      supplierId: r.supplier_id,
      summary: r.id === parent.id ? `Major incident update, told to ${counted(children.length, 'linked incident')}` : `Update from ${parent.number}`,
      changes: [{ field: 'note', before: null, after: r.id === parent.id ? body : text }],
    })));
    for (const row of children) {
      const { caller } = await contactsOf(tx, row);
      await tell(tx, ctx, row, 'major_update', caller, `Update: ${row.title}`, text);
    }
    return { note: presentNote(note), fannedOutTo: children.length };
  });
}

/**
 * The response of each incident given, in one go: each one's response clocks stop (the clock
 * contract takes one record at a time) and the next due time each then has, to keep on its row.
 */
async function respondAll(tx: Tx, ctx: AppContext, rows: IncidentRow[], at: Date): Promise<Map<number, ClockSummary>> {
  const answered = new Map<number, ClockSummary>();
  for (const row of rows) answered.set(row.id, await recordClockEvent(tx, ctx, subjectOf(row), 'responded', at));
  return answered;
}

/**
 * One statement for every incident an update touched: each a version on, and those it answered
 * stamped as responded with their next due time (the rest keep theirs).
 */
async function touchAnswered(tx: Tx, ids: number[], answered: Map<number, ClockSummary>, at: Date): Promise<void> {
  const dues = [...answered].map(([id, s]) => ({ id, due: slaDueAtOf(s) }));
  await tx
    .updateTable('incident')
    .set((eb) => ({
      updated_at: at,
      version: eb('version', '+', 1),
      ...(dues.length > 0
        ? {
            responded_at: eb.fn.coalesce('responded_at', sql<Date>`${at}::timestamptz`),
            sla_due_at: sql<Date>`case ${sql.join(dues.map((d) => sql`when id = ${d.id} then ${d.due}::timestamptz`), sql` `)} else sla_due_at end`,
          }
        : {}),
    }))
    .where('id', 'in', ids)
    .execute();
}

// ---------------------------------------------------------------------------------------------
// What n3sp does by itself: closing resolved incidents, telling people about clock alarms,
// taking e-mail replies.

/**
 * Closes a resolved incident whose reopen window has passed; anything else has moved on. The
 * window may have been lengthened since the timer was set, so it is checked again at `at`.
 */
export async function autoClose(tx: Tx, ctx: AppContext, incidentId: number, at: Date): Promise<void> {
  const before = await lockIncident(tx, { kind: 'network' }, incidentId);
  if (!before || before.state !== 'resolved') return;
  const { settings } = await incidentSettings(tx, ctx.db);
  const until = reopenUntil(before.resolved_at, settings.reopenWindowHours * HOUR)!;
  if (until > at) {
    await schedule(tx, { kind: AUTO_CLOSE_JOB, runAt: until, payload: { incidentId }, dedupeKey: `${AUTO_CLOSE_JOB}:${incidentId}:again` });
    return;
  }
  await applyChange(tx, ctx, before, { action: 'closed', summary: 'Closed: the reopen window passed', changes: { state: 'closed', closed_at: new Date() }, move: { from: 'resolved', to: 'closed' }, actor: actorOf(SYSTEM_PRINCIPAL) });
}

/**
 * A clock's warning or breach, told to whoever holds the incident: its assignee, else its team's
 * address (and, for an underpinning contract, the supplier's contacts). An incident with neither —
 * unassigned, the likeliest to breach, or with a team that keeps no address — waits in the
 * service desk's queue, so its agents and managers are told instead. Times are London wall time.
 */
export async function tellClockAlarm(tx: Tx, ctx: AppContext, incidentId: number, alarm: 'warning' | 'breach', clock: Pick<ClockView, 'kind' | 'metric' | 'dueAt' | 'breachedAt' | 'definition'>) {
  const row = await findIncidentDetail(tx, { kind: 'network' }, incidentId);
  if (!row || !isOpen(row.state as IncidentState)) return;
  const contacts = await contactsOf(tx, row);
  const { to, why } = await alarmRecipients(tx, contacts.resolver, row.team_name);
  await tell(tx, ctx, row, alarm, clock.kind === 'underpinning' ? [...contacts.supplier, ...to] : to, `${alarm === 'breach' ? 'BREACHED' : 'Warning'}: ${row.title}`, alarmSentence(alarm, clock) + why);
}

/** An e-mail reply becomes a note by its sender, as if they had written it in n3sp. */
export async function noteFromEmail(tx: Tx, ctx: AppContext, incidentId: number, from: { userId: number | null; address: string }, text: string): Promise<void> {
  const row = await lockIncident(tx, { kind: 'network' }, incidentId);
  if (!row || row.state === 'closed' || row.state === 'cancelled') return;
  const user = from.userId === null ? undefined : await tx.selectFrom('app_user').select(['id', 'username', 'display_name', 'roles', 'supplier_id']).where('id', '=', from.userId).executeTakeFirst();
  const isCaller = from.address.toLowerCase() === (row.caller_email ?? '').toLowerCase() || (user !== undefined && user.id === row.caller_id);
  const customer = isCaller || (user?.roles.includes('customer') ?? false);
  const principal: Principal = {
    ...SYSTEM_PRINCIPAL,
    userId: user?.id ?? 0,
    username: user?.username ?? from.address,
    displayName: user?.display_name ?? from.address,
    scope: customer ? { kind: 'organisations', organisationIds: [row.organisation_id] } : user?.supplier_id ? { kind: 'supplier', supplierId: user.supplier_id } : { kind: 'network' },
  };
  await addNoteIn(tx, ctx, principal, incidentId, { body: text, kind: customer ? undefined : 'comment' }, 'email');
}
