import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import fc from 'fast-check';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, uniqueCode } from '../helpers/factories.ts';
import { makeCi, makeRelation } from '../helpers/cmdb-fixtures.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { failedIds } from '../../src/modules/cmdb/impact-queries.ts';
import { failuresFrom, type Dependency } from '../../src/domain/ci-impact.ts';

let env: TestEnv;
let manager: ApiClient;
let agent: ApiClient;

before(async () => {
  env = await testEnv();
  manager = (await clientAs(env, { roles: ['service_manager'] })).api;
  agent = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
});
after(() => env.close());

/**
 * A small network, built fresh for each test that needs one:
 *
 *   core ─┬─ popA ─┬─ connA1 ── routerSingle (practice S)   ── service (needs both routers)
 *         │        └─ connA2 ─┐
 *         └─ popB ─── connB1 ─┴─ routerDual (practice D, alternatives connA2 | connB1)
 */
async function buildNetwork() {
  const single = await makeOrganisation(env, { name: `Single-homed Surgery ${uniqueCode('')}` });
  const dual = await makeOrganisation(env, { name: `Dual-homed Trust ${uniqueCode('')}`, kind: 'trust' });
  const ci = (kind: Parameters<typeof makeCi>[1] extends infer T ? T : never) => makeCi(env, kind);
  const core = await ci({ kind: 'core_node', name: `core ${uniqueCode('')}` });
  const popA = await ci({ kind: 'pop', name: `popA ${uniqueCode('')}` });
  const popB = await ci({ kind: 'pop', name: `popB ${uniqueCode('')}` });
  const connA1 = await ci({ kind: 'connection', name: `connA1 ${uniqueCode('')}`, organisationOdsCode: single.ods_code, siteId: 101 });
  const connA2 = await ci({ kind: 'connection', name: `connA2 ${uniqueCode('')}`, organisationOdsCode: dual.ods_code, siteId: 202 });
  const connB1 = await ci({ kind: 'connection', name: `connB1 ${uniqueCode('')}`, organisationOdsCode: dual.ods_code, siteId: 202 });
  const routerSingle = await ci({ kind: 'site_router', name: `routerS ${uniqueCode('')}`, organisationOdsCode: single.ods_code, siteId: 101 });
  const routerDual = await ci({ kind: 'site_router', name: `routerD ${uniqueCode('')}`, organisationOdsCode: dual.ods_code, siteId: 202 });
  const service = await ci({ kind: 'service', name: `service ${uniqueCode('')}`, organisationOdsCode: single.ods_code });
  await makeRelation(env, popA.id, core.id);
  await makeRelation(env, popB.id, core.id);
  await makeRelation(env, connA1.id, popA.id);
  await makeRelation(env, connA2.id, popA.id);
  await makeRelation(env, connB1.id, popB.id);
  await makeRelation(env, routerSingle.id, connA1.id);
  await makeRelation(env, routerDual.id, connA2.id, 'depends_on', 'access');
  await makeRelation(env, routerDual.id, connB1.id, 'depends_on', 'access');
  await makeRelation(env, service.id, routerSingle.id);
  await makeRelation(env, service.id, routerDual.id);
  await makeRelation(env, connA1.id, connA2.id, 'connects_to');
  return { single, dual, core, popA, popB, connA1, connA2, connB1, routerSingle, routerDual, service };
}

const idsIn = (impact: { byKind: Record<string, Array<{ id: number }>> }) =>
  Object.values(impact.byKind)
    .flat()
    .map((c) => c.id)
    .sort((a, b) => a - b);
const sorted = (...ids: number[]) => [...ids].sort((a, b) => a - b);

describe('configuration items', () => {
  test('a service manager creates a CI; the desk reads it; updates need the ETag; the journal records them', async () => {
    const org = await makeOrganisation(env);
    const created = await manager.post('/api/v1/cis', { kind: 'site_router', name: 'Densham router', externalRef: `rtr-${uniqueCode('')}`, organisationOdsCode: org.ods_code, siteId: 7, attributes: { model: 'C1111' } });
    assert.equal(created.status, 201);
    assert.equal(created.headers.etag, '"1"');
    const url = String(created.headers.location);
    const read = await agent.get(url);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body.organisation, { odsCode: org.ods_code, name: org.name });
    assert.deepEqual(read.body.attributes, { model: 'C1111' });
    assert.equal((await manager.patch(url, { state: 'maintenance' })).status, 428);
    const changed = await manager.patch(url, { state: 'maintenance' }, { 'if-match': '"1"' });
    assert.equal(changed.status, 200);
    assert.equal(changed.headers.etag, '"2"');
    assert.equal((await manager.patch(url, { name: 'Lost update' }, { 'if-match': '"1"' })).status, 412);
    const journal = await agent.get(`${url}/journal`);
    assert.deepEqual(journal.body.items[0].changes, [{ field: 'state', before: 'live', after: 'maintenance' }]);
    assert.equal(journal.body.items[1].action, 'created');
    const listed = await agent.get(`/api/v1/cis?organisation=${org.ods_code}&kind=site_router`);
    assert.deepEqual(listed.body.items.map((c: { id: number }) => c.id), [created.body.id]);
  });

  test('the desk may read but not write; bad input names its field and writes nothing', async () => {
    assert.equal((await agent.post('/api/v1/cis', { kind: 'pop', name: 'Not allowed' })).status, 403);
    const bad = await manager.post('/api/v1/cis', { kind: 'castle', name: '', colour: 'red' });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field).sort(), ['colour', 'kind', 'name']);
    const orphan = await manager.post('/api/v1/cis', { kind: 'pop', name: 'Orphan', organisationOdsCode: 'ZZZ999' });
    assert.equal(orphan.status, 422);
    assert.equal(orphan.body.errors[0].field, 'organisationOdsCode');
    const ref = `circuit-${uniqueCode('')}`;
    assert.equal((await manager.post('/api/v1/cis', { kind: 'connection', name: 'One', externalRef: ref })).status, 201);
    const duplicate = await manager.post('/api/v1/cis', { kind: 'connection', name: 'Two', externalRef: ref });
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.body.errors[0].field, 'externalRef');
  });

  test('a CI is deleted with its relations, given the current ETag', async () => {
    const a = await makeCi(env);
    const b = await makeCi(env, { kind: 'connection' });
    const relation = await makeRelation(env, a.id, b.id);
    assert.equal((await manager.delete(`/api/v1/cis/${b.id}`, { 'if-match': '"9"' })).status, 412);
    assert.equal((await manager.delete(`/api/v1/cis/${b.id}`, { 'if-match': '"1"' })).status, 204);
    assert.equal((await agent.get(`/api/v1/cis/${b.id}`)).status, 404);
    assert.equal((await agent.get(`/api/v1/relations/${relation.id}`)).status, 404);
  });
});

describe('relations', () => {
  test('relations are typed, listed both ways, and their redundancy group is changed with the ETag', async () => {
    const router = await makeCi(env);
    const conn = await makeCi(env, { kind: 'connection' });
    const created = await manager.post('/api/v1/relations', { sourceId: router.id, targetId: conn.id, kind: 'depends_on', redundancyGroup: 'access' });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.source, { id: router.id, kind: 'site_router', name: router.name });
    const outgoing = await agent.get(`/api/v1/cis/${router.id}/relations?direction=outgoing`);
    assert.deepEqual(outgoing.body.items.map((r: { id: number }) => r.id), [created.body.id]);
    assert.deepEqual((await agent.get(`/api/v1/cis/${router.id}/relations?direction=incoming`)).body.items, []);
    const incoming = await agent.get(`/api/v1/cis/${conn.id}/relations`);
    assert.equal(incoming.body.items.length, 1);
    const changed = await manager.patch(`/api/v1/relations/${created.body.id}`, { redundancyGroup: null }, { 'if-match': '"1"' });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.redundancyGroup, null);
    assert.equal((await manager.delete(`/api/v1/relations/${created.body.id}`, { 'if-match': '"2"' })).status, 204);
  });

  test('no self-loops, no duplicates (connects_to either way round), groups only on dependencies, no dependency loops', async () => {
    const a = await makeCi(env);
    const b = await makeCi(env, { kind: 'connection' });
    const c = await makeCi(env, { kind: 'pop' });
    const refuse = async (body: object, status: number, field: string) => {
      const response = await manager.post('/api/v1/relations', body);
      assert.equal(response.status, status, JSON.stringify(response.body));
      assert.equal(response.body.errors[0].field, field);
    };
    await refuse({ sourceId: a.id, targetId: a.id, kind: 'depends_on' }, 422, 'targetId');
    await refuse({ sourceId: a.id, targetId: b.id, kind: 'connects_to', redundancyGroup: 'x' }, 422, 'redundancyGroup');
    await refuse({ sourceId: a.id, targetId: 999_999_999, kind: 'depends_on' }, 422, 'targetId');
    assert.equal((await manager.post('/api/v1/relations', { sourceId: a.id, targetId: b.id, kind: 'depends_on' })).status, 201);
    await refuse({ sourceId: a.id, targetId: b.id, kind: 'depends_on' }, 409, 'targetId');
    assert.equal((await manager.post('/api/v1/relations', { sourceId: b.id, targetId: c.id, kind: 'depends_on' })).status, 201);
    await refuse({ sourceId: c.id, targetId: a.id, kind: 'depends_on' }, 422, 'targetId');
    assert.equal((await manager.post('/api/v1/relations', { sourceId: b.id, targetId: c.id, kind: 'connects_to' })).status, 201);
    await refuse({ sourceId: c.id, targetId: b.id, kind: 'connects_to' }, 409, 'targetId');
  });

  test('concurrent additions cannot close a dependency loop between them', async () => {
    const a = await makeCi(env);
    const b = await makeCi(env, { kind: 'connection' });
    const results = await Promise.all([
      manager.post('/api/v1/relations', { sourceId: a.id, targetId: b.id, kind: 'depends_on' }),
      manager.post('/api/v1/relations', { sourceId: b.id, targetId: a.id, kind: 'depends_on' }),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 422]);
  });
});

describe('impact analysis', () => {
  test('a PoP failure takes down single-homed sites, not a dual-homed site whose other connection is on another PoP', async () => {
    const n = await buildNetwork();
    const impact = await agent.get(`/api/v1/cis/${n.popA.id}/impact`);
    assert.equal(impact.status, 200);
    assert.deepEqual(idsIn(impact.body), sorted(n.popA.id, n.connA1.id, n.connA2.id, n.routerSingle.id, n.service.id));
    assert.deepEqual(impact.body.counts, { pop: 1, connection: 2, site_router: 1, service: 1 });
    assert.equal(impact.body.total, 5);
    assert.deepEqual(impact.body.services.map((s: { id: number }) => s.id), [n.service.id]);
    // The dual-homed router survives on connB1, but has lost connA2: its resilience is used up.
    assert.deepEqual(impact.body.degraded, [{ id: n.routerDual.id, kind: 'site_router', name: n.routerDual.name, lost: [n.connA2.id] }]);
    assert.deepEqual(impact.body.organisations.map((o: { odsCode: string }) => o.odsCode).sort(), [n.dual.ods_code, n.single.ods_code].sort());
    assert.deepEqual(impact.body.sites, [{ siteId: 101, cis: 2 }, { siteId: 202, cis: 1 }]);
    const service = impact.body.services[0];
    assert.deepEqual(service.path, [n.popA.id, n.connA1.id, n.routerSingle.id, n.service.id]);
    assert.equal(service.via, n.routerSingle.id);
    assert.match(service.reason, /depends on routerS/);
  });

  test('the other PoP takes only its own connection: the dual-homed router survives on popA', async () => {
    const n = await buildNetwork();
    const impact = await agent.get(`/api/v1/cis/${n.popB.id}/impact`);
    assert.deepEqual(idsIn(impact.body), sorted(n.popB.id, n.connB1.id));
    assert.equal(impact.body.degradedCount, 1);
  });

  test('a core node failure takes down everything below it, the dual-homed site and the service included', async () => {
    const n = await buildNetwork();
    const impact = await agent.get(`/api/v1/cis/${n.core.id}/impact`);
    assert.deepEqual(idsIn(impact.body), sorted(n.core.id, n.popA.id, n.popB.id, n.connA1.id, n.connA2.id, n.connB1.id, n.routerSingle.id, n.routerDual.id, n.service.id));
    const dual = impact.body.byKind.site_router.find((r: { id: number }) => r.id === n.routerDual.id);
    assert.match(dual.reason, /lost every alternative in group access/);
    assert.equal(impact.body.degradedCount, 0);
  });

  test('losing both alternatives at different depths (a diamond with unequal arms) still fails the site', async () => {
    const core = await makeCi(env, { kind: 'core_node' });
    const pop = await makeCi(env, { kind: 'pop' });
    const near = await makeCi(env, { kind: 'connection' });
    const far = await makeCi(env, { kind: 'connection' });
    const router = await makeCi(env);
    await makeRelation(env, pop.id, core.id);
    await makeRelation(env, far.id, pop.id);
    await makeRelation(env, near.id, core.id);
    await makeRelation(env, router.id, near.id, 'depends_on', 'access');
    await makeRelation(env, router.id, far.id, 'depends_on', 'access');
    const impact = await agent.get(`/api/v1/cis/${core.id}/impact`);
    const failedRouter = impact.body.byKind.site_router?.[0];
    assert.equal(failedRouter?.id, router.id);
    assert.equal(failedRouter.depth, 3);
    assert.deepEqual(failedRouter.path, [core.id, pop.id, far.id, router.id]);
  });

  test('a retired connection is no alternative', async () => {
    const n = await buildNetwork();
    await manager.patch(`/api/v1/cis/${n.connB1.id}`, { state: 'retired' }, { 'if-match': '"1"' });
    const impact = await agent.get(`/api/v1/cis/${n.popA.id}/impact`);
    assert.ok(idsIn(impact.body).includes(n.routerDual.id));
  });

  test('a customer sees only the impact on their own organisation', async () => {
    const n = await buildNetwork();
    const customer = (await clientAs(env, { roles: ['customer'], organisations: [n.dual.ods_code] })).api;
    assert.equal((await customer.get(`/api/v1/cis/${n.popA.id}/impact`)).status, 404, 'the PoP is not theirs to look at');
    const impact = await customer.get(`/api/v1/cis/${n.connA2.id}/impact`);
    assert.equal(impact.status, 200);
    assert.deepEqual(idsIn(impact.body), [n.connA2.id]);
    assert.deepEqual(impact.body.organisations.map((o: { odsCode: string }) => o.odsCode), [n.dual.ods_code]);
    const staffView = await agent.get(`/api/v1/cis/${n.core.id}/impact`);
    assert.ok(JSON.stringify(staffView.body).includes(n.single.ods_code));
    const roots = await customer.get(`/api/v1/cis/${n.routerDual.id}/root-causes`);
    assert.deepEqual(roots.body.candidates.map((c: { id: number }) => c.id).sort(), sorted(n.connA2.id, n.connB1.id), 'PoPs and core are not theirs');
  });

  test('root-cause candidates of a site: its connections, their PoPs and the core, nearest first', async () => {
    const n = await buildNetwork();
    const roots = await agent.get(`/api/v1/cis/${n.routerDual.id}/root-causes`);
    assert.equal(roots.status, 200);
    assert.deepEqual(
      roots.body.candidates.map((c: { id: number; depth: number }) => [c.id, c.depth]),
      [[n.connA2.id, 1], [n.connB1.id, 1], [n.popA.id, 2], [n.popB.id, 2], [n.core.id, 3]].sort((a, b) => a[1]! - b[1]! || 0),
    );
    assert.equal(roots.body.candidates[0].redundancyGroup, 'access');
    const serviceRoots = await agent.get(`/api/v1/cis/${n.service.id}/root-causes`);
    assert.equal(serviceRoots.body.candidates.length, 8);
  });

  test('the graph around a CI: nodes within the depth, relations among them, and a limit', async () => {
    const n = await buildNetwork();
    const near = await agent.get(`/api/v1/cis/${n.connA1.id}/graph?depth=1`);
    assert.equal(near.status, 200);
    assert.deepEqual(near.body.nodes.map((x: { id: number }) => x.id).sort(), sorted(n.connA1.id, n.popA.id, n.routerSingle.id, n.connA2.id));
    assert.equal(near.body.edges.length, 4, 'three dependencies and the connects_to, plus none to outside nodes');
    assert.equal(near.body.truncated, false);
    const wide = await agent.get(`/api/v1/cis/${n.connA1.id}/graph?depth=6`);
    assert.equal(wide.body.nodes.length, 9, "the whole network");
    const capped = await agent.get(`/api/v1/cis/${n.connA1.id}/graph?depth=6&limit=3`);
    assert.equal(capped.body.nodes.length, 3);
    assert.equal(capped.body.truncated, true);
    assert.equal(capped.body.nodes[0].id, n.connA1.id);
  });

  test('property: the SQL query agrees with the pure rule on random graphs, diamonds and cycles included', async () => {
    const graph = fc.record({
      size: fc.integer({ min: 2, max: 14 }),
      edges: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(null, null, 'a', 'b')), { maxLength: 40 }),
      retired: fc.array(fc.nat(), { maxLength: 3 }),
      origin: fc.nat(),
    });
    await fc.assert(
      fc.asyncProperty(graph, async ({ size, edges, retired, origin }) => {
        const rows = await sql<{ id: number }>`insert into configuration_item (kind, name)
          select 'other', 'prop ' || g from generate_series(1, ${size}::int) g returning id`.execute(env.rt.db);
        const ids = rows.rows.map((r) => r.id).sort((a, b) => a - b);
        const seen = new Set<string>();
        const deps: Dependency[] = [];
        for (const [s, t, group] of edges) {
          const source = ids[s % size]!;
          const target = ids[t % size]!;
          if (source === target || seen.has(`${source}-${target}`)) continue;
          seen.add(`${source}-${target}`);
          deps.push({ source, target, group });
        }
        for (const d of deps) {
          await sql`insert into ci_relation (source_id, target_id, kind, redundancy_group) values (${d.source}, ${d.target}, 'depends_on', ${d.group})`.execute(env.rt.db);
        }
        const retiredIds = new Set(retired.map((r) => ids[r % size]!).filter((id) => id !== ids[origin % size]));
        for (const id of retiredIds) await sql`update configuration_item set state = 'retired' where id = ${id}`.execute(env.rt.db);
        const start = ids[origin % size]!;
        const expected = failuresFrom(start, deps, retiredIds).map((f) => ({ id: f.id, depth: f.depth, via: f.via }));
        assert.deepEqual(await failedIds(env.rt.db, start), expected);
      }),
      { numRuns: 60 },
    );
  });
});
