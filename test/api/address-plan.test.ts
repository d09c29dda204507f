import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import fc from 'fast-check';
import { onPostgres, testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, uniqueCode } from '../helpers/factories.ts';
import { NETWORK_WRITER } from '../helpers/cmdb-fixtures.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { inTransaction } from '../../src/core/context.ts';
import { allocate, createBlock, releaseHolder } from '../../src/modules/address-plan/service.ts';
import { bestFit, formatPrefix, overlaps, parsePrefix, type Prefix } from '../../src/domain/address-plan.ts';

let env: TestEnv;
let manager: ApiClient;
let agent: ApiClient;

before(async () => {
  env = await testEnv();
  manager = (await clientAs(env, { roles: ['service_manager'] })).api;
  agent = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
});
after(() => env.close());

let nextRange = 0;
/** Each test carves from a block of its own: 10.(64 + n).0.0/length. */
async function block(length = 24, extra: Record<string, unknown> = {}) {
  const n = nextRange++;
  const range = length === 24 ? `10.${64 + (n >> 8)}.${n & 255}.0/24` : `10.${32 + n}.0.0/${length}`;
  const response = await manager.post('/api/v1/address-blocks', { name: `Block ${uniqueCode('')}`, range, ...extra });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body as { id: number; range: string; name: string };
}

const allocateVia = (body: Record<string, unknown>) => manager.post('/api/v1/address-allocations', body);

/** No two live prefixes overlap anywhere: checked by the database itself. */
async function overlappingLivePairs(): Promise<number> {
  const result = await sql<{ n: number }>`select count(*)::int as n from address_allocation a join address_allocation b
    on a.id < b.id and a.prefix && b.prefix where a.released_at is null and b.released_at is null`.execute(env.rt.db);
  return result.rows[0]!.n;
}

describe('address blocks', () => {
  test('a block must be private, well formed, named once and clear of every other block', async () => {
    const refuse = async (body: Record<string, unknown>, status: number, field: string) => {
      const response = await manager.post('/api/v1/address-blocks', { name: `B ${uniqueCode('')}`, ...body });
      assert.equal(response.status, status, JSON.stringify(response.body));
      assert.equal(response.body.errors[0].field, field);
    };
    await refuse({ range: '8.8.8.0/24' }, 422, 'range');
    await refuse({ range: '10.1.2.3/16' }, 400, 'range');
    await refuse({ range: 'ten/8' }, 400, 'range');
    const first = await block(16);
    await refuse({ range: first.range.replace(/\/16$/, '/24') }, 409, 'range');
    await refuse({ range: '172.16.0.0/16', sizing: [{ upToMbps: 10, prefixLength: 28 }, { upToMbps: 5, prefixLength: 29 }] }, 400, 'sizing.1');
    const taken = await manager.post('/api/v1/address-blocks', { name: first.name, range: '192.168.0.0/16' });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.errors[0].field, 'name');
  });

  test('a block reports its size and use; closing it stops new allocations', async () => {
    const b = await block(24);
    await allocateVia({ holder: `connection:${uniqueCode('')}`, blockId: b.id, prefixLength: 26 });
    const read = await agent.get(`/api/v1/address-blocks/${b.id}`);
    assert.equal(read.body.addresses, 256);
    assert.equal(read.body.usedAddresses, 64);
    assert.equal(read.body.liveAllocations, 1);
    assert.equal(read.body.customSizing, false);
    const closed = await manager.patch(`/api/v1/address-blocks/${b.id}`, { state: 'closed' }, { 'if-match': read.headers.etag as string });
    assert.equal(closed.status, 200);
    const refused = await allocateVia({ holder: `connection:${uniqueCode('')}`, blockId: b.id, prefixLength: 29 });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.errors[0].field, 'blockId');
  });
});

describe('allocations', () => {
  test('sized by product: the default rule, a resilient product, and the block’s own rule', async () => {
    const b = await block(24);
    const small = await allocateVia({ holder: `connection:${uniqueCode('')}`, blockId: b.id, bandwidthMbps: 10 });
    assert.equal(small.status, 201);
    assert.match(small.body.prefix, /\/29$/);
    const resilient = await allocateVia({ holder: `connection:${uniqueCode('')}`, blockId: b.id, bandwidthMbps: 10, resilient: true });
    assert.match(resilient.body.prefix, /\/28$/);
    const own = await block(24, { sizing: [{ upToMbps: 100, prefixLength: 30 }, { upToMbps: 1000, prefixLength: 27 }] });
    const custom = await allocateVia({ holder: `connection:${uniqueCode('')}`, blockId: own.id, bandwidthMbps: 80 });
    assert.match(custom.body.prefix, /\/30$/);
  });

  test('one live prefix per holder and purpose; released, it is free again and the holder may allocate anew', async () => {
    const b = await block(24);
    const holder = `connection:${uniqueCode('')}`;
    const first = await allocateVia({ holder, blockId: b.id, prefixLength: 24 });
    assert.equal(first.status, 201);
    assert.equal(first.body.prefix, b.range);
    const again = await allocateVia({ holder, blockId: b.id, prefixLength: 29 });
    assert.equal(again.status, 409);
    assert.equal(again.body.errors[0].field, 'holder');
    const full = await allocateVia({ holder: `connection:${uniqueCode('')}`, blockId: b.id, prefixLength: 30 });
    assert.equal(full.status, 422);
    const released = await manager.post(`/api/v1/address-allocations/${first.body.id}/release`);
    assert.equal(released.status, 200);
    assert.equal(released.body.live, false);
    assert.equal((await manager.post(`/api/v1/address-allocations/${first.body.id}/release`)).status, 409);
    const reused = await allocateVia({ holder, blockId: b.id, prefixLength: 24 });
    assert.equal(reused.body.prefix, b.range);
    const journal = await agent.get(`/api/v1/address-allocations/${first.body.id}/journal`);
    assert.deepEqual(journal.body.items.map((e: { action: string }) => e.action), ['released', 'allocated']);
  });

  test('a given prefix is recorded when free, refused when it overlaps a live one or lies in no block', async () => {
    const b = await block(24);
    const base = b.range.replace(/\.0\/24$/, '');
    const given = await allocateVia({ holder: `connection:${uniqueCode('')}`, prefix: `${base}.64/26` });
    assert.equal(given.status, 201);
    assert.equal(given.body.block.id, b.id);
    const clash = await allocateVia({ holder: `connection:${uniqueCode('')}`, prefix: `${base}.96/27` });
    assert.equal(clash.status, 409);
    assert.equal(clash.body.errors[0].field, 'prefix');
    const outside = await allocateVia({ holder: `connection:${uniqueCode('')}`, prefix: '192.168.77.0/29' });
    assert.equal(outside.status, 422);
    assert.equal(outside.body.errors[0].field, 'prefix');
    const both = await allocateVia({ holder: `connection:${uniqueCode('')}`, prefixLength: 29, bandwidthMbps: 10 });
    assert.equal(both.status, 400);
    assert.equal(both.body.errors[0].field, 'bandwidthMbps');
    // The next free /26 skips the given one.
    const next = await allocateVia({ holder: `connection:${uniqueCode('')}`, blockId: b.id, prefixLength: 26 });
    assert.equal(next.body.prefix, `${base}.0/26`);
  });

  test('a customer sees the prefixes of their own organisation, and no block', async () => {
    const org = await makeOrganisation(env);
    const other = await makeOrganisation(env);
    const b = await block(24);
    const mine = await allocateVia({ holder: `connection:${uniqueCode('')}`, blockId: b.id, prefixLength: 29, organisationOdsCode: org.ods_code });
    await allocateVia({ holder: `connection:${uniqueCode('')}`, blockId: b.id, prefixLength: 29, organisationOdsCode: other.ods_code });
    const customer = (await clientAs(env, { roles: ['customer'], organisations: [org.ods_code] })).api;
    const listed = await customer.get('/api/v1/address-allocations');
    assert.deepEqual(listed.body.items.map((a: { id: number }) => a.id), [mine.body.id]);
    assert.deepEqual((await customer.get('/api/v1/address-blocks')).body.items, []);
    assert.equal((await customer.post(`/api/v1/address-allocations/${mine.body.id}/release`)).status, 403);
  });

  test('a connection’s lifecycle allocates on order and releases on cease, in its own transaction', async () => {
    const b = await block(24);
    const holder = `connection:${uniqueCode('')}`;
    const ordered = await inTransaction(env.rt, (tx) => allocate(tx, env.rt, NETWORK_WRITER, { holder, blockId: b.id, bandwidthMbps: 100 }));
    assert.match(ordered.prefix, /\/27$/);
    const ceased = await inTransaction(env.rt, (tx) => releaseHolder(tx, env.rt, NETWORK_WRITER, holder));
    assert.deepEqual(ceased.map((a) => a.id), [ordered.id]);
    assert.deepEqual(await inTransaction(env.rt, (tx) => releaseHolder(tx, env.rt, NETWORK_WRITER, holder)), [], 'ceasing twice releases nothing more');
  });

  test('property: the SQL allocator makes the reference allocator’s choice, and live prefixes never overlap', async () => {
    const op = fc.oneof(fc.record({ allocate: fc.integer({ min: 25, max: 30 }) }), fc.record({ release: fc.nat() }));
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const b = await block(24);
        const range = parsePrefix(b.range)!;
        let live: Array<{ id: number; prefix: Prefix }> = [];
        for (const o of ops) {
          if ('allocate' in o) {
            const expected = bestFit(range, live.map((l) => l.prefix), o.allocate);
            const response = await allocateVia({ holder: `connection:${uniqueCode('')}`, blockId: b.id, prefixLength: o.allocate });
            if (!expected) {
              assert.equal(response.status, 422);
              continue;
            }
            assert.equal(response.status, 201, JSON.stringify(response.body));
            assert.equal(response.body.prefix, formatPrefix(expected));
            live.push({ id: response.body.id, prefix: expected });
          } else if (live.length) {
            const victim = live[o.release % live.length]!;
            assert.equal((await manager.post(`/api/v1/address-allocations/${victim.id}/release`)).status, 200);
            live = live.filter((l) => l !== victim);
          }
        }
        assert.equal(await overlappingLivePairs(), 0);
      }),
      { numRuns: 25 },
    );
  });
});

describe('allocations under concurrency (PostgreSQL)', { skip: !onPostgres() && 'needs several connections: set DATABASE_URL' }, () => {
  test('property: concurrent allocations from one block never overlap; a refusal means no aligned room was left', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 25, max: 30 }), { minLength: 2, maxLength: 30 }), fc.array(fc.nat(), { maxLength: 10 }), async (lengths, releases) => {
        const name = `Concurrent ${uniqueCode('')}`;
        const n = nextRange++;
        const b = await inTransaction(env.rt, (tx) => createBlock(tx, env.rt, NETWORK_WRITER, { name, range: `10.${64 + (n >> 8)}.${n & 255}.0/24` }));
        const range = parsePrefix(b.range)!;
        // Two rounds: everyone at once; then some release while others allocate at once.
        for (const round of [0, 1]) {
          const live = await sql<{ id: number; prefix: string }>`select id, prefix from address_allocation where block_id = ${b.id} and released_at is null order by id`.execute(env.rt.db);
          const toRelease = round === 0 ? [] : [...new Set(releases.map((r) => live.rows[r % Math.max(live.rows.length, 1)]?.id).filter((id): id is number => id !== undefined))];
          const work = [
            ...lengths.map((length) =>
              inTransaction(env.rt, (tx) => allocate(tx, env.rt, NETWORK_WRITER, { holder: `connection:${uniqueCode('')}`, blockId: b.id, prefixLength: length }))
                .then((a) => ({ ok: true as const, prefix: a.prefix, length }))
                .catch((e: { status?: number }) => {
                  if (e.status !== 422) throw e;
                  return { ok: false as const, length };
                }),
            ),
            ...toRelease.map((id) => sql`update address_allocation set released_at = now() where id = ${id}`.execute(env.rt.db).then(() => null)),
          ];
          const results = (await Promise.all(work)).filter((r) => r !== null);
          assert.equal(await overlappingLivePairs(), 0);
          const after = (await sql<{ prefix: string }>`select prefix from address_allocation where block_id = ${b.id} and released_at is null`.execute(env.rt.db)).rows.map((r) => parsePrefix(r.prefix)!);
          for (const r of results) {
            if (r.ok) assert.ok(after.some((p) => formatPrefix(p) === r.prefix));
            // Without releases, free space only shrinks during the round: what was refused still has no room.
            else if (round === 0) assert.equal(bestFit(range, after, r.length), undefined, `a /${r.length} was refused but fits`);
          }
          assert.ok(after.every((p, i) => after.every((q, j) => i === j || !overlaps(p, q))));
        }
      }),
      { numRuns: 15 },
    );
  });
});
