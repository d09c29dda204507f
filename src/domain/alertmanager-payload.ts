/**
 * Reading what monitoring systems post, as pure functions: Prometheus Alertmanager's webhook
 * payload (version 4, https://prometheus.io/docs/alerting/latest/configuration/#webhook_config)
 * and n3sp's generic event payload for any other system. Both become the same `IncomingAlert`.
 * Unknown fields are ignored (Alertmanager adds fields between releases); what cannot be read is
 * refused with the field at fault and why, so the sender's operator can fix their side.
 */

export type AlertStatus = 'firing' | 'resolved';

export interface IncomingAlert {
  /** Stable identity of the alert across occurrences (Alertmanager: a hash of its labels). */
  fingerprint: string;
  status: AlertStatus;
  /** Identifies the occurrence: the same fingerprint firing again later has a new startsAt. */
  startsAt: Date;
  /** When it resolved; null while firing. */
  endsAt: Date | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorUrl: string | null;
}

export interface ReadPayload {
  ok: true;
  source: string;
  groupKey: string | null;
  alerts: IncomingAlert[];
}

export interface Refused {
  ok: false;
  field: string;
  message: string;
}

export type PayloadResult = ReadPayload | Refused;

/** More alerts than this in one payload is refused: split it (Alertmanager's max_alerts). */
export const MAX_ALERTS_PER_PAYLOAD = 10_000;
const MAX_TEXT = 10_000;

const refuse = (field: string, message: string): Refused => ({ ok: false, field, message });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Alertmanager writes Go's zero time (0001-01-01T00:00:00Z) for "no end yet". */
function instant(value: unknown): Date | null | 'invalid' {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') return 'invalid';
  const t = Date.parse(value);
  if (!Number.isFinite(t)) return 'invalid';
  if (t <= Date.UTC(1971, 0, 1)) return null;
  return new Date(t);
}

function stringMap(value: unknown, field: string, lenient: boolean): { map: Record<string, string> } | Refused {
  if (value === undefined || value === null) return { map: {} };
  if (!isObject(value)) return refuse(field, 'must be an object of names to strings');
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (typeof v === 'string') out[name] = v.slice(0, MAX_TEXT);
    else if (lenient && (typeof v === 'number' || typeof v === 'boolean')) out[name] = String(v);
    else return refuse(`${field}.${name}`, 'must be a string');
  }
  return { map: out };
}

/** Parses the request body as JSON; a body that is not JSON is refused like any unreadable payload. */
export function parseJson(text: string): { ok: true; value: unknown } | Refused {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return refuse('body', `is not JSON (${(e as Error).message})`);
  }
}

/** Alertmanager's webhook payload, version 4. */
export function readAlertmanagerPayload(body: unknown): PayloadResult {
  if (!isObject(body)) return refuse('body', 'must be an Alertmanager webhook payload (a JSON object)');
  if (body.version === undefined) return refuse('version', 'is required: n3sp reads Alertmanager webhook payloads of version 4');
  if (body.version !== '4') return refuse('version', `is ${JSON.stringify(body.version)}; n3sp reads version "4"`);
  if (!Array.isArray(body.alerts)) return refuse('alerts', 'must be an array');
  if (body.alerts.length > MAX_ALERTS_PER_PAYLOAD) return refuse('alerts', `has ${body.alerts.length} alerts; at most ${MAX_ALERTS_PER_PAYLOAD} per payload`);
  const alerts: IncomingAlert[] = [];
  for (let i = 0; i < body.alerts.length; i++) {
    const a: unknown = body.alerts[i];
    const at = `alerts.${i}`;
    if (!isObject(a)) return refuse(at, 'must be an object');
    const read = readAlert(a, at, { fingerprint: a.fingerprint, lenient: false });
    if (!read.ok) return read;
    alerts.push(read.alert);
  }
  return { ok: true, source: 'alertmanager', groupKey: typeof body.groupKey === 'string' ? body.groupKey.slice(0, 1000) : null, alerts: dedupe(alerts) };
}

/**
 * The generic event payload: `{ "source": "nagios", "events": [{ "fingerprint", "status",
 * "startsAt", "endsAt"?, "labels", "annotations"?, "summary"?, "severity"?, "alertname"? }] }`.
 * A single event may be posted without the array, as `{ "source", ...event }`.
 */
export function readGenericPayload(body: unknown): PayloadResult {
  if (!isObject(body)) return refuse('body', 'must be a JSON object with source and events');
  if (typeof body.source !== 'string' || !/^[a-z0-9][a-z0-9_.-]{0,49}$/.test(body.source)) {
    return refuse('source', 'is required: the sending system, lower case letters, digits, ".", "_" or "-" (at most 50)');
  }
  if (body.source === 'alertmanager') return refuse('source', 'alertmanager posts to /integrations/alertmanager');
  const events = body.events === undefined ? [body] : body.events;
  if (!Array.isArray(events)) return refuse('events', 'must be an array');
  if (events.length > MAX_ALERTS_PER_PAYLOAD) return refuse('events', `has ${events.length} events; at most ${MAX_ALERTS_PER_PAYLOAD} per payload`);
  const alerts: IncomingAlert[] = [];
  for (let i = 0; i < events.length; i++) {
    const e: unknown = events[i];
    const at = body.events === undefined ? '' : `events.${i}`;
    const field = (name: string) => (at ? `${at}.${name}` : name);
    if (!isObject(e)) return refuse(at || 'body', 'must be an object');
    const read = readAlert(e, at, { fingerprint: e.fingerprint ?? e.key, lenient: true });
    if (!read.ok) return read;
    const alert = read.alert;
    for (const [name, target] of [['alertname', 'labels'], ['severity', 'labels'], ['summary', 'annotations'], ['description', 'annotations']] as const) {
      const value = e[name];
      if (value === undefined) continue;
      if (typeof value !== 'string') return refuse(field(name), 'must be a string');
      alert[target][name] = value.slice(0, MAX_TEXT);
    }
    alerts.push(alert);
  }
  return { ok: true, source: body.source, groupKey: null, alerts: dedupe(alerts) };
}

function readAlert(a: Record<string, unknown>, at: string, options: { fingerprint: unknown; lenient: boolean }): { ok: true; alert: IncomingAlert } | Refused {
  const field = (name: string) => (at ? `${at}.${name}` : name);
  const status = a.status;
  if (status !== 'firing' && status !== 'resolved') return refuse(field('status'), 'must be "firing" or "resolved"');
  const fp = options.fingerprint;
  if (typeof fp !== 'string' || fp.trim() === '' || fp.length > 200) return refuse(field('fingerprint'), 'is required: a string of at most 200 characters that identifies the alert');
  const startsAt = instant(a.startsAt);
  if (startsAt === 'invalid' || startsAt === null) return refuse(field('startsAt'), 'is required: an RFC 3339 date-time');
  const endsAt = instant(a.endsAt);
  if (endsAt === 'invalid') return refuse(field('endsAt'), 'must be an RFC 3339 date-time');
  const labels = stringMap(a.labels, field('labels'), options.lenient);
  if (!('map' in labels)) return labels;
  const annotations = stringMap(a.annotations, field('annotations'), options.lenient);
  if (!('map' in annotations)) return annotations;
  const url = a.generatorURL ?? a.generatorUrl;
  return {
    ok: true,
    alert: {
      fingerprint: fp.trim(),
      status,
      startsAt,
      // A resolved alert without an end resolved when we heard of it; a firing alert's endsAt is
      // only Alertmanager's guess of when it will time out, not an end.
      endsAt: status === 'resolved' ? (endsAt !== null && endsAt >= startsAt ? endsAt : new Date(Math.max(Date.now(), startsAt.getTime()))) : null,
      labels: labels.map,
      annotations: annotations.map,
      generatorUrl: typeof url === 'string' ? url.slice(0, 2000) : null,
    },
  };
}

/** The key of an occurrence: the same alert, delivered again, has the same key. */
export const occurrenceKey = (a: Pick<IncomingAlert, 'fingerprint' | 'startsAt'>) => `${a.fingerprint}@${a.startsAt.getTime()}`;

/** One entry per occurrence; where a payload holds both, the resolved one wins (it is later news). */
export function dedupe(alerts: readonly IncomingAlert[]): IncomingAlert[] {
  const byKey = new Map<string, IncomingAlert>();
  for (const a of alerts) {
    const key = occurrenceKey(a);
    const seen = byKey.get(key);
    if (!seen || (seen.status === 'firing' && a.status === 'resolved')) byKey.set(key, a);
  }
  return [...byKey.values()];
}

/**
 * What a delivery does to an occurrence n3sp already holds. Resolved is final: a firing delivery
 * after it (a resend arriving late, a clustered peer that had not heard yet) changes nothing, and
 * neither does the same news twice.
 */
export function nextStatus(held: AlertStatus | null, incoming: AlertStatus): { changes: boolean; status: AlertStatus } {
  if (held === null) return { changes: true, status: incoming };
  if (held === 'firing' && incoming === 'resolved') return { changes: true, status: 'resolved' };
  return { changes: false, status: held };
}

/** The fields shown for an alert: its name, severity and summary, from labels and annotations. */
export function describe(alert: Pick<IncomingAlert, 'labels' | 'annotations'>): { alertname: string; severity: string | null; summary: string | null } {
  return {
    alertname: (alert.labels.alertname ?? '').slice(0, 200),
    severity: alert.labels.severity?.slice(0, 50) ?? null,
    summary: (alert.annotations.summary ?? alert.annotations.description ?? alert.annotations.message ?? null)?.slice(0, 2000) ?? null,
  };
}
