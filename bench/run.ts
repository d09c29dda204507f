// The benchmark runner: `npm run bench -- NAME [--engine pglite|postgres] [--duration S] [--concurrency N]`.
// With no NAME it lists the benchmarks: every module in bench/ whose default export is a Benchmark.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import type { Benchmark, BenchContext } from './lib/benchmark.ts';
import { machine, machineLine, markdownTable, ratioOf, textTable } from './lib/report.ts';
import { postgresVersion } from './lib/databases.ts';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const DEFAULT_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

function pgliteVersion(): string {
  const file = new URL('../node_modules/@electric-sql/pglite/package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

async function benchmarks(): Promise<Benchmark[]> {
  const files = readdirSync(BENCH_DIR).filter((f) => f.endsWith('.ts') && f !== 'run.ts');
  const found: Benchmark[] = [];
  for (const file of files.sort()) {
    const module = (await import(join(BENCH_DIR, file))) as { default?: Benchmark };
    if (module.default?.name && typeof module.default.run === 'function') found.push(module.default);
  }
  return found;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    engine: { type: 'string', default: process.env.DATABASE_URL ? 'postgres' : 'pglite' },
    duration: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '16' },
    help: { type: 'boolean', short: 'h' },
  },
});

const all = await benchmarks();
const name = positionals[0];
if (!name || values.help) {
  console.log('usage: npm run bench -- NAME [--engine pglite|postgres] [--duration S] [--concurrency N]\n');
  console.log('benchmarks:');
  for (const b of all) console.log(`  ${b.name.padEnd(16)} ${b.description}`);
  console.log(`\nOn postgres, scratch databases are created and dropped on DATABASE_URL's server (default ${DEFAULT_POSTGRES}).`);
  process.exit(0);
}
const benchmark = all.find((b) => b.name === name);
if (!benchmark) {
  console.error(`no benchmark named ${name}; run without a name to list them`);
  process.exit(2);
}
const engine = values.engine;
if (engine !== 'pglite' && engine !== 'postgres') {
  console.error('--engine must be pglite or postgres');
  process.exit(2);
}
const durationS = Number(values.duration);
const concurrency = Number(values.concurrency);
if (!(durationS > 0 && durationS <= 600) || !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 256)) {
  console.error('--duration must be 1..600 seconds and --concurrency 1..256');
  process.exit(2);
}

const cleanups: Array<() => Promise<void>> = [];
const cleanUp = async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn().catch((e: unknown) => console.error('clean-up failed:', e));
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().then(() => process.exit(130)));

const ctx: BenchContext = {
  engine,
  durationS,
  concurrency,
  postgresUrl: process.env.DATABASE_URL || DEFAULT_POSTGRES,
  log: (message) => console.log(`  · ${message}`),
  onCleanup: (fn) => cleanups.push(fn),
};

const host = machine();
const database = engine === 'postgres' ? await postgresVersion(ctx.postgresUrl) : `PGlite ${pgliteVersion()}`;
console.log(`${benchmark.name} on ${database}, ${concurrency} concurrent, ${durationS} s per phase`);
console.log(`machine: ${machineLine(host)}\n`);

const startedAt = new Date();
const loadAtStart = loadavg()[0]!;
let result;
try {
  result = await benchmark.run(ctx);
} finally {
  await cleanUp();
}

const loadAtEnd = loadavg()[0]!;
// Other work on the machine shows here; the interleaved baseline is what keeps the ratio honest.
const loadLine = `1-minute load average ${loadAtStart.toFixed(1)} at the start, ${loadAtEnd.toFixed(1)} at the end (${host.cpus} cores).`;
console.log(`\n${textTable(result)}\n`);
console.log(`ratio = n3sp ÷ baseline. Baseline: ${result.baseline}`);
for (const note of result.notes) console.log(`- ${note}`);
console.log(`- ${loadLine}`);

const date = startedAt.toISOString().slice(0, 10);
const snippet = [
  `### ${benchmark.name} — ${engine} (${date})`,
  '',
  `${database}; ${concurrency} concurrent; ${durationS} s per phase; ${machineLine(host)}.`,
  `Baseline: ${result.baseline}`,
  '',
  markdownTable(result),
  '',
  ...result.notes.map((n) => `- ${n}`),
  `- ${loadLine}`,
].join('\n');
console.log(`\n--- markdown for docs/performance.md ---\n${snippet}\n---`);

const resultsDir = join(BENCH_DIR, 'results');
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, `${benchmark.name}-${engine}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(
  file,
  JSON.stringify(
    {
      benchmark: benchmark.name,
      engine,
      database,
      startedAt: startedAt.toISOString(),
      concurrency,
      durationS,
      machine: host,
      loadAverage: { start: loadAtStart, end: loadAtEnd },
      baseline: result.baseline,
      figures: result.figures.map((f) => ({ ...f, ratio: ratioOf(f) })),
      notes: result.notes,
      details: result.details,
    },
    null,
    2,
  ) + '\n',
);
console.log(`results written to ${file}`);
