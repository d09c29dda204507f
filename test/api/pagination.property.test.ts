import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, uniqueCode } from '../helpers/factories.ts';
import type { ApiClient } from '../helpers/api-client.ts';

/**
 * Cursor pagination, as every list uses it: walking all pages while other rows are being
 * inserted (before, between and after the cursor) never skips and never repeats a row that
 * existed when the walk began, whatever the sort, direction, page size or duplicate sort values.
 */
let env: TestEnv;
let api: ApiClient;

before(async () => {
  env = await testEnv();
  api = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
});
after(() => env.close());

const SORTS = ['name', '-name', 'odsCode', '-odsCode', 'updatedAt', '-updatedAt'] as const;

test('no row is lost or repeated while rows are inserted during the walk', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.constantFrom('Abbey', 'Beacon', 'Castle', 'Dene', 'Elm'), { minLength: 1, maxLength: 14 }),
      fc.constantFrom(...SORTS),
      fc.integer({ min: 1, max: 5 }),
      fc.array(fc.constantFrom('Aaron', 'Beacon', 'Moor', 'Zeal'), { maxLength: 6 }),
      async (names, sort, limit, insertedDuring) => {
        const tag = uniqueCode('P');
        const existing = new Set<string>();
        for (const name of names) existing.add((await makeOrganisation(env, { name: `${name} ${tag}` })).ods_code);
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const query = new URLSearchParams({ q: tag.toLowerCase(), sort, limit: String(limit), ...(cursor ? { cursor } : {}) });
          const page = await api.get(`/api/v1/organisations?${query}`);
          assert.equal(page.status, 200, JSON.stringify(page.body));
          seen.push(...page.body.items.map((o: { odsCode: string }) => o.odsCode));
          cursor = page.body.nextCursor;
          const name = insertedDuring[pages];
          if (name) await makeOrganisation(env, { name: `${name} ${tag}` });
          pages += 1;
        } while (cursor && pages < 100);
        assert.equal(new Set(seen).size, seen.length, `a row was repeated: ${seen}`);
        for (const code of existing) assert.ok(seen.includes(code), `row ${code} was skipped (sort ${sort}, limit ${limit})`);
      },
    ),
    { numRuns: 30 },
  );
});

test('a cursor is tied to its sort, and a forged cursor is a 400 naming the field', async () => {
  await makeOrganisation(env);
  await makeOrganisation(env);
  const first = await api.get('/api/v1/organisations?limit=1&sort=name');
  assert.ok(first.body.nextCursor);
  const mixed = await api.get(`/api/v1/organisations?limit=1&sort=-name&cursor=${first.body.nextCursor}`);
  assert.equal(mixed.status, 400);
  assert.equal(mixed.body.errors[0].field, 'query.cursor');
  const forged = await api.get('/api/v1/organisations?cursor=not-a-cursor');
  assert.equal(forged.status, 400);
  assert.equal(forged.body.errors[0].field, 'query.cursor');
  const badSort = await api.get('/api/v1/organisations?sort=colour');
  assert.equal(badSort.status, 400);
  assert.equal(badSort.body.errors[0].field, 'query.sort');
  const badLimit = await api.get('/api/v1/organisations?limit=5000');
  assert.equal(badLimit.status, 400);
  assert.equal(badLimit.body.errors[0].field, 'query.limit');
});
