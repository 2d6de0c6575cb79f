/**
 * Runs the Keras oracle (test/oracle/keras_oracle.py) in the oracle venv: one Python process for
 * a batch of `{ id, source }` cases, each source defining `model`.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { runOracle } from './oracle-cache';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const venv = process.env.ORACLE_VENV ?? path.join(REPO_ROOT, '.oracle-venv');
export const KERAS_PYTHON = path.join(venv, 'bin', 'python');

export function kerasVenvMissing(): string | null {
  if (existsSync(KERAS_PYTHON)) return null;
  return `keras oracle venv missing (${path.relative(REPO_ROOT, venv)}); run test/oracle/setup-venv.sh`;
}

/** One layer's output shape; a (nested) list of shapes for layers returning several tensors. */
export type OracleShape = (number | null)[] | OracleShape[];

export interface OracleLayer { cls: string; output: OracleShape; params: number }
export interface OracleResult {
  id: number | string;
  layers?: OracleLayer[];
  total?: number;
  error?: string;
  errorType?: string;
  errorLayer?: number | null;
}

export function runKerasOracle(cases: { id: number | string; source: string }[]): OracleResult[] {
  const script = path.join(REPO_ROOT, 'test', 'oracle', 'keras_oracle.py');
  const res = runOracle(KERAS_PYTHON, [script], {
    input: JSON.stringify(cases),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 150_000,
    env: { ...process.env, KERAS_BACKEND: 'tensorflow' },
  });
  assert.equal(res.status, 0, `keras oracle failed: ${res.stderr?.slice(-2000)}`);
  return (JSON.parse(res.stdout) as { results: OracleResult[] }).results;
}

/** Keras numbers layers per class across the process: compare messages without the names. */
export function normalizeKerasMessage(msg: string): string {
  return msg.replace(/layer '[A-Za-z0-9_]+'/g, "layer '…'").replace(/path='[A-Za-z0-9_/]+\/kernel'/g, "path='…/kernel'");
}
