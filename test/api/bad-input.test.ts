import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs } from '../helpers/factories.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { journalSize } from '../helpers/tenancy-fixtures.ts';

/** No request, however malformed, gets a 500 or a stack trace; every refusal is problem details. */
let env: TestEnv;
let admin: ApiClient;

before(async () => {
  env = await testEnv();
  admin = (await clientAs(env, { roles: ['administrator'] })).api;
});
after(() => env.close());

function assertProblem(response: { status: number; headers: Record<string, unknown>; body: any }, status: number) {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  assert.match(response.body.type, /^urn:n3sp:problem:/);
  assert.equal(response.body.status, status);
  assert.doesNotMatch(JSON.stringify(response.body), /at .*\.ts:\d+|node_modules|Error:/, 'no stack trace or internals');
}

describe('bad input', () => {
  test('broken JSON is a 400 naming the body', async () => {
    const response = await admin.request('POST', '/api/v1/organisations', '{"odsCode": "A1', { 'content-type': 'application/json' });
    assertProblem(response, 400);
    assert.equal(response.body.errors[0].field, 'body');
  });

  test('a body that is not JSON is a 415', async () => {
    assertProblem(await admin.request('POST', '/api/v1/organisations', 'odsCode=A1', { 'content-type': 'application/x-www-form-urlencoded' }), 415);
    assertProblem(await admin.request('POST', '/api/v1/organisations', 'odsCode=A1', { 'content-type': 'text/plain' }), 415);
  });

  test('an unknown route is a 404 problem, and so is an unknown method on a known path', async () => {
    assertProblem(await admin.get('/api/v1/castles'), 404);
    assertProblem(await admin.request('PUT', '/api/v1/organisations', { a: 1 }), 404);
  });

  test('a malformed path parameter is a 400 naming it', async () => {
    const response = await admin.get('/api/v1/users/not-a-number');
    assertProblem(response, 400);
    assert.equal(response.body.errors[0].field, 'path.id');
  });

  test('a malformed If-Match is a 412, and unknown query parameters are refused by name', async () => {
    assertProblem(await admin.patch('/api/v1/organisations/ZZZ1', { name: 'x' }, { 'if-match': 'yesterday' }), 412);
    const response = await admin.get('/api/v1/organisations?colour=red');
    assertProblem(response, 400);
    assert.equal(response.body.errors[0].field, 'query.colour');
  });

  test('an unsigned request is a 401, a garbage token a 401, never a 500', async () => {
    assertProblem(await env.app.inject({ method: 'GET', url: '/api/v1/organisations' }).then((r) => ({ status: r.statusCode, headers: r.headers, body: r.json() })), 401);
    const garbage = await env.app.inject({ method: 'GET', url: '/api/v1/organisations', headers: { authorization: 'Bearer ' + 'x'.repeat(5000) } });
    assert.equal(garbage.statusCode, 401);
    const scheme = await env.app.inject({ method: 'GET', url: '/api/v1/organisations', headers: { authorization: 'Basic abc' } });
    assert.equal(scheme.statusCode, 401);
  });

  test('a NUL character, which PostgreSQL text cannot hold, is a 400 naming the field wherever it is', async () => {
    const before = await journalSize(env);
    const inBody = await admin.post('/api/v1/incidents', { title: 'Router\u0000down', organisationOdsCode: 'A81001' });
    assertProblem(inBody, 400);
    assert.deepEqual(inBody.body.errors, [{ field: 'title', message: 'must not contain the NUL character (U+0000)' }]);
    const nested = await admin.post('/api/v1/business-calendars', { name: 'x', timeZone: 'Europe/London', hours: {}, closures: [{ date: '2026-12-24', name: 'Eve\u0000' }] });
    assertProblem(nested, 400);
    assert.equal(nested.body.errors[0].field, 'closures.0.name');
    const inQuery = await admin.get('/api/v1/incidents?q=%00');
    assertProblem(inQuery, 400);
    assert.equal(inQuery.body.errors[0].field, 'query.q');
    assertProblem(await admin.get('/api/v1/organisations/A81%00'), 400);
    assert.equal(await journalSize(env), before, 'nothing written');
  });
  test('a JSON body value of the wrong type is refused naming the field, not converted; a query string is still read as text', async () => {
    const before = await journalSize(env);
    const numberTitle = await admin.post('/api/v1/incidents', { title: 123, organisationOdsCode: 'A81001' });
    assertProblem(numberTitle, 400);
    assert.deepEqual(numberTitle.body.errors.map((e: { field: string }) => e.field), ['title']);
    const textId = await admin.post('/api/v1/incidents', { title: 'Router down', organisationOdsCode: 'A81001', teamId: '1' });
    assertProblem(textId, 400);
    assert.deepEqual(textId.body.errors.map((e: { field: string }) => e.field), ['teamId']);
    assert.equal(await journalSize(env), before, 'nothing written');
    const listed = await admin.get('/api/v1/incidents?limit=5');
    assert.equal(listed.status, 200, 'a number in a query string is read from its text');
  });

  test('a value outside a fixed list is refused with the list, wherever it is', async () => {
    const grouped = await admin.get('/api/v1/sla-compliance?groupBy=team');
    assertProblem(grouped, 400);
    assert.deepEqual(grouped.body.errors, [{ field: 'query.groupBy', message: 'must be one of priority, definition' }]);
    const kind = await admin.post('/api/v1/organisations', { odsCode: 'ZZB01', name: 'Castle Surgery', kind: 'castle' });
    assertProblem(kind, 400);
    assert.match(kind.body.errors.find((e: { field: string }) => e.field === 'kind').message, /^must be one of network_provider, region, .*gp_practice, .*other$/);
  });

  test('a code of the wrong form is refused in words, never with the regular expression', async () => {
    const before = await journalSize(env);
    const definition = await admin.post('/api/v1/sla-definitions', {
      code: 'sla gold', name: 'Gold', kind: 'sla', recordType: 'incident', calendar: '24x7', targets: [{ priority: 'P1', resolutionMinutes: 240 }],
    });
    assertProblem(definition, 400);
    const message = 'must be 2 to 40 upper-case letters, digits and hyphens, not starting with a hyphen, like SLA-GOLD or FTTP-330';
    assert.deepEqual(definition.body.errors.filter((e: { field: string }) => e.field === 'code'), [{ field: 'code', message }]);
    assert.doesNotMatch(JSON.stringify(definition.body), /\^\[A-Z/, 'no regular expression');
    const product = await admin.post('/api/v1/products', { code: '-FTTP', name: 'Fibre', kind: 'connection', serviceClassCode: 'GOLD', requiresApproval: false });
    assert.deepEqual(product.body.errors.filter((e: { field: string }) => e.field === 'code'), [{ field: 'code', message }], 'the same form reads the same everywhere');
    assert.equal(await journalSize(env), before, 'nothing written');
  });

  test('a value of the wrong format is refused with an example of the right one, never the validator’s words', async () => {
    const before = await journalSize(env);
    const incident = await admin.post('/api/v1/incidents', { title: 'No connection', organisationOdsCode: 'ZZB01', callerEmail: 'not-an-email' });
    assertProblem(incident, 400);
    assert.deepEqual(incident.body.errors, [{ field: 'callerEmail', message: 'must be an e-mail address, like name@nhs.net' }]);
    const targets = await admin.post('/api/v1/sla-definitions', {
      code: 'WORDS', name: 'Words', kind: 'sla', recordType: 'incident', calendar: '24x7', warningFraction: 'half',
      targets: [{ priority: 'P1', resolutionMinutes: 30.5 }, { priority: 'P2', resolutionMinutes: 0 }],
    });
    assert.deepEqual(
      targets.body.errors,
      [
        { field: 'warningFraction', message: 'must be a number' },
        { field: 'targets.0.resolutionMinutes', message: 'must be a whole number' },
        { field: 'targets.1.resolutionMinutes', message: 'must be at least 1' },
      ],
      'numbers in words, the same for every client',
    );
    const compliance = await admin.get('/api/v1/sla-compliance?from=yesterday');
    assertProblem(compliance, 400);
    assert.doesNotMatch(JSON.stringify(compliance.body), /must match format/);
    assert.equal(await journalSize(env), before, 'nothing written');
  });

  test('a value that may take one of several shapes is refused for the shape it names, not for every other', async () => {
    const calendar = await admin.post('/api/v1/business-calendars', { name: 'shapes', hours: '24x7', closures: [{ kind: 'dates', from: '2026-12-24', to: '2026-12-31' }] });
    assertProblem(calendar, 400);
    assert.deepEqual(calendar.body.errors, [{ field: 'closures.0.title', message: 'is required' }], 'a dated closure without its title: nothing about a period’s start or end');
    const period = await admin.post('/api/v1/business-calendars', {
      name: 'shapes', hours: '24x7', closures: [{ kind: 'dates', from: '2026-12-24', to: '2026-12-31', title: 'Christmas' }, { kind: 'period', start: '2026-12-24T09:00:00Z', title: 'Training' }],
    });
    assert.deepEqual(period.body.errors, [{ field: 'closures.1.end', message: 'is required' }], 'each closure for its own shape');
    const division = await admin.post('/api/v1/business-calendars', { name: 'shapes', hours: '24x7', bankHolidays: 'wales' });
    assert.equal(division.body.errors.length, 1, JSON.stringify(division.body.errors));
    assert.match(division.body.errors[0].message, /^must be one of england-and-wales, scotland, northern-ireland/);
  });

  test('any JSON value posted to any create route gets a 4xx, never a 5xx, and writes nothing when refused', async () => {
    const creates = env.app.routeTable.filter((r) => r.method === 'POST' && !r.url.includes(':') && r.url !== '/api/v1/session');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...creates), fc.jsonValue({ maxDepth: 3 }), async (route, body) => {
        const before = await journalSize(env);
        const response = await admin.request('POST', route.url, JSON.stringify(body), { 'content-type': 'application/json' });
        assert.ok(response.status < 500, `${route.url} answered ${response.status} to ${JSON.stringify(body)}: ${JSON.stringify(response.body)}`);
        if (response.status >= 400) assert.equal(await journalSize(env), before);
      }),
      { numRuns: 150 },
    );
  });

  test('near-miss organisation bodies are refused field by field, never a 500', async () => {
    const field = fc.record(
      {
        odsCode: fc.oneof(fc.string({ maxLength: 14 }), fc.constantFrom('A81001', 'a81001', 'Y63', "'; drop table organisation; --"), fc.integer()),
        name: fc.oneof(fc.string({ maxLength: 300 }), fc.constant(null)),
        kind: fc.oneof(fc.constantFrom('gp_practice', 'trust', 'castle'), fc.string()),
        parentOdsCode: fc.oneof(fc.constantFrom('ZZZ99', null), fc.string({ maxLength: 14 })),
        openedOn: fc.oneof(fc.constantFrom('2019-02-30', '2019-13-01', '1974-04-01', 'yesterday'), fc.string({ maxLength: 12 })),
        closedOn: fc.constantFrom('1970-01-01', '2030-01-01', '2020-02-29'),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(field, async (body) => {
        const response = await admin.post('/api/v1/organisations', body);
        assert.ok(response.status < 500, `${response.status} for ${JSON.stringify(body)}: ${JSON.stringify(response.body)}`);
        if (response.status >= 400) assert.ok(response.body.errors?.length || response.body.detail, 'the refusal says why');
      }),
      { numRuns: 150 },
    );
  });
});
