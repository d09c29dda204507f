import { readFileSync } from 'node:fs';
import { summarize, type PhaseSummary } from './stats.ts';

export interface LoadOptions {
  /** Operations in flight at once (closed loop: each worker starts its next when one returns). */
  concurrency: number;
  /** Measured window. The slice ends at this time or at `maxOps`, whichever comes first. */
  durationMs: number;
  maxOps: number;
  /** Run (and discard) this long first, so JIT, plan caches and pools are warm. */
  warmupMs: number;
  /** Sequence number of the first operation; `op` gets a new one each call (warm-up included). */
  firstSeq: number;
}

/** The latency of every operation of one measured slice, in ms. */
export interface Sample {
  latencies: Float64Array;
  elapsedMs: number;
  /** Where the next slice's sequence should start, so that keys stay unique across slices. */
  nextSeq: number;
  /** CPU time the whole machine spent busy during the slice (every process: server, database, client), in ms. */
  machineCpuMs: number;
}

const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time the machine has spent busy since boot, in ms, from /proc/stat (NaN where there is no
 * /proc): what an operation costs in all, wherever it runs, when divided by the operations done.
 */
export function machineBusyMs(): number {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = cpu as [number, number, number, number, number, number, number, number];
    return ((user + nice + system + irq + softirq + steal) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/**
 * Drives `op` from `concurrency` workers and times every call. Any failure stops the slice and
 * is thrown: a benchmark that measures errors measures nothing.
 */
export async function runLoad(options: LoadOptions, op: (seq: number) => Promise<void>): Promise<Sample> {
  let seq = options.firstSeq;
  if (options.warmupMs > 0) {
    const warmEnd = performance.now() + options.warmupMs;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (performance.now() < warmEnd) await op(seq++);
      }),
    );
  }
  const latencies = new Float64Array(options.maxOps);
  let done = 0;
  let started = 0;
  const busyAtStart = machineBusyMs();
  const start = performance.now();
  const end = start + options.durationMs;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (started < options.maxOps && performance.now() < end) {
        started++;
        const t0 = performance.now();
        await op(seq++);
        latencies[done++] = performance.now() - t0;
      }
    }),
  );
  return { latencies: latencies.slice(0, done), elapsedMs: performance.now() - start, nextSeq: seq, machineCpuMs: machineBusyMs() - busyAtStart };
}

/** One summary over several slices: latencies pooled, throughput over their summed time. */
export function summarizeSamples(samples: Sample[]): PhaseSummary {
  const total = samples.reduce((n, s) => n + s.latencies.length, 0);
  const pooled = new Float64Array(total);
  let at = 0;
  for (const s of samples) {
    pooled.set(s.latencies, at);
    at += s.latencies.length;
  }
  return summarize(pooled, samples.reduce((ms, s) => ms + s.elapsedMs, 0), samples.reduce((ms, s) => ms + s.machineCpuMs, 0));
}
