import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatValue } from '../../web/src/labels.ts';
import { journalValue, recordOfJournal } from '../../web/src/components/journal-values.ts';

describe('journal values in words', () => {
  test('nothing, yes and no, lists and objects read as words, never as JSON', () => {
    assert.equal(formatValue(null), '—');
    assert.equal(formatValue(''), '—');
    assert.equal(formatValue([]), '—');
    assert.equal(formatValue({}), '—');
    assert.equal(formatValue({ email: null }), '—');
    assert.equal(formatValue(true), 'Yes');
    assert.equal(formatValue(false), 'No');
    assert.equal(formatValue(['THE HEALTH CENTRE', 'LAWSON STREET', '', 'STOCKTON-ON-TEES']), 'THE HEALTH CENTRE, LAWSON STREET, STOCKTON-ON-TEES');
    // A request's details: its name first, the empty e-mail left out.
    assert.equal(
      formatValue({ access: { to: 'the practice’s n3sp portal', name: 'Tom Reid', email: null } }),
      'Access — Name: Tom Reid, To: the practice’s n3sp portal',
    );
    assert.equal(formatValue({ access: { to: 'the portal', name: 'Tom Reid', email: 'tom@example.nhs.uk' } }), 'Access — Name: Tom Reid, To: the portal, E-mail: tom@example.nhs.uk');
    // References to other records read as their names and codes.
    assert.equal(
      formatValue({ fromProduct: { code: 'FTTC-40', bandwidthDownKbps: 40_000 }, targetProduct: { code: 'FTTC-80', name: 'FTTC 80/20', bandwidthDownKbps: 80_000 }, contractYears: 3 }),
      'Upgrade from: FTTC-40; Upgrade to: FTTC 80/20 (FTTC-80); Contract years: 3',
    );
    assert.equal(formatValue({ targetSite: { id: 4, name: 'Acklam Road branch' } }), 'Move to: Acklam Road branch');
    assert.equal(formatValue({ odsCode: 'A81001', name: 'The Densham Surgery' }), 'The Densham Surgery (A81001)');
    assert.equal(formatValue({ model: 'C1111-8P', ports: [1, 2] }), 'Model: C1111-8P; Ports: 1, 2');
    assert.doesNotMatch(formatValue({ a: { b: { c: 1 } }, d: [{ e: 'f' }] }), /[{}"]/);
  });

  test("each record's codes through its own labels, ids as links to what they name", () => {
    assert.equal(recordOfJournal('/sites/7/journal'), 'sites');
    assert.equal(recordOfJournal('/service-requests/12/journal'), 'service-requests');
    assert.deepEqual(journalValue('sites', 'kind', 'main'), { text: 'Main site' });
    assert.deepEqual(journalValue('sites', 'state', 'active'), { text: 'Active' });
    assert.deepEqual(journalValue('sites', 'address', ['THE HEALTH CENTRE', 'LAWSON STREET']), { text: 'THE HEALTH CENTRE, LAWSON STREET' });
    assert.deepEqual(journalValue('sites', 'organisation', 'A81001'), { text: 'A81001', href: '/organisations/A81001' });
    assert.deepEqual(journalValue('organisations', 'kind', 'gp_practice'), { text: 'GP practice' });
    assert.deepEqual(journalValue('cis', 'kind', 'site_router'), { text: 'Site router' });
    assert.deepEqual(journalValue('cis', 'kind', 'depends_on'), { text: 'depends on' });
    assert.deepEqual(journalValue('cis', 'siteId', 3), { text: 'Site 3', href: '/sites/3' });
    assert.deepEqual(journalValue('suppliers', 'kind', 'carrier'), { text: 'Carrier' });
    assert.deepEqual(journalValue('connections', 'state', 'requested'), { text: 'Requested' });
    assert.deepEqual(journalValue('connections', 'site', 1), { text: 'Site 1', href: '/sites/1' });
    assert.deepEqual(journalValue('connections', 'pop', 9), { text: 'CI 9', href: '/cis/9' });
    assert.deepEqual(journalValue('connections', 'product', 'FTTC-80'), { text: 'FTTC-80' });
    assert.deepEqual(journalValue('connections', 'installCharge', '250.00'), { text: '£250.00' });
    assert.deepEqual(journalValue('connections', 'contractYears', 3), { text: '3 years' });
    assert.deepEqual(journalValue('connections', 'requestedOn', '2025-03-04'), { text: '4 Mar 2025' });
    assert.deepEqual(journalValue('service-requests', 'state', 'in_fulfilment'), { text: 'In fulfilment' });
    assert.deepEqual(journalValue('service-requests', 'connection', 5), { text: 'Connection 5', href: '/connections/5' });
    assert.deepEqual(journalValue('service-requests', 'closesAt', '2025-07-01T08:30:00.000Z'), { text: 'Tue 1 Jul 2025, 09:30' });
    assert.deepEqual(journalValue('service-requests', 'approvalRequired', true), { text: 'Yes' });
    assert.deepEqual(journalValue('service-requests', 'site', null), { text: '—' });
    // A state no label knows is still words, not the code; free text is left as written.
    assert.deepEqual(journalValue('connections', 'circuitReference', 'OR_123_x'), { text: 'OR_123_x' });
    assert.deepEqual(journalValue('teams', 'state', 'on_hold'), { text: 'On hold' });
  });
});
