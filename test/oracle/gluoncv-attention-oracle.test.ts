/**
 * GluonCV's Residual Attention Networks rebuilt in real PyTorch (test/oracle/gluoncv_attention_oracle.py):
 * their parameter counts with running statistics equal the formulas the stub tests use
 * (test/stubs/gluoncv-attention-counts.ts), and the image sizes that run are the ones the stub
 * tests expect. Skipped without the oracle venv, except under CI.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ATTENTION_CASES, ATTENTION_RUN_SIZES } from '../stubs/gluoncv-attention-counts';
import { oraclePython, REPO_ROOT } from './torch-oracle-run';
import { runOracle } from './oracle-cache';

const python = oraclePython();
const missing = 'oracle venv not found: run test/oracle/setup-venv.sh (or set ORACLE_PYTHON)';

describe('gluoncv Residual Attention Networks in real torch', { skip: !python && !process.env.CI ? missing : false }, () => {
  it('count the formulas and run at the same sizes', { timeout: 300_000 }, () => {
    assert.ok(python, missing);
    const r = runOracle(python, [path.join(REPO_ROOT, 'test', 'oracle', 'gluoncv_attention_oracle.py')], { encoding: 'utf8', timeout: 280_000 });
    assert.equal(r.status, 0, r.stderr.slice(-2000));
    const got = JSON.parse(r.stdout) as { counts: Record<string, number>; runs: Record<string, number[]> };
    assert.deepEqual(got.counts, Object.fromEntries(ATTENTION_CASES.map(([name, params]) => [name, params])));
    // Every size the stub tests try is among the oracle's; the sizes that run agree.
    for (const [name, sizes] of Object.entries(ATTENTION_RUN_SIZES)) {
      const runs = sizes.filter(([, message]) => message === '').map(([size]) => size);
      assert.deepEqual(got.runs[name].filter((s) => sizes.some(([size]) => size === s)), runs, name);
    }
  });
});
