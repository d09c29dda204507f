#!/usr/bin/env node
// The test command: builds the web application when missing, prepares a migrated template
// database once (PGlite dump, or a PostgreSQL template database when DATABASE_URL is set),
// then runs every test file with Node's test runner; each file clones the template.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const run = (args, env = process.env) => spawnSync(process.execPath, args, { stdio: 'inherit', env });

// The browser tests drive Debian's Chromium (Playwright cannot download its own here).
if (!existsSync('/usr/bin/chromium')) {
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.log('Installing Debian chromium for the browser tests…');
    spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null'], { stdio: 'inherit' });
  } else {
    console.warn('Chromium is missing: install Debian package chromium (sudo apt-get install chromium) for the browser tests.');
  }
}

if (!existsSync('dist/web/index.html') || process.env.CI) {
  const built = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const prepared = spawnSync(process.execPath, ['--import', 'tsx', 'test/helpers/prepare-template.ts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (prepared.status !== 0) process.exit(prepared.status ?? 1);
const template = JSON.parse(prepared.stdout.trim().split('\n').pop());

function testFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}
const only = process.argv.slice(2);
const files = only.length ? only : testFiles('test').sort();

const env = { ...process.env, ...template.env, N3SP_LOG_LEVEL: 'silent' };
// A test that waits on itself (say, a transaction inside a transaction on PGlite's single
// connection) fails after ten minutes instead of hanging the run.
const result = run(['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=600000', '--test-reporter=spec', ...files], env);

spawnSync(process.execPath, ['--import', 'tsx', 'test/helpers/prepare-template.ts', '--drop'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
