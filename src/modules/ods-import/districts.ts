import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDistricts, type Location } from '../../domain/ods.ts';

/**
 * The postcode districts sites are located from: the published file (header row
 * `id,outcode,latitude,longitude`), a copy of which ships in resources/ so that an upload through
 * the API can be located without a path on the server; N3SP_POSTCODE_DISTRICTS names another.
 */
export const DEFAULT_DISTRICTS_FILE = fileURLToPath(new URL('../../../resources/postcode-outcodes.csv', import.meta.url));

const cache = new Map<string, Map<string, Location>>();

export function loadDistricts(file = process.env.N3SP_POSTCODE_DISTRICTS || DEFAULT_DISTRICTS_FILE): Map<string, Location> {
  let districts = cache.get(file);
  if (!districts) {
    districts = parseDistricts(readFileSync(file, 'latin1'));
    cache.set(file, districts);
  }
  return districts;
}
