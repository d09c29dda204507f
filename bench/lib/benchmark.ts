import type { Engine } from '../../src/core/db/database.ts';

/** What every benchmark module in bench/ exports as its default. */
export interface Benchmark {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}

export interface BenchContext {
  engine: Engine;
  /** Measured seconds per phase (each phase also gets a warm-up of its own). */
  durationS: number;
  concurrency: number;
  /** Base URL of the PostgreSQL server; benchmarks create and drop scratch databases on it. */
  postgresUrl: string;
  log(message: string): void;
  /** Registers clean-up (drop a scratch database, stop a process) run even on failure or Ctrl-C. */
  onCleanup(fn: () => Promise<void>): void;
}

/**
 * One line of the printed table: a figure of n3sp beside the same figure of the baseline
 * measured in the same run. The ratio is figure ÷ baseline.
 */
export interface Figure {
  label: string;
  unit: string;
  value: number;
  baseline: number;
  /** Which way is better, so the reader knows whether a ratio above 1 is good or bad. */
  better: 'higher' | 'lower';
}

export interface BenchResult {
  /** What the baseline is, in one line (printed under the table). */
  baseline: string;
  figures: Figure[];
  /** Further observations without a baseline (e.g. how far the audit chain lagged). */
  notes: string[];
  /** Everything measured, for the JSON file. */
  details: Record<string, unknown>;
}
