/**
 * Runs the PyTorch oracle (test/oracle/torch_oracle.py) in the oracle venv, once per batch of
 * cases, and compares its results with shapelint's end-to-end analysis of the same sources.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { EngineResult } from '../../server/src/engine/index';
import { runOracle, withoutRepoRoot } from './oracle-cache';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** `ORACLE_PYTHON` overrides the interpreter; otherwise the venv setup-venv.sh creates. */
export function oraclePython(): string | null {
  const p = process.env.ORACLE_PYTHON ?? path.join(REPO_ROOT, '.oracle-venv', 'bin', 'python');
  return existsSync(p) ? p : null;
}

export interface OracleResult {
  id: string;
  shapes: (number[] | null)[];
  params: number | null;
  error: { type: string; message: string; phase: 'construct' | 'forward'; layer: number | null } | null;
}

/** Runs the oracle once for all cases (answers kept per machine, oracle-cache.ts). */
export function runTorchOracle(python: string, cases: { id: string; source: string }[]): OracleResult[] {
  return runOracleScript<OracleResult>(python, 'torch_oracle.py', 'torch', cases);
}

/**
 * Runs one oracle script of test/oracle on `input` in one Python process (the script reads the
 * input's JSON file, left in test-artifacts/oracle/ to run again by hand, and prints
 * `{results: [...]}`); answers are kept per machine (oracle-cache.ts). `reads`: texts the script
 * reads from files the input names.
 */
export function runOracleScript<R>(python: string, scriptName: string, prefix: string, input: unknown, options: { timeoutMs?: number; maxBuffer?: number; reads?: string[] } = {}): R[] {
  const json = JSON.stringify(input);
  const script = path.join(REPO_ROOT, 'test', 'oracle', scriptName);
  const dir = path.join(REPO_ROOT, 'test-artifacts', 'oracle');
  mkdirSync(dir, { recursive: true });
  // Named without the clone's path (an input may name a folder of it): the answer cache counts the name.
  const casesFile = path.join(dir, `${prefix}-cases-${createHash('sha256').update(withoutRepoRoot(json)).digest('hex').slice(0, 16)}.json`);
  writeFileSync(casesFile, json);
  const r = runOracle(python, [script, casesFile], { encoding: 'utf8', maxBuffer: options.maxBuffer ?? 256 * 1024 * 1024, timeout: options.timeoutMs ?? 300_000, reads: options.reads });
  if (r.status !== 0) throw new Error(`${scriptName} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout).results;
}

export interface Verdict {
  ok: boolean;
  reasons: string[];
}

function dimsText(d: unknown): string {
  return JSON.stringify(d);
}

/**
 * Compares one case. shapes: every layer torch ran must have the same output shape; params:
 * the totals must match (skipped for Lazy modules); errors: a diagnostic exists iff torch raised,
 * its message contains torch's, and it points into the constructor of the layer that raised.
 */
export function compareCase(res: EngineResult, oracle: OracleResult, spans: [number, number][], lazy: boolean): Verdict {
  const reasons: string[] = [];
  if (res.internalError) return { ok: false, reasons: [`internal error: ${res.internalError.split('\n')[0]}`] };
  const model = res.models[0];
  const constructErr = oracle.error?.phase === 'construct';
  if (!model && !constructErr) reasons.push('no model summary');
  if (model) {
    oracle.shapes.forEach((s, i) => {
      const got = model.layers[i]?.outputShape;
      const gotDims = got && !got.open ? got.dims : null;
      if (dimsText(gotDims) !== dimsText(s)) reasons.push(`shape of layer ${i}: torch ${dimsText(s)} shapelint ${dimsText(gotDims)}`);
    });
    if (!lazy && oracle.params !== null && model.totalParams !== oracle.params)
      reasons.push(`params: torch ${oracle.params} shapelint ${model.totalParams}`);
  }
  const errs = res.diagnostics.filter((d) => d.severity === 'error');
  if (!oracle.error && errs.length > 0) reasons.push(`spurious diagnostic: ${errs[0].message}`);
  if (oracle.error) {
    const want = oracle.error.message;
    const hit = errs.find((d) => d.message.includes(want));
    if (!hit) reasons.push(`missing error: torch "${want}" shapelint ${errs.length ? `"${errs[0].message}"` : 'none'}`);
    else if (oracle.error.layer !== null) {
      const span = spans[oracle.error.layer];
      const inLayer = span && hit.range.start >= span[0] && hit.range.end <= span[1];
      const related = hit.related.some((r) => span && r.range.start >= span[0] && r.range.end <= span[1]);
      if (!inLayer && !related) reasons.push(`error location: torch layer ${oracle.error.layer}, diagnostic at ${hit.range.start}-${hit.range.end}`);
    }
  }
  return { ok: reasons.length === 0, reasons };
}
