import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkMove, checkUpgrade, isProblem, legAtSite } from '../../src/domain/connection-changes.ts';

const now = { code: 'FTTC-40', bandwidthDownKbps: 40_000, resilience: 'single' };
const product = (over = {}) => ({ code: 'FTTP-330', kind: 'connection', state: 'active', bandwidthDownKbps: 330_000, resilience: 'single', ...over });

test('an upgrade is to another active connection product, faster down, of the same resilience', () => {
  assert.equal(checkUpgrade(now, product()), null);
  assert.match(checkUpgrade(now, product({ bandwidthDownKbps: 40_000 }))!.message, /no more than the 40000 kbit\/s of FTTC-40; an upgrade raises the bandwidth/);
  assert.match(checkUpgrade(now, product({ bandwidthDownKbps: 20_000 }))!.message, /no more than/, 'a downgrade is refused');
  assert.match(checkUpgrade(now, product({ state: 'withdrawn' }))!.message, /withdrawn/);
  assert.match(checkUpgrade(now, product({ kind: 'service' }))!.message, /not a connection product/);
  assert.match(checkUpgrade(now, product({ code: 'FTTC-40' }))!.message, /already/);
  assert.match(checkUpgrade(now, product({ resilience: 'resilient' }))!.message, /second leg is a new connection/);
  assert.match(checkUpgrade({ ...now, resilience: 'resilient' }, product())!.message, /keeps the circuits/);
  for (const over of [{ bandwidthDownKbps: 1 }, { state: 'withdrawn' }, { resilience: 'resilient' }]) {
    const r = checkUpgrade(now, product(over))!;
    assert.equal(r.field, 'productCode');
    assert.equal(r.status, 422);
  }
});

test('a move is to another active site of the same organisation', () => {
  const here = { siteId: 1, organisationId: 9 };
  assert.equal(checkMove(here, { id: 2, organisationId: 9, state: 'active' }), null);
  assert.match(checkMove(here, { id: 1, organisationId: 9, state: 'active' })!.message, /already/);
  assert.match(checkMove(here, { id: 2, organisationId: 8, state: 'active' })!.message, /organisation/);
  for (const state of ['closed', 'retired', 'dormant', 'proposed']) assert.match(checkMove(here, { id: 2, organisationId: 9, state })!.message, new RegExp(state));
  assert.equal(checkMove(here, { id: 2, organisationId: 8, state: 'active' })!.field, 'targetSiteId');
});

test('the moving connection takes leg 1 at an empty site, the free leg beside a resilient partner, else is refused', () => {
  assert.deepEqual(legAtSite({ resilience: 'single' }, []), { leg: 1 });
  assert.deepEqual(legAtSite({ resilience: 'resilient' }, [{ id: 5, leg: 1, resilience: 'resilient' }]), { leg: 2 });
  assert.deepEqual(legAtSite({ resilience: 'resilient' }, [{ id: 5, leg: 2, resilience: 'resilient' }]), { leg: 1 });
  const beside = legAtSite({ resilience: 'single' }, [{ id: 5, leg: 1, resilience: 'resilient' }]);
  assert.ok(isProblem(beside));
  assert.deepEqual([beside.status, beside.field], [409, 'targetSiteId']);
  assert.match(beside.message, /connection 5; a second is allowed only as the other half of a resilient pair/);
  assert.ok(isProblem(legAtSite({ resilience: 'resilient' }, [{ id: 5, leg: 1, resilience: 'single' }])));
  const full = legAtSite({ resilience: 'resilient' }, [{ id: 5, leg: 1, resilience: 'resilient' }, { id: 6, leg: 2, resilience: 'resilient' }]);
  assert.ok(isProblem(full) && /two open connections/.test(full.message));
});
