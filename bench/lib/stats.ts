/** Latency and throughput of one measured phase. Latencies are in milliseconds. */
export interface PhaseSummary {
  ops: number;
  elapsedMs: number;
  /** Completed operations per second over the measured window. */
  throughput: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** The machine's CPU time (all processes) per completed operation, in ms; NaN when not measured. */
  machineCpuMsPerOp: number;
}

/** The q-quantile (0..1) of sorted values, by the nearest-rank method. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(latencies: Float64Array, elapsedMs: number, machineCpuMs = NaN): PhaseSummary {
  const sorted = Float64Array.from(latencies).sort();
  let total = 0;
  for (const v of sorted) total += v;
  return {
    ops: sorted.length,
    elapsedMs,
    throughput: sorted.length / (elapsedMs / 1000),
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
    mean: sorted.length ? total / sorted.length : NaN,
    machineCpuMsPerOp: sorted.length ? machineCpuMs / sorted.length : NaN,
  };
}

export const MB = 1024 * 1024;

