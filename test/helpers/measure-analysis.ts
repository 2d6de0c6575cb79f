/**
 * Lints one file in a fresh Node process, through the same pipeline as the CLI (host clock,
 * default budgets), and reports its time and peak memory. A process of its own gives an exact
 * peak RSS per input and turns a V8 out-of-memory abort into a failed measurement instead of
 * a dead test runner.
 *
 * Run as a script: `node measure-analysis.js FILE` prints one JSON `Measurement` line.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { LineIndex } from '../../server/src/engine/index';
import { lintText } from '../../server/src/host/lint';
import { loadParser } from '../../server/src/host/parser';

export interface Measurement {
  /** Wall-clock milliseconds of the lint itself (parser already loaded). */
  ms: number;
  /** Peak resident memory of the process minus its resident memory before the lint, in MB. */
  peakGrowthMb: number;
  truncated: boolean;
  internalError: string | null;
  diagnostics: { rule: string; line: number; message: string }[];
}

export interface MeasuredRun {
  measurement: Measurement | null;
  /** Exit status and stderr of the child, to explain a crash. */
  status: number | null;
  signal: string | null;
  stderr: string;
}

/** Measures `file` in a child process whose V8 heap is capped at `heapMb`. */
export function measureInChild(file: string, heapMb = 1024, timeoutMs = 120_000): MeasuredRun {
  const r = spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, __filename, file], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  const last = r.stdout?.trim().split('\n').pop() ?? '';
  let measurement: Measurement | null = null;
  try {
    measurement = r.status === 0 ? (JSON.parse(last) as Measurement) : null;
  } catch {
    measurement = null;
  }
  return { measurement, status: r.status, signal: r.signal, stderr: (r.stderr ?? '').slice(-2000) };
}

async function main(file: string): Promise<void> {
  const text = readFileSync(file, 'utf8');
  const parser = await loadParser('wasm');
  lintText(parser, 'x = 1\n');
  const baseKb = process.memoryUsage().rss / 1024;
  const t0 = performance.now();
  const r = lintText(parser, text);
  const ms = performance.now() - t0;
  const peakKb = process.resourceUsage().maxRSS;
  const lines = new LineIndex(text);
  const out: Measurement = {
    ms,
    peakGrowthMb: Math.max(0, peakKb - baseKb) / 1024,
    truncated: r.engine.truncated,
    internalError: r.engine.internalError ?? null,
    diagnostics: r.diagnostics.map((d) => ({ rule: d.rule, line: lines.lineOf(d.range.start) + 1, message: d.message })),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

if (require.main === module) void main(process.argv[2]);
