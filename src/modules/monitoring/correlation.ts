import { sql } from 'kysely';
import type { AppContext } from '../../core/context.ts';
import type { Tx } from '../../core/journal/journal.ts';
import { SYSTEM_PRINCIPAL } from '../../core/access/principal.ts';
import { Problem } from '../../core/errors.ts';
import { cancel, schedule } from '../../core/jobs/queue.ts';
import { isOpen, type IncidentState, type RESOLUTION_CODES } from '../../domain/incident-lifecycle.ts';
import { correlate, inferredCandidates, isFlap, resolveDueAt, type AlertingSite, type CorrelationSettings } from '../../domain/correlation.ts';
import { createIncident, declareMajorIn, linkUnder, transitionIncidentIn } from '../incidents/service.ts';
import { coveringWindows } from '../maintenance/windows.ts';
import { closeOutage, openOutage } from '../availability/outages.ts';
import { monitoringTables, type AlertGroupRow, type GroupKind } from './tables.ts';
import { ciFacts, connectionsOf, dependentSiteCount, firingCounts, liveGroups, networkOrganisation, siteFacts, upstreamClosure, type LiveGroup } from './queries.ts';
import { monitoringSettings } from './settings.ts';
import { AUTO_RESOLVE_JOB, scheduleCorrelation } from './scheduling.ts';
import { workNote } from './incident-notes.ts';
import { counted } from '../../domain/words.ts';

/** Alerts taken per run; a larger backlog is taken by the next run, scheduled at once. */
const BATCH = 50_000;
const MINUTE = 60_000;

interface PendingAlert {
  id: number;
  status: 'firing' | 'resolved';
  ci_id: number | null;
  site_id: number | null;
  starts_at: Date;
  ends_at: Date | null;
  alertname: string;
  summary: string | null;
  source: string;
  fingerprint: string;
  group_id: number | null;
}

/** An alert taking part in correlation: new in this run, or already in a site's or CI's group. */
interface Member {
  id: number;
  ciId: number;
  siteId: number | null;
  isNew: boolean;
  alertname: string;
  summary: string | null;
}

const describeAlert = (a: { alertname: string; summary: string | null }) => `${a.alertname || 'alert'}${a.summary ? `: ${a.summary}` : ''}`;

/**
 * One correlation run, in the job's transaction: everything pending is taken under an advisory
 * lock, so two processes never correlate the same storm at once (and the unique indexes on live
 * groups would refuse a second major incident on one root if they did).
 */
export async function correlatePending(tx: Tx, ctx: AppContext, now: Date): Promise<{ processed: number }> {
  await sql`select pg_advisory_xact_lock(hashtext('n3sp.monitoring.correlate'))`.execute(tx);
  // The graph walks are recursive queries: JIT compiling them costs more than running them (docs/cmdb.md).
  await sql`set local jit = off`.execute(tx);
  const { settings } = await monitoringSettings(tx);
  const db = monitoringTables(tx);
  const pending = (await db
    .selectFrom('alert')
    .select(['id', 'status', 'ci_id', 'site_id', 'starts_at', 'ends_at', 'alertname', 'summary', 'source', 'fingerprint', 'group_id'])
    .where('pending', '=', true)
    .orderBy('id')
    .limit(BATCH)
    .execute()) as PendingAlert[];
  if (pending.length === 0) return { processed: 0 };
  const run = new CorrelationRun(tx, ctx, settings, now);
  await run.take(pending);
  await db.updateTable('alert').set({ pending: false }).where('id', 'in', pending.map((a) => a.id)).execute();
  if (pending.length === BATCH) await scheduleCorrelation(tx, now);
  return { processed: pending.length };
}

class CorrelationRun {
  private readonly db;
  /** Groups given a note in this run, so a group hears of a batch once. */
  private readonly told = new Map<number, string[]>();

  constructor(
    private readonly tx: Tx,
    private readonly ctx: AppContext,
    private readonly settings: CorrelationSettings,
    private readonly now: Date,
  ) {
    this.db = monitoringTables(tx);
  }

  async take(pending: PendingAlert[]): Promise<void> {
    const firing = pending.filter((a) => a.status === 'firing');
    await this.dispose(firing.filter((a) => a.ci_id === null).map((a) => a.id), 'unmapped: no rule found its CI');
    const mapped = firing.filter((a) => a.ci_id !== null);
    const live = await this.outsideMaintenance(mapped);
    const fresh = await this.reuseFlapping(live);
    await this.correlateFiring(fresh);
    await this.resolve(pending.filter((a) => a.status === 'resolved'));
    await this.sendNotes();
  }

  // ---------------------------------------------------------------------------------------------
  // Maintenance and outages.

  /** Alerts covered by a maintenance window open no incident; their outage is planned. */
  private async outsideMaintenance(alerts: PendingAlert[]): Promise<PendingAlert[]> {
    if (alerts.length === 0) return [];
    const ciIds = [...new Set(alerts.map((a) => a.ci_id!))];
    const windows = await coveringWindows(this.tx, ciIds, this.now);
    const connections = await connectionsOf(this.tx, ciIds);
    const live: PendingAlert[] = [];
    for (const a of alerts) {
      const window = windows.get(a.ci_id!);
      for (const connectionId of connections.get(a.ci_id!) ?? []) {
        await openOutage(this.tx, this.ctx, { connectionId, startedAt: a.starts_at, cause: { kind: 'alert', alertId: a.id }, planned: window !== undefined, maintenanceWindowId: window?.windowId ?? null });
      }
      if (window) {
        await this.db.updateTable('alert').set({ maintenance_window_id: window.windowId, disposition: `maintenance: ${window.title}`.slice(0, 300) }).where('id', '=', a.id).execute();
      } else {
        live.push(a);
      }
    }
    return live;
  }

  // ---------------------------------------------------------------------------------------------
  // Flapping.

  /**
   * An alert firing again within the damping window of its previous occurrence's resolution
   * goes back to that occurrence's group: the same incident, kept open or reopened, rather than
   * a new one. Returns the alerts left to correlate.
   */
  private async reuseFlapping(alerts: PendingAlert[]): Promise<PendingAlert[]> {
    if (alerts.length === 0) return [];
    const previous = await sql<{ alert_id: number; ends_at: Date | null; group_id: number }>`
      select distinct on (x.id) x.id as alert_id, p.ends_at, p.group_id
      from alert x
      join alert p on p.source = x.source and p.fingerprint = x.fingerprint and p.starts_at < x.starts_at and p.status = 'resolved' and p.group_id is not null
      where x.id = any(${alerts.map((a) => a.id)}::bigint[])
      order by x.id, p.starts_at desc`.execute(this.tx);
    const dampingMs = this.settings.dampingMinutes * MINUTE;
    const byAlert = new Map(previous.rows.map((r) => [Number(r.alert_id), r]));
    const left: PendingAlert[] = [];
    for (const a of alerts) {
      const prev = byAlert.get(a.id);
      const group = prev && isFlap(prev.ends_at === null ? null : new Date(prev.ends_at), a.starts_at, dampingMs) ? await this.reopenable(Number(prev.group_id)) : null;
      if (!group) {
        left.push(a);
        continue;
      }
      await this.attach(group, [a], 'fired again within the damping window (flapping)');
    }
    return left;
  }

  /** The group a flapping alert returns to, reopened (and its incident with it) if it had cleared. */
  private async reopenable(groupId: number): Promise<AlertGroupRow | null> {
    let group = await this.db.selectFrom('alert_group').selectAll().where('id', '=', groupId).forUpdate().executeTakeFirst();
    if (!group) return null;
    if (group.parent_group_id !== null) return this.reopenable(group.parent_group_id);
    const incident = await this.tx.selectFrom('incident').select(['state']).where('id', '=', group.incident_id).executeTakeFirstOrThrow();
    if (group.state !== 'cleared') return isOpen(incident.state as IncidentState) ? group : null;
    if (incident.state !== 'resolved') return null;
    // Another group has taken its place meanwhile: correlate the alert afresh.
    const key = group.kind === 'site' ? group.site_id! : group.ci_id;
    if ((await liveGroups(this.tx, group.kind, [key])).length > 0) return null;
    try {
      await transitionIncidentIn(this.tx, this.ctx, SYSTEM_PRINCIPAL, group.incident_id, null, { to: 'in_progress', note: 'Reopened by n3sp: the alert that cleared fired again within the damping window.' });
    } catch (e) {
      if (e instanceof Problem) return null; // the reopen window has passed: a new incident it is
      throw e;
    }
    group = await this.db.updateTable('alert_group').set({ state: 'open', cleared_at: null, resolve_due_at: null, updated_at: this.now }).where('id', '=', groupId).returningAll().executeTakeFirstOrThrow();
    return group;
  }

  // ---------------------------------------------------------------------------------------------
  // Correlation.

  private async correlateFiring(fresh: PendingAlert[]): Promise<void> {
    const since = new Date(this.now.getTime() - this.settings.windowMinutes * MINUTE);
    // Alerts already in a site's or CI's own group, recent enough to be part of the same storm:
    // a major incident found now takes them and links their incidents.
    const grouped = await this.db
      .selectFrom('alert as a')
      .innerJoin('alert_group as g', 'g.id', 'a.group_id')
      .select(['a.id', 'a.ci_id', 'a.site_id', 'a.alertname', 'a.summary'])
      .where('a.status', '=', 'firing')
      .where('a.pending', '=', false)
      .where('g.kind', 'in', ['site', 'ci'])
      .where('g.state', '<>', 'cleared')
      .where('g.parent_group_id', 'is', null)
      .where('a.starts_at', '>=', since)
      .execute();
    const members: Member[] = [
      ...fresh.map((a) => ({ id: a.id, ciId: a.ci_id!, siteId: a.site_id, isNew: true, alertname: a.alertname, summary: a.summary })),
      ...grouped.map((a) => ({ id: a.id, ciId: a.ci_id!, siteId: a.site_id, isNew: false, alertname: a.alertname, summary: a.summary })),
    ];
    if (members.length === 0) return;

    const sites = new Map<number, Set<number>>();
    const infra = new Set<number>();
    for (const m of members) {
      if (m.siteId === null) infra.add(m.ciId);
      else sites.set(m.siteId, (sites.get(m.siteId) ?? new Set()).add(m.ciId));
    }
    const closure = await upstreamClosure(this.tx, [...new Set(members.map((m) => m.ciId))]);
    const openMajors: Array<{ groupId: number; rootCiId: number }> = [];
    const majorGroups = new Map<number, LiveGroup>();
    for (const g of await liveGroups(this.tx, 'major')) {
      if (!(await this.stillLive(g))) continue;
      openMajors.push({ groupId: g.id, rootCiId: g.ci_id });
      majorGroups.set(g.id, g);
    }
    const input = {
      sites: [...sites].map(([siteId, ciIds]): AlertingSite => ({ siteId, ciIds: [...ciIds] })),
      alertingInfra: [...infra],
      dependencies: closure.dependencies,
      retired: closure.retired,
      infrastructure: closure.infrastructure,
      openMajors,
      minSites: this.settings.minSites,
      inferredRootMinShare: this.settings.inferredRootMinShare,
    };
    const dependentSites = new Map<number, number>();
    for (const root of inferredCandidates(input)) dependentSites.set(root, await dependentSiteCount(this.tx, root));
    const result = correlate({ ...input, dependentSites });

    for (const decision of result.majors) {
      const group = decision.groupId !== null ? majorGroups.get(decision.groupId)! : await this.openMajor(decision.rootCiId, decision.reason, decision.sites);
      const siteSet = new Set(decision.sites);
      const infraSet = new Set(decision.infra);
      const taken = members.filter((m) => (m.siteId !== null ? siteSet.has(m.siteId) : infraSet.has(m.ciId)));
      await this.adoptUnderMajor(group, decision.sites, decision.infra);
      await this.attach(group, taken, decision.groupId === null ? null : 'more alerts explained by this root');
    }
    for (const siteId of result.isolatedSites) {
      const news = members.filter((m) => m.isNew && m.siteId === siteId);
      if (news.length > 0) await this.siteIncident(siteId, news);
    }
    for (const ciId of result.isolatedInfra) {
      const news = members.filter((m) => m.isNew && m.siteId === null && m.ciId === ciId);
      if (news.length > 0) await this.ciIncident(ciId, news);
    }
  }

  /** A live group whose incident someone has resolved, closed or cancelled is cleared. */
  private async stillLive(g: LiveGroup): Promise<boolean> {
    if (isOpen(g.incident_state as IncidentState)) return true;
    await this.db.updateTable('alert_group').set({ state: 'cleared', cleared_at: this.now, resolve_due_at: null, updated_at: this.now }).where((eb) => eb.or([eb('id', '=', g.id), eb('parent_group_id', '=', g.id)])).execute();
    await cancel(this.tx, `${AUTO_RESOLVE_JOB}:${g.id}`);
    return false;
  }

  private async openMajor(rootCiId: number, reason: string, siteIds: number[]): Promise<AlertGroupRow> {
    const root = (await ciFacts(this.tx, [rootCiId])).get(rootCiId)!;
    const siteNames = [...(await siteFacts(this.tx, siteIds.slice(0, 20))).values()].map((s) => s.name);
    let organisation = (await networkOrganisation(this.tx, this.settings.networkOrganisation)) ?? root.ods_code;
    if (!organisation) {
      const first = await this.tx.selectFrom('site as s').innerJoin('organisation as o', 'o.id', 's.organisation_id').select('o.ods_code').where('s.id', '=', siteIds[0]!).executeTakeFirstOrThrow();
      organisation = first.ods_code;
    }
    const incident = await createIncident(
      this.tx,
      this.ctx,
      SYSTEM_PRINCIPAL,
      {
        title: `${root.name} down: ${siteIds.length} site${siteIds.length === 1 ? '' : 's'} affected`.slice(0, 200),
        description:
          `n3sp correlated alerts from ${siteIds.length} sites on ${root.name} (${root.kind.replace('_', ' ')}): ${reason}.\n` +
          `Sites: ${siteNames.join(', ')}${siteIds.length > siteNames.length ? ` and ${siteIds.length - siteNames.length} more` : ''}.`,
        organisationOdsCode: organisation,
        ciIds: [rootCiId],
        impact: this.settings.majorImpact,
        urgency: this.settings.majorUrgency,
      },
      { source: 'monitoring' },
    );
    await declareMajorIn(this.tx, this.ctx, SYSTEM_PRINCIPAL, incident.id, null);
    return this.db
      .insertInto('alert_group')
      .values({ kind: 'major', ci_id: rootCiId, incident_id: incident.id, opened_incident: true, reason, organisation_id: incident.organisation_id, created_at: this.now, updated_at: this.now })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** The incidents already open for the sites and CIs a major incident explains are linked under it. */
  private async adoptUnderMajor(major: AlertGroupRow, siteIds: number[], ciIds: number[]): Promise<void> {
    const children = [...(await liveGroups(this.tx, 'site', siteIds)), ...(await liveGroups(this.tx, 'ci', ciIds))].filter((g) => g.parent_group_id === null);
    const linkable: number[] = [];
    for (const g of children) {
      if (!(await this.stillLive(g))) continue;
      if (!g.incident_major && g.incident_parent_id === null && g.incident_id !== major.incident_id) linkable.push(g.incident_id);
    }
    if (children.length > 0) {
      await this.db.updateTable('alert_group').set({ parent_group_id: major.id, updated_at: this.now }).where('id', 'in', children.map((g) => g.id)).execute();
      for (const g of children) await cancel(this.tx, `${AUTO_RESOLVE_JOB}:${g.id}`);
    }
    const unique = [...new Set(linkable)];
    if (unique.length > 0) await linkUnder(this.tx, this.ctx, SYSTEM_PRINCIPAL, major.incident_id, unique);
  }

  /** Puts alerts in a group (reopening it if it was clearing) and keeps a note of what came. */
  private async attach(group: AlertGroupRow, alerts: Array<{ id: number; alertname: string; summary: string | null }>, why: string | null): Promise<void> {
    if (alerts.length === 0) return;
    const incident = await this.tx.selectFrom('incident').select(['number']).where('id', '=', group.incident_id).executeTakeFirstOrThrow();
    const disposition = group.kind === 'major' ? `linked to major incident ${incident.number}` : group.kind === 'site' ? `site incident ${incident.number}` : `CI incident ${incident.number}`;
    const ids = alerts.map((a) => a.id);
    for (let i = 0; i < ids.length; i += 10_000) {
      await this.db.updateTable('alert').set({ group_id: group.id, disposition }).where('id', 'in', ids.slice(i, i + 10_000)).execute();
    }
    if (group.state === 'clearing') {
      await this.db.updateTable('alert_group').set({ state: 'open', resolve_due_at: null, updated_at: this.now }).where('id', '=', group.id).execute();
      await cancel(this.tx, `${AUTO_RESOLVE_JOB}:${group.id}`);
      group.state = 'open';
      this.tell(group.incident_id, 'An alert fired again, so n3sp no longer proposes resolving this incident.');
    } else {
      await this.db.updateTable('alert_group').set({ updated_at: this.now }).where('id', '=', group.id).execute();
    }
    if (why) this.tell(group.incident_id, `${counted(alerts.length, 'alert')} ${why}: ${alerts.slice(0, 10).map(describeAlert).join('; ')}${alerts.length > 10 ? ` and ${alerts.length - 10} more` : ''}.`);
  }

  /** An isolated site's alerts update its open incident, or open one. */
  private async siteIncident(siteId: number, alerts: Member[]): Promise<void> {
    const [live] = await liveGroups(this.tx, 'site', [siteId]);
    if (live && (await this.stillLive(live))) {
      const target = live.parent_group_id !== null ? await this.db.selectFrom('alert_group').selectAll().where('id', '=', live.parent_group_id).executeTakeFirstOrThrow() : live;
      await this.attach(target, alerts, 'more alerts at this site');
      return;
    }
    const site = (await siteFacts(this.tx, [siteId])).get(siteId)!;
    const ciIds = [...new Set(alerts.map((a) => a.ciId))];
    const existing = await this.tx
      .selectFrom('incident')
      .select(['id'])
      .where('site_id', '=', siteId)
      .where('state', 'in', ['new', 'assigned', 'in_progress', 'pending_customer', 'pending_supplier'])
      .where('major', '=', false)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    let incidentId: number;
    let opened = false;
    if (existing) {
      incidentId = existing.id;
    } else {
      // An alert on a connection's own CI names the connection on the incident (the clocks then use its product).
      const connection = await this.tx.selectFrom('connection').select('id').where('ci_id', 'in', ciIds).where('site_id', '=', siteId).orderBy('id').executeTakeFirst();
      const incident = await createIncident(
        this.tx,
        this.ctx,
        SYSTEM_PRINCIPAL,
        {
          title: `${alerts[0]!.alertname || 'Alert'} at ${site.name}`.slice(0, 200),
          description: `Raised by monitoring:\n${alerts.slice(0, 50).map((a) => `- ${describeAlert(a)}`).join('\n')}`,
          siteId,
          ...(connection ? { connectionId: connection.id } : {}),
          ciIds: ciIds.slice(0, 50),
          impact: this.settings.siteImpact,
          urgency: this.settings.siteUrgency,
        },
        { source: 'monitoring' },
      );
      incidentId = incident.id;
      opened = true;
    }
    const group = await this.db
      .insertInto('alert_group')
      .values({ kind: 'site', ci_id: ciIds[0]!, site_id: siteId, incident_id: incidentId, opened_incident: opened, reason: 'isolated site', organisation_id: site.organisation_id, created_at: this.now, updated_at: this.now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.attach(group, alerts, opened ? null : 'raised by monitoring on this site');
  }

  /** A network CI alerting on its own (too few sites behind it) gets its own incident. */
  private async ciIncident(ciId: number, alerts: Member[]): Promise<void> {
    const [live] = await liveGroups(this.tx, 'ci', [ciId]);
    if (live && (await this.stillLive(live))) {
      const target = live.parent_group_id !== null ? await this.db.selectFrom('alert_group').selectAll().where('id', '=', live.parent_group_id).executeTakeFirstOrThrow() : live;
      await this.attach(target, alerts, 'more alerts on this CI');
      return;
    }
    const ci = (await ciFacts(this.tx, [ciId])).get(ciId)!;
    const organisation = ci.ods_code ?? (await networkOrganisation(this.tx, this.settings.networkOrganisation));
    if (!organisation) {
      await this.dispose(alerts.map((a) => a.id), 'no organisation to log an incident under: set networkOrganisation in the monitoring settings');
      return;
    }
    const existing = await this.tx
      .selectFrom('incident as i')
      .innerJoin('incident_ci as ic', 'ic.incident_id', 'i.id')
      .select('i.id')
      .where('ic.ci_id', '=', ciId)
      .where('i.state', 'in', ['new', 'assigned', 'in_progress', 'pending_customer', 'pending_supplier'])
      .where('i.major', '=', false)
      .orderBy('i.id', 'desc')
      .executeTakeFirst();
    const incidentId = existing
      ? existing.id
      : (
          await createIncident(
            this.tx,
            this.ctx,
            SYSTEM_PRINCIPAL,
            {
              title: `${alerts[0]!.alertname || 'Alert'} on ${ci.name}`.slice(0, 200),
              description: `Raised by monitoring:\n${alerts.slice(0, 50).map((a) => `- ${describeAlert(a)}`).join('\n')}`,
              organisationOdsCode: organisation,
              ciIds: [ciId],
              impact: this.settings.siteImpact,
              urgency: this.settings.siteUrgency,
            },
            { source: 'monitoring' },
          )
        ).id;
    const incidentOrg = await this.tx.selectFrom('incident').select('organisation_id').where('id', '=', incidentId).executeTakeFirstOrThrow();
    const group = await this.db
      .insertInto('alert_group')
      .values({ kind: 'ci', ci_id: ciId, incident_id: incidentId, opened_incident: !existing, reason: 'network CI alerting alone', organisation_id: incidentOrg.organisation_id, created_at: this.now, updated_at: this.now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.attach(group, alerts, existing ? 'raised by monitoring on this CI' : null);
  }

  // ---------------------------------------------------------------------------------------------
  // Resolution.

  /**
   * Resolved alerts end their outages; a group whose alerts have all cleared proposes resolving
   * its incident (a work note) and, for an incident n3sp opened, resolves it after the configured
   * delay unless an alert fires again first.
   */
  private async resolve(resolved: PendingAlert[]): Promise<void> {
    for (const a of resolved) await closeOutage(this.tx, this.ctx, { kind: 'alert', alertId: a.id }, a.ends_at!);
    await this.dispose(resolved.filter((a) => a.group_id === null).map((a) => a.id), 'resolved before it was correlated: nothing opened', true);
    const groupIds = [...new Set(resolved.map((a) => a.group_id).filter((g): g is number => g !== null))];
    if (groupIds.length === 0) return;
    const firing = await firingCounts(this.tx, groupIds);
    for (const groupId of groupIds) {
      if ((firing.get(groupId) ?? 0) > 0) continue;
      const group = await this.db.selectFrom('alert_group').selectAll().where('id', '=', groupId).forUpdate().executeTakeFirstOrThrow();
      if (group.state !== 'open') continue;
      const last = await this.db.selectFrom('alert').select((eb) => eb.fn.max('ends_at').as('at')).where('group_id', '=', groupId).executeTakeFirst();
      const clearedAt = last?.at ? new Date(last.at) : this.now;
      const due = group.opened_incident ? resolveDueAt(this.now, this.settings) : null;
      await this.db.updateTable('alert_group').set({ state: 'clearing', resolve_due_at: due, updated_at: this.now }).where('id', '=', groupId).execute();
      if (due) await schedule(this.tx, { kind: AUTO_RESOLVE_JOB, runAt: due, payload: { groupId }, dedupeKey: `${AUTO_RESOLVE_JOB}:${groupId}` });
      this.tell(
        group.incident_id,
        `Every alert has cleared (the last at ${clearedAt.toISOString()}): n3sp proposes resolving this incident.` +
          (due ? ` It will resolve it at ${due.toISOString()} unless an alert fires again.` : group.opened_incident ? '' : ' Someone else logged it, so resolving it is left to the service desk.'),
      );
    }
  }

  // ---------------------------------------------------------------------------------------------

  private async dispose(ids: number[], disposition: string, onlyIfNone = false): Promise<void> {
    for (let i = 0; i < ids.length; i += 10_000) {
      let q = this.db.updateTable('alert').set({ disposition }).where('id', 'in', ids.slice(i, i + 10_000));
      if (onlyIfNone) q = q.where('disposition', 'is', null);
      await q.execute();
    }
  }

  private tell(incidentId: number, text: string): void {
    this.told.set(incidentId, [...(this.told.get(incidentId) ?? []), text]);
  }

  /** One work note per incident per run, however many things happened to it. */
  private async sendNotes(): Promise<void> {
    for (const [incidentId, lines] of this.told) await workNote(this.tx, this.ctx, incidentId, lines.join('\n'));
  }
}

/** Resolves what n3sp opened once its alerts have stayed clear for the configured delay. */
export async function autoResolve(tx: Tx, ctx: AppContext, groupId: number, now: Date): Promise<void> {
  const db = monitoringTables(tx);
  const group = await db.selectFrom('alert_group').selectAll().where('id', '=', groupId).forUpdate().executeTakeFirst();
  if (!group || group.state !== 'clearing' || !group.resolve_due_at || group.resolve_due_at > now) return;
  if (((await firingCounts(tx, [groupId])).get(groupId) ?? 0) > 0) return;
  const incident = await tx.selectFrom('incident').select(['state']).where('id', '=', group.incident_id).executeTakeFirstOrThrow();
  if (group.opened_incident && isOpen(incident.state as IncidentState)) {
    const { settings } = await monitoringSettings(tx);
    await transitionIncidentIn(tx, ctx, SYSTEM_PRINCIPAL, group.incident_id, null, {
      to: 'resolved',
      resolutionCode: settings.autoResolveCode as (typeof RESOLUTION_CODES)[number],
      note: `Resolved by n3sp: every alert cleared and none fired again for ${settings.autoResolveMinutes} minutes.`,
    });
  }
  await db
    .updateTable('alert_group')
    .set({ state: 'cleared', cleared_at: now, resolve_due_at: null, updated_at: now })
    .where((eb) => eb.or([eb('id', '=', groupId), eb('parent_group_id', '=', groupId)]))
    .where('state', '<>', 'cleared')
    .execute();
}

export type { GroupKind };
