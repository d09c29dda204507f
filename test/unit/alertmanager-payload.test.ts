import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dedupe, describe as describeAlert, nextStatus, parseJson, readAlertmanagerPayload, readGenericPayload, type IncomingAlert } from '../../src/domain/alertmanager-payload.ts';

/** A payload as Alertmanager 0.25 sends it (fields from its notify/webhook package). */
function payload(alerts: object[], extra: object = {}) {
  return {
    receiver: 'n3sp',
    status: 'firing',
    alerts,
    groupLabels: { alertname: 'SiteDown' },
    commonLabels: { alertname: 'SiteDown' },
    commonAnnotations: {},
    externalURL: 'http://127.0.0.1:9093',
    version: '4',
    groupKey: '{}:{alertname="SiteDown"}',
    truncatedAlerts: 0,
    ...extra,
  };
}
const firing = (fingerprint: string, startsAt = '2026-11-24T10:00:00.123456789Z') => ({
  status: 'firing',
  labels: { alertname: 'SiteDown', site: 'A81001', severity: 'critical' },
  annotations: { summary: 'Site unreachable' },
  startsAt,
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'http://prometheus/graph',
  fingerprint,
});

describe("reading Alertmanager's webhook payload", () => {
  test('a version 4 payload becomes alerts; unknown fields are ignored', () => {
    const read = readAlertmanagerPayload(payload([{ ...firing('a1'), somethingNew: true }], { newTopLevel: { x: 1 } }));
    assert.ok(read.ok);
    assert.equal(read.source, 'alertmanager');
    assert.equal(read.groupKey, '{}:{alertname="SiteDown"}');
    assert.deepEqual(read.alerts[0], {
      fingerprint: 'a1',
      status: 'firing',
      startsAt: new Date('2026-11-24T10:00:00.123Z'),
      endsAt: null,
      labels: { alertname: 'SiteDown', site: 'A81001', severity: 'critical' },
      annotations: { summary: 'Site unreachable' },
      generatorUrl: 'http://prometheus/graph',
    });
  });

  test('a resolved alert keeps its end; one without an end ends when heard of', () => {
    const read = readAlertmanagerPayload(payload([{ ...firing('a1'), status: 'resolved', endsAt: '2026-11-24T10:05:00Z' }, { ...firing('a2'), status: 'resolved', endsAt: '0001-01-01T00:00:00Z' }]));
    assert.ok(read.ok);
    assert.deepEqual(read.alerts[0]!.endsAt, new Date('2026-11-24T10:05:00Z'));
    assert.ok(read.alerts[1]!.endsAt! >= read.alerts[1]!.startsAt);
  });

  test('what cannot be read is refused, naming the field', () => {
    const cases: Array<[unknown, string]> = [
      [[], 'body'],
      [{ alerts: [] }, 'version'],
      [payload([], { version: '3' }), 'version'],
      [payload([], { alerts: 'none' }), 'alerts'],
      [payload([{ ...firing('a'), status: 'pending' }]), 'alerts.0.status'],
      [payload([firing('ok'), { ...firing('a'), fingerprint: '' }]), 'alerts.1.fingerprint'],
      [payload([{ ...firing('a'), startsAt: 'yesterday' }]), 'alerts.0.startsAt'],
      [payload([{ ...firing('a'), endsAt: 12 }]), 'alerts.0.endsAt'],
      [payload([{ ...firing('a'), labels: { site: 7 } }]), 'alerts.0.labels.site'],
      [payload([{ ...firing('a'), annotations: ['x'] }]), 'alerts.0.annotations'],
    ];
    for (const [body, field] of cases) {
      const read = readAlertmanagerPayload(body);
      assert.ok(!read.ok, JSON.stringify(body));
      assert.equal(read.field, field);
      assert.ok(read.message.length > 5);
    }
  });

  test('a label named like a field of the result is just a label', () => {
    const read = readAlertmanagerPayload(payload([{ ...firing('a'), labels: { ok: 'yes', map: 'x' } }]));
    assert.ok(read.ok);
    assert.deepEqual(read.alerts[0]!.labels, { ok: 'yes', map: 'x' });
  });

  test('a body that is not JSON is refused as the body', () => {
    const read = parseJson('{"version": "4"');
    assert.ok(!read.ok);
    assert.equal(read.field, 'body');
  });

  test('no JSON value makes the reader throw', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      readAlertmanagerPayload(value);
      readGenericPayload(value);
    }));
  });
});

describe('the generic event payload', () => {
  test('events with their source; name, severity and summary beside the labels', () => {
    const read = readGenericPayload({ source: 'nagios', events: [{ key: 'host-1/ping', status: 'firing', startsAt: '2026-11-24T10:00:00Z', labels: { instance: 'r1', port: 9100 }, alertname: 'HostDown', severity: 'critical', summary: 'No ping' }] });
    assert.ok(read.ok);
    assert.equal(read.source, 'nagios');
    assert.deepEqual(read.alerts[0]!.labels, { instance: 'r1', port: '9100', alertname: 'HostDown', severity: 'critical' });
    assert.deepEqual(read.alerts[0]!.annotations, { summary: 'No ping' });
  });

  test('one event may come without the array', () => {
    const read = readGenericPayload({ source: 'zabbix', fingerprint: 'x', status: 'resolved', startsAt: '2026-11-24T10:00:00Z', endsAt: '2026-11-24T10:01:00Z' });
    assert.ok(read.ok);
    assert.equal(read.alerts.length, 1);
  });

  test('the source is required and is not alertmanager', () => {
    for (const body of [{ events: [] }, { source: 'Bad Source', events: [] }, { source: 'alertmanager', events: [] }]) {
      const read = readGenericPayload(body);
      assert.ok(!read.ok);
      assert.equal(read.field, 'source');
    }
  });
});

describe('occurrences and their status', () => {
  const alert = (fingerprint: string, status: 'firing' | 'resolved', minute = 0): IncomingAlert => ({
    fingerprint,
    status,
    startsAt: new Date(Date.UTC(2026, 0, 1, 0, minute)),
    endsAt: status === 'resolved' ? new Date(Date.UTC(2026, 0, 1, 1)) : null,
    labels: {},
    annotations: {},
    generatorUrl: null,
  });

  test('one entry per occurrence in a payload; resolved wins over firing, whatever the order', () => {
    assert.deepEqual(dedupe([alert('a', 'firing'), alert('a', 'resolved'), alert('a', 'firing')]).map((a) => a.status), ['resolved']);
    assert.deepEqual(dedupe([alert('a', 'firing', 0), alert('a', 'firing', 5)]).length, 2, 'a new startsAt is a new occurrence');
  });

  test('resolved is final: no delivery, in any order, takes an occurrence back to firing', () => {
    assert.deepEqual(nextStatus(null, 'firing'), { changes: true, status: 'firing' });
    assert.deepEqual(nextStatus('firing', 'resolved'), { changes: true, status: 'resolved' });
    assert.deepEqual(nextStatus('firing', 'firing'), { changes: false, status: 'firing' });
    assert.deepEqual(nextStatus('resolved', 'firing'), { changes: false, status: 'resolved' });
    assert.deepEqual(nextStatus('resolved', 'resolved'), { changes: false, status: 'resolved' });
    fc.assert(
      fc.property(fc.array(fc.constantFrom('firing' as const, 'resolved' as const), { minLength: 1, maxLength: 12 }), (deliveries) => {
        let held: 'firing' | 'resolved' | null = null;
        for (const d of deliveries) held = nextStatus(held, d).status;
        assert.equal(held, deliveries.includes('resolved') ? 'resolved' : 'firing');
      }),
    );
  });

  test('name, severity and summary come from the labels and annotations', () => {
    assert.deepEqual(describeAlert({ labels: { alertname: 'PopDown', severity: 'critical' }, annotations: { description: 'gone' } }), { alertname: 'PopDown', severity: 'critical', summary: 'gone' });
  });
});
