// What the API benchmarks share: phases measured in alternating slices of each side (ABBA), the
// figures every phase reports, and the audit chain checked after the writes.
import type { BenchContext, Figure } from './benchmark.ts';
import { summarizeSamples, type LoadOptions, type Sample } from './load.ts';
import { MB, type PhaseSummary } from './stats.ts';
import type { Worker } from './worker.ts';

/** One side of a phase: runs a slice of load and returns its sample. */
export type Side = (load: LoadOptions) => Promise<Sample>;

export interface Slicing {
  durationMs: number;
  warmupMs: number;
  slices: number;
}

/** `--duration` split into an even number of slices of about 2 s or more, after a warm-up of 1–3 s per side. */
export function slicingOf(ctx: BenchContext): Slicing {
  const durationMs = ctx.durationS * 1000;
  return { durationMs, warmupMs: Math.min(3000, Math.max(1000, durationMs / 5)), slices: 2 * Math.max(1, Math.round(ctx.durationS / 4)) };
}

/**
 * Runs one phase: each side in turn for a slice, the order reversed every other slice (A B, B A,
 * …), so that whatever else the machine is doing falls on all sides alike; each side carries on
 * its own sequence from slice to slice, and its latencies are pooled over the slices.
 */
export async function runAbba(ctx: BenchContext, slicing: Slicing, maxOps: number, sides: Record<string, Side>): Promise<Record<string, PhaseSummary>> {
  const names = Object.keys(sides);
  const samples = new Map<string, Sample[]>(names.map((n) => [n, []]));
  const seq = new Map<string, number>(names.map((n) => [n, 0]));
  for (let slice = 0; slice < slicing.slices; slice++) {
    for (const name of slice % 2 === 0 ? names : [...names].reverse()) {
      const sample = await sides[name]!({
        concurrency: ctx.concurrency,
        durationMs: slicing.durationMs / slicing.slices,
        maxOps: Math.ceil(maxOps / slicing.slices),
        warmupMs: slice === 0 ? slicing.warmupMs : 0,
        firstSeq: seq.get(name)!,
      });
      samples.get(name)!.push(sample);
      seq.set(name, sample.nextSeq);
    }
  }
  return Object.fromEntries(names.map((n) => [n, summarizeSamples(samples.get(n)!)]));
}

export function logPhase(ctx: BenchContext, kind: string, summaries: Record<string, PhaseSummary>): void {
  for (const [who, p] of Object.entries(summaries)) {
    ctx.log(`${kind}: ${who.padEnd(8)} ${p.throughput.toFixed(0)}/s, p50 ${p.p50.toFixed(2)} ms, p99 ${p.p99.toFixed(2)} ms, machine CPU ${p.machineCpuMsPerOp.toFixed(3)} ms/op`);
  }
}

/** Throughput, p50 and p99 of n3sp's side beside the baseline's. */
export function phaseFigures(label: string, n3sp: PhaseSummary, baseline: PhaseSummary): Figure[] {
  return [
    { label: `${label}: throughput`, unit: 'req/s', value: n3sp.throughput, baseline: baseline.throughput, better: 'higher' },
    { label: `${label}: p50`, unit: 'ms', value: n3sp.p50, baseline: baseline.p50, better: 'lower' },
    { label: `${label}: p99`, unit: 'ms', value: n3sp.p99, baseline: baseline.p99, better: 'lower' },
  ];
}

type Memory = { rss: number; peakRss: number };

/** The server's and the baseline process's resident memory after start and at its peak. */
export async function memoryOf(server: Worker, baseline: Worker): Promise<{ server: Memory; baseline: Memory }> {
  return { server: await server.call<Memory>('memory'), baseline: await baseline.call<Memory>('memory') };
}

export function memoryFigures(idle: { server: Memory; baseline: Memory }, peak: { server: Memory; baseline: Memory }): Figure[] {
  return [
    { label: 'resident memory, idle after start', unit: 'MB', value: idle.server.rss / MB, baseline: idle.baseline.rss / MB, better: 'lower' },
    { label: 'resident memory, peak under load', unit: 'MB', value: peak.server.peakRss / MB, baseline: peak.baseline.peakRss / MB, better: 'lower' },
  ];
}

/** Waits, at most a minute, until the server's journal is chained; returns how long it took. A chainer that never catches up is a finding, not a reason to hang. */
export async function drainChain(server: Worker): Promise<number> {
  const t0 = performance.now();
  while ((await server.call<number>('unchained')) > 0 && performance.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20));
  return performance.now() - t0;
}

/** `audit verify` on the server's database after the run; a break fails the benchmark. */
export async function verifyAfterRun(server: Worker): Promise<{ ok: boolean; checked: number; unchained: number; ms: number }> {
  const t0 = performance.now();
  const verdict = await server.call<{ ok: boolean; checked: number; unchained: number; firstBreak?: unknown }>('verify');
  const ms = performance.now() - t0;
  if (!verdict.ok) throw new Error(`the audit chain does not verify after the run: ${JSON.stringify(verdict.firstBreak)}`);
  return { ...verdict, ms };
}
