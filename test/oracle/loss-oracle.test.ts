/**
 * The loss oracle: seeded random (output shape, target shape, loss, dtype) cases per framework,
 * run in real PyTorch and real Keras 3 (one Python process per framework) and through shapelint
 * end to end. They must agree on every case: raise (an error diagnostic of `target-mismatch`,
 * with the framework's own message), warn (a warning) or pass (nothing). Without the venv the
 * test fails under CI and is skipped elsewhere.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText } from '../../server/src/engine/index';
import { loadParser } from '../../server/src/host/parser';
import { kerasLossCases, torchLossCases } from './loss-cases';
import { oraclePython, runOracleScript } from './torch-oracle-run';

const CASES = 600;

interface Outcome {
  id: string;
  outcome: 'raise' | 'warn' | 'pass';
  message: string;
}

/** Messages compared exactly, except for TensorFlow's op and node names around the shapes. */
function sameMessage(engine: string, framework: string): boolean {
  if (engine.startsWith('Incompatible shapes:')) return framework.includes(engine);
  if (engine.startsWith('Dimensions must be equal')) {
    const [head, tail] = engine.split(" for '{{node compile_loss/…/sub}}'");
    return framework.startsWith(head) && framework.endsWith(tail);
  }
  return engine === framework;
}

const python = oraclePython();
const missing = 'oracle venv not found: run test/oracle/setup-venv.sh (or set ORACLE_PYTHON)';

describe('loss oracle', { skip: !python && !process.env.CI ? missing : false }, () => {
  for (const [framework, make] of [['torch', () => torchLossCases(CASES)], ['keras', () => kerasLossCases(CASES)]] as const) {
    it(`agrees with ${framework} on ${CASES} random (output, target, loss, dtype) cases`, { timeout: 600_000 }, async () => {
      assert.ok(python, missing);
      const cases = make();
      const results = runOracleScript<Outcome>(python, 'loss_oracle.py', 'loss', cases);
      const parser = await loadParser('wasm');
      const bad: string[] = [];
      const counts = { raise: 0, warn: 0, pass: 0 };
      for (let i = 0; i < cases.length; i++) {
        const [c, o] = [cases[i], results[i]];
        assert.equal(o.id, c.id);
        counts[o.outcome]++;
        const found = analyzeText(parser, c.source, { kerasVersions: ['keras3'] }).diagnostics.filter((d) => d.rule === 'target-mismatch');
        const mine = found.length === 0 ? 'pass' : found[0].severity === 'warning' ? 'warn' : 'raise';
        const messageOk = mine === 'pass' || sameMessage(found[0].message, o.message);
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
