import { cpus, totalmem, release } from 'node:os';
import type { BenchResult, Figure } from './benchmark.ts';

export function ratioOf(f: Figure): number {
  return f.value / f.baseline;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-GB');
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

function rows(result: BenchResult): string[][] {
  return result.figures.map((f) => [`${f.label} (${f.unit})`, fmt(f.value), fmt(f.baseline), `${ratioOf(f).toFixed(2)}×`, f.better === 'higher' ? 'higher' : 'lower']);
}

const HEADER = ['figure', 'n3sp', 'baseline', 'ratio', 'better'];

/** The table for the terminal, columns aligned. */
export function textTable(result: BenchResult): string {
  const all = [HEADER, ...rows(result)];
  const widths = HEADER.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...rows(result).map(line)].join('\n');
}

export function markdownTable(result: BenchResult): string {
  const md = (r: string[]) => `| ${r.join(' | ')} |`;
  return [md(HEADER), md(HEADER.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows(result).map(md)].join('\n');
}

export function machine() {
  const cpu = cpus();
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    os: `${process.platform} ${release()}`,
    node: process.version,
  };
}

export function machineLine(m: ReturnType<typeof machine>): string {
  return `${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, ${m.os}, Node ${m.node}`;
}
