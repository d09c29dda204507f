// Writes the OpenAPI document that the routes' schemas generate to docs/openapi.json, so that a
// reviewer sees API changes in the diff. A test fails when the committed copy is stale.
import { writeFileSync } from 'node:fs';
import { generateOpenApi } from '../src/core/http/openapi-document.ts';

const file = new URL('../docs/openapi.json', import.meta.url);
writeFileSync(file, await generateOpenApi());
console.log(`wrote ${file.pathname}`);
