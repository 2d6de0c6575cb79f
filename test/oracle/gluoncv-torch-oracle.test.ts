/**
 * The torch counts the GluonCV stub tests rely on (test/stubs/gluoncv-torch-counts.ts), recomputed
 * in real PyTorch with torchvision's networks that share GluonCV's layers
 * (test/oracle/gluoncv_torch_counts.py). Skipped without the oracle venv (or without torchvision
 * in it), except under CI.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { TORCH_COUNTS } from '../stubs/gluoncv-torch-counts';
import { oraclePython, REPO_ROOT } from './torch-oracle-run';
import { runOracle } from './oracle-cache';

const python = oraclePython();
const IMPORT_TORCHVISION = 'import torch.library; torch.library.register_fake = lambda *a, **k: (lambda f: f); import torchvision';
const hasTorchvision = !!python && runOracle(python, ['-c', IMPORT_TORCHVISION], { encoding: 'utf8' }).status === 0;
const missing = 'oracle venv with torchvision not found: run test/oracle/setup-venv.sh (or set ORACLE_PYTHON)';

describe('gluoncv stubs: torch counts', { skip: !hasTorchvision && !process.env.CI ? missing : false }, () => {
  it('equal real torch with running statistics', { timeout: 300_000 }, () => {
    assert.ok(hasTorchvision, missing);
    const r = runOracle(python!, [path.join(REPO_ROOT, 'test', 'oracle', 'gluoncv_torch_counts.py')], { encoding: 'utf8', timeout: 280_000 });
    assert.equal(r.status, 0, r.stderr.slice(-2000));
    assert.deepEqual(JSON.parse(r.stdout), TORCH_COUNTS);
  });
});
