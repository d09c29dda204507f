import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateOpenApi } from '../../src/core/http/openapi-document.ts';

test('docs/openapi.json is the document the routes generate (run `npm run openapi` after changing a route)', async () => {
  const committed = readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8');
  assert.ok(committed === (await generateOpenApi()), 'docs/openapi.json is stale: run npm run openapi and commit it');
});
