import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { permissionsOf, ROLES, AREAS } from '../../src/core/access/roles.ts';
import { accountProblem } from '../../src/domain/account-rules.ts';
import { changedFields } from '../../src/domain/journal-changes.ts';
import { canonicalJson, linkHash, sealOf, GENESIS_HASH } from '../../src/domain/audit-chain.ts';
import { toProblem } from '../../src/core/http/problem-handler.ts';
import { scopeOf } from '../../src/core/auth/principals.ts';

describe('roles and permissions', () => {
  test('the auditor reads every area and writes none', () => {
    const held = permissionsOf(['auditor']);
    for (const area of AREAS) {
      assert.ok(held.has(`${area}:read`), `${area}:read`);
      assert.ok(!held.has(`${area}:write`), `${area}:write`);
    }
  });

  test('the administrator holds everything; a supplier engineer holds no organisation rights', () => {
    assert.equal(permissionsOf(['administrator']).size, AREAS.length * 2);
    assert.ok(!permissionsOf(['supplier']).has('organisations:read'));
  });

  test("a token's scopes only ever narrow its owner's permissions", () => {
    fc.assert(
      fc.property(fc.subarray([...ROLES], { minLength: 1 }), fc.array(fc.constantFrom('*', '*:read', 'organisations:read', 'organisations:write', 'users:write')), (roles, scopes) => {
        const owner = permissionsOf(roles);
        for (const p of permissionsOf(roles, scopes)) assert.ok(owner.has(p));
      }),
    );
    assert.deepEqual([...permissionsOf(['administrator'], ['*:read'])].every((p) => p.endsWith(':read')), true);
  });
});

describe('account rules', () => {
  test('staff, customer and supplier roles do not mix', () => {
    assert.equal(accountProblem({ roles: ['service_desk_agent', 'customer'], organisationCount: 1, supplierId: null })?.field, 'roles');
  });
  test('a customer needs an organisation, a supplier engineer a supplier', () => {
    assert.equal(accountProblem({ roles: ['customer'], organisationCount: 0, supplierId: null })?.field, 'organisations');
    assert.equal(accountProblem({ roles: ['supplier'], organisationCount: 0, supplierId: null })?.field, 'supplierId');
    assert.equal(accountProblem({ roles: ['customer'], organisationCount: 2, supplierId: null }), null);
    assert.equal(accountProblem({ roles: ['auditor'], organisationCount: 0, supplierId: null }), null);
  });
  test('scope follows the kind of account', () => {
    assert.deepEqual(scopeOf({ roles: ['auditor'], supplier_id: null, organisation_ids: [] }), { kind: 'network' });
    assert.deepEqual(scopeOf({ roles: ['customer'], supplier_id: null, organisation_ids: [4, 5] }), { kind: 'organisations', organisationIds: [4, 5] });
    assert.deepEqual(scopeOf({ roles: ['supplier'], supplier_id: 9, organisation_ids: [] }), { kind: 'supplier', supplierId: 9 });
  });
});

describe('journal changes', () => {
  test('only the named fields that differ are recorded, dates as ISO text', () => {
    const before = { name: 'A', state: 'active', secret: 'x', at: new Date('2020-01-01T00:00:00Z') };
    const after = { name: 'B', state: 'active', secret: 'y', at: new Date('2021-01-01T00:00:00Z') };
    assert.deepEqual(changedFields(before, after, ['name', 'state', 'at']), [
      { field: 'name', before: 'A', after: 'B' },
      { field: 'at', before: '2020-01-01T00:00:00.000Z', after: '2021-01-01T00:00:00.000Z' },
    ]);
  });
  test('a creation records every field from null', () => {
    assert.deepEqual(changedFields(null, { name: 'A', region: null }, ['name', 'region']), [{ field: 'name', before: null, after: 'A' }]);
  });
});

describe('audit seals', () => {
  const content = { nonce: 'n', at: new Date(0), actorId: 1, actorName: 'a', action: 'x', entityType: 'e', entityId: '1', organisationId: null, supplierId: null, summary: null, changes: [{ field: 'f', before: 1, after: 2 }] };
  test('canonical JSON ignores key order, so a jsonb round trip seals the same', () => {
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
      const reversed = Object.fromEntries(Object.entries(obj).reverse());
      assert.equal(canonicalJson(obj), canonicalJson(reversed));
    }));
  });
  test('a seal depends on the key and on every field', () => {
    const seal = sealOf('k', content);
    assert.notEqual(sealOf('other key', content), seal);
    assert.notEqual(sealOf('k', { ...content, summary: 'changed' }), seal);
    assert.notEqual(sealOf('k', { ...content, changes: [] }), seal);
    assert.equal(sealOf('k', { ...content }), seal);
  });
  test('a link depends on its position and on the link before it', () => {
    const link = linkHash(GENESIS_HASH, 'seal', 1);
    assert.notEqual(linkHash(GENESIS_HASH, 'seal', 2), link);
    assert.notEqual(linkHash('1'.repeat(64), 'seal', 1), link);
  });
});

describe('problem details', () => {
  test('an unexpected error becomes a plain 500 that reveals nothing', () => {
    const problem = toProblem(new TypeError("Cannot read properties of undefined (reading 'secret_column')"));
    assert.equal(problem.status, 500);
    assert.doesNotMatch(problem.detail ?? '', /secret_column/);
  });
  test('database errors a user can cause map to 4xx; a lost connection to 503 so clients retry', () => {
    assert.equal(toProblem(Object.assign(new Error('dup'), { code: '23505', constraint: 'nope' })).status, 409);
    assert.equal(toProblem(Object.assign(new Error('fk'), { code: '23503' })).status, 422);
    assert.equal(toProblem(Object.assign(new Error('bad date'), { code: '22008' })).status, 400);
    assert.equal(toProblem(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })).status, 503);
    assert.equal(toProblem(new Error('connect ECONNREFUSED 127.0.0.1:5432')).status, 503);
    assert.equal(toProblem(new Error('Client has encountered a connection error and is not queryable')).status, 503);
    assert.equal(toProblem(new Error('Connection terminated unexpectedly')).status, 503);
  });
});
