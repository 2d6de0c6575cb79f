/**
 * The real-framework counts the GluonCV NASNet, GoogLeNet and GroupNorm ResNet stub tests rely on
 * (test/stubs/gluoncv-nas-counts.ts), recomputed in the oracle venv by
 * test/oracle/gluoncv_nas_counts.py. Skipped without the oracle venv, except under CI.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { NAS_COUNTS } from '../stubs/gluoncv-nas-counts';
import { oraclePython, REPO_ROOT } from './torch-oracle-run';
import { runOracle } from './oracle-cache';

const python = oraclePython();
const missing = 'oracle venv not found: run test/oracle/setup-venv.sh (or set ORACLE_PYTHON)';

describe('gluoncv NASNet / GoogLeNet / GroupNorm stubs: real-framework counts', { skip: !python && !process.env.CI ? missing : false }, () => {
  it('equal real Keras and PyTorch', { timeout: 300_000 }, () => {
    assert.ok(python, missing);
    const r = runOracle(python, [path.join(REPO_ROOT, 'test', 'oracle', 'gluoncv_nas_counts.py')], { encoding: 'utf8', timeout: 280_000 });
    assert.equal(r.status, 0, r.stderr.slice(-2000));
    assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!), NAS_COUNTS);
  });
});
