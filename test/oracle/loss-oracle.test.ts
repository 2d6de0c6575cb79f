/**
 * The loss oracle: seeded random (output shape, target shape, loss, dtype) cases per framework,
 * run in real PyTorch and real Keras 3 (one Python process per framework) and through shapelint
 * end to end. They must agree on every case: raise (an error diagnostic of `target-mismatch`,
 * with the framework's own message), warn (a warning) or pass (nothing). Without the venv the
 * test fails under CI and is skipped elsewhere.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeText } from '../../server/src/engine/index';
import { loadParser } from '../../server/src/host/parser';
import { kerasLossCases, torchLossCases, type LossCase } from './loss-cases';
import { oraclePython, REPO_ROOT } from './torch-oracle-run';

const CASES = 600;

interface Outcome {
  id: string;
  outcome: 'raise' | 'warn' | 'pass';
  message: string;
}

function runLossOracle(python: string, cases: LossCase[]): Outcome[] {
  const input = JSON.stringify(cases);
  const script = path.join(REPO_ROOT, 'test', 'oracle', 'loss_oracle.py');
  const key = createHash('sha256').update(input).update(readFileSync(script)).digest('hex').slice(0, 16);
  const dir = path.join(REPO_ROOT, 'test-artifacts', 'oracle');
  const cache = path.join(dir, `loss-${key}.json`);
  if (existsSync(cache)) return JSON.parse(readFileSync(cache, 'utf8')).results;
  mkdirSync(dir, { recursive: true });
  const casesFile = path.join(dir, `loss-cases-${key}.json`);
  writeFileSync(casesFile, input);
  const r = spawnSync(python, [script, casesFile], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
  if (r.status !== 0) throw new Error(`loss oracle failed (${r.status}): ${r.stderr.slice(-2000)}`);
  writeFileSync(cache, r.stdout);
  return JSON.parse(r.stdout).results;
}

/** Messages compared exactly, except where a backend's wording carries more than shapes (TensorFlow op names). */
function sameMessage(engine: string, framework: string): boolean {
  if (engine.startsWith('Incompatible shapes:')) return framework.includes(engine);
  return engine === framework;
}

const python = oraclePython();
const missing = 'oracle venv not found: run test/oracle/setup-venv.sh (or set ORACLE_PYTHON)';

describe('loss oracle', { skip: !python && !process.env.CI ? missing : false }, () => {
  for (const [framework, make] of [['torch', () => torchLossCases(CASES)], ['keras', () => kerasLossCases(CASES)]] as const) {
    it(`agrees with ${framework} on ${CASES} random (output, target, loss, dtype) cases`, { timeout: 600_000 }, async () => {
      assert.ok(python, missing);
      const cases = make();
      const results = runLossOracle(python, cases);
      const parser = await loadParser('wasm');
      const bad: string[] = [];
      const counts = { raise: 0, warn: 0, pass: 0 };
      for (let i = 0; i < cases.length; i++) {
        const [c, o] = [cases[i], results[i]];
        assert.equal(o.id, c.id);
        counts[o.outcome]++;
        const found = analyzeText(parser, c.source, { kerasVersions: ['keras3'] }).diagnostics.filter((d) => d.rule === 'target-mismatch');
        const mine = found.length === 0 ? 'pass' : found[0].severity === 'warning' ? 'warn' : 'raise';
        const fitCase = c.id.includes('fit');
        const messageOk = mine === 'pass' || fitCase || sameMessage(found[0].message, o.message);
        if (mine !== o.outcome || !messageOk || found.length > 1) {
          bad.push(`${c.id}: ${framework} ${o.outcome} "${o.message}", shapelint ${mine} "${found.map((d) => d.message).join(' | ')}"\n${c.source}`);
        }
      }
      console.log(`${framework} loss oracle: ${cases.length} cases (${counts.raise} raise, ${counts.warn} warn, ${counts.pass} pass), ${bad.length} disagree`);
      assert.ok(counts.raise > cases.length * 0.2 && counts.pass > cases.length * 0.1, 'the generator must produce both failing and passing cases');
      assert.equal(bad.length, 0, `${bad.length} disagreements:\n${bad.slice(0, 12).join('\n')}`);
    });
  }
});
