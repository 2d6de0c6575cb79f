/**
 * The PyTorch oracle: ≥1000 generated layer stacks plus hand-written cases, run through real
 * torch (in the oracle venv) and through shapelint end to end; shapes, parameter totals and
 * errors must agree. Without the venv the test fails under CI and is skipped elsewhere.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText } from '../../server/src/engine/index';
import { loadParser } from '../../server/src/host/parser';
import { generateTorchCases, type TorchCase } from './generate-torch';
import { COVERAGE_CASES, HAND_CASES, VALUES_CASES } from './torch-hand-cases';
import { compareCase, oraclePython, runTorchOracle } from './torch-oracle-run';

const GENERATED = 1200;

/** Cases whose disagreement is understood and reported (id → reason); keep this short. */
const KNOWN: Record<string, string> = {};

const python = oraclePython();
const missing = 'oracle venv not found: run test/oracle/setup-venv.sh (or set ORACLE_PYTHON)';

describe('torch oracle', { skip: !python && !process.env.CI ? missing : false }, () => {
  it('has its venv', () => assert.ok(python, missing));

  it(`agrees with torch on ${GENERATED} generated stacks and the hand-written cases`, { timeout: 300_000 }, async () => {
    assert.ok(python, missing);
    const cases: TorchCase[] = [...generateTorchCases(GENERATED), ...HAND_CASES, ...COVERAGE_CASES, ...VALUES_CASES];
    const results = runTorchOracle(python, cases.map(({ id, source }) => ({ id, source })));
    const parser = await loadParser('wasm');
    const bad: string[] = [];
    let agree = 0;
    let raised = 0;
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i];
      const o = results[i];
      assert.equal(o.id, c.id);
      if (o.error) raised++;
      const v = compareCase(analyzeText(parser, c.source), o, c.spans, c.lazy);
      if (v.ok) agree++;
      else if (!KNOWN[c.id]) bad.push(`${c.id}: ${v.reasons.join('; ')}\n${c.source}`);
    }
    console.log(`torch oracle: ${cases.length} cases (${raised} raise in torch), ${agree} agree, ${cases.length - agree} disagree (${Object.keys(KNOWN).length} known)`);
    assert.ok(raised > cases.length * 0.1, 'the generator must produce failing stacks');
    assert.equal(bad.length, 0, `${bad.length} disagreements:\n${bad.slice(0, 15).join('\n')}`);
  });
});
