import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where browser tests save their screenshots: docs/screenshots (shown by the README) when
 * N3SP_UPDATE_SCREENSHOTS=1, otherwise a temporary folder, so a test run changes no tracked file.
 */
export const SCREENSHOTS = process.env.N3SP_UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : join(tmpdir(), 'n3sp-screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });
