import { sql } from 'kysely';
import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import type { Principal } from '../../core/access/principal.ts';
import { problems } from '../../core/errors.ts';
import { describe, parseJson, readAlertmanagerPayload, readGenericPayload, type IncomingAlert, type PayloadResult } from '../../domain/alertmanager-payload.ts';
import { monitoringTables } from './tables.ts';
import { mapAlerts } from './mapping.ts';
import { monitoringSettings } from './settings.ts';
import { scheduleCorrelation } from './scheduling.ts';

export type Endpoint = 'alertmanager' | 'events';

const MAX_KEPT_BODY = 1024 * 1024;

export interface IntakeResult {
  payloadId: number;
  alerts: number;
  changed: number;
}

/**
 * Takes one delivery from a monitoring system. In one transaction: the payload is logged, the
 * alerts that are new or newly resolved are stored (mapped to their CI), and a correlation run
 * is scheduled — nothing more, so the sender gets its answer quickly. Delivering the same payload
 * again changes no alert (each is keyed by source, fingerprint and startsAt; resolved is final).
 * A payload that cannot be read is logged as refused, with the reason, and answered 400; a
 * failure of n3sp's own (the database away) answers 5xx, so the sender tries again.
 */
export async function receivePayload(ctx: AppContext, principal: Principal, endpoint: Endpoint, text: string): Promise<IntakeResult> {
  const json = parseJson(text);
  const read: PayloadResult = json.ok ? (endpoint === 'alertmanager' ? readAlertmanagerPayload(json.value) : readGenericPayload(json.value)) : json;
  if (!read.ok) {
    const source = endpoint === 'alertmanager' ? 'alertmanager' : sourceOf(json.ok ? json.value : null);
    await inTransaction(ctx, (tx) =>
      monitoringTables(tx)
        .insertInto('alert_payload')
        .values({ source, endpoint, received_by: principal.userId || null, accepted: false, reason: `${read.field}: ${read.message}`, body: text.slice(0, MAX_KEPT_BODY) })
        .execute(),
    );
    throw problems.invalid(read.field, read.message);
  }
  return inTransaction(ctx, async (tx) => {
    const db = monitoringTables(tx);
    const now = new Date();
    const payload = await db
      .insertInto('alert_payload')
      .values({ source: read.source, endpoint, received_at: now, received_by: principal.userId || null, accepted: true, alert_count: read.alerts.length, group_key: read.groupKey, body: text.slice(0, MAX_KEPT_BODY) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const news = await newsIn(tx, read.source, read.alerts);
    let changed = 0;
    if (news.length > 0) {
      const mapped = await mapAlerts(tx, news);
      const rows = news.map((a, i) => ({
        fingerprint: a.fingerprint,
        starts_at: a.startsAt.toISOString(),
        status: a.status,
        ends_at: a.endsAt?.toISOString() ?? null,
        ...describe(a),
        labels: a.labels,
        annotations: a.annotations,
        generator_url: a.generatorUrl,
        ci_id: mapped[i]?.ci.id ?? null,
        site_id: mapped[i]?.ci.siteId ?? null,
        organisation_id: mapped[i]?.ci.organisationId ?? null,
        mapped_by: mapped[i]?.by ?? null,
      }));
      // One statement for the whole payload (a JSON parameter rather than thousands of
      // placeholders). A concurrent delivery of the same alerts (clustered Alertmanagers) meets
      // the unique key: firing over anything changes nothing; resolved over firing resolves.
      const upserted = await sql<{ id: number }>`
        insert into alert (source, fingerprint, starts_at, status, ends_at, alertname, severity, summary, labels, annotations, generator_url,
                           ci_id, site_id, organisation_id, mapped_by, first_payload_id, last_payload_id, received_at, updated_at)
        select ${read.source}, x.fingerprint, x.starts_at, x.status, x.ends_at, x.alertname, x.severity, x.summary, x.labels, x.annotations, x.generator_url,
               x.ci_id, x.site_id, x.organisation_id, x.mapped_by, ${payload.id}, ${payload.id}, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(fingerprint text, starts_at timestamptz, status text, ends_at timestamptz, alertname text,
             severity text, summary text, labels jsonb, annotations jsonb, generator_url text, ci_id bigint, site_id bigint, organisation_id bigint, mapped_by text)
        on conflict (source, fingerprint, starts_at) do update
          set status = 'resolved', ends_at = excluded.ends_at, updated_at = excluded.updated_at, last_payload_id = excluded.last_payload_id, pending = true
          where alert.status = 'firing' and excluded.status = 'resolved'
        returning id`.execute(tx);
      changed = upserted.rows.length;
    }
    if (changed > 0) {
      await db.updateTable('alert_payload').set({ changed_count: changed }).where('id', '=', payload.id).execute();
      const { settings } = await monitoringSettings(tx);
      await scheduleCorrelation(tx, new Date(now.getTime() + settings.settleSeconds * 1000));
    }
    return { payloadId: payload.id, alerts: read.alerts.length, changed };
  });
}

/**
 * The alerts of a payload that would change something: occurrences n3sp has not seen, and
 * resolutions of occurrences it holds as firing. A resend of a whole group costs one read.
 */
async function newsIn(tx: Parameters<typeof monitoringTables>[0], source: string, alerts: IncomingAlert[]): Promise<IncomingAlert[]> {
  if (alerts.length === 0) return [];
  const keys = alerts.map((a) => ({ f: a.fingerprint, s: a.startsAt.toISOString() }));
  const held = await sql<{ fingerprint: string; starts_at: Date; status: string }>`
    select a.fingerprint, a.starts_at, a.status
    from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k(f text, s timestamptz)
    join alert a on a.source = ${source} and a.fingerprint = k.f and a.starts_at = k.s`.execute(tx);
  const status = new Map(held.rows.map((r) => [`${r.fingerprint}@${new Date(r.starts_at).getTime()}`, r.status]));
  return alerts.filter((a) => {
    const now = status.get(`${a.fingerprint}@${a.startsAt.getTime()}`);
    return now === undefined || (now === 'firing' && a.status === 'resolved');
  });
}

function sourceOf(value: unknown): string {
  const source = typeof value === 'object' && value !== null ? (value as { source?: unknown }).source : undefined;
  return typeof source === 'string' && /^[a-z0-9][a-z0-9_.-]{0,49}$/.test(source) ? source : 'unknown';
}
