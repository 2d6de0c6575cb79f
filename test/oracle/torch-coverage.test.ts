/**
 * docs/coverage.md is generated from the committed list of PyTorch's API (torch-api.json) and
 * the catalogue; this keeps it current without python. With the oracle venv, the committed list
 * must also equal what the installed torch exports (run torch_api.py to refresh it).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { API_JSON, COVERAGE_MD, coverageMarkdown, readApi, REPO, shapeChangingPercent, torchCoverage, torchSection } from './torch-coverage';
import { oraclePython } from './torch-oracle-run';
import { runOracle } from './oracle-cache';

const REGENERATE = 'regenerate with: npx tsc -p tsconfig.json && node out/test/oracle/torch-coverage.js';

describe('torch coverage', () => {
  it('docs/coverage.md matches the catalogue and the committed torch API list', () => {
    assert.equal(torchSection(readFileSync(COVERAGE_MD, 'utf8')), coverageMarkdown(readApi()), `docs/coverage.md is stale; ${REGENERATE}`);
  });

  it('covers at least 95% of the shape-changing modules, functions and tensor ops', () => {
    assert.ok(shapeChangingPercent(torchCoverage(readApi())) >= 95);
  });

  it('covers every same-shape module and function as a family', () => {
    const c = torchCoverage(readApi());
    const missing = [...c.modules, ...c.functional].filter((r) => r.kind === 'same-shape' && !r.covered).map((r) => r.name);
    assert.deepEqual(missing, []);
  });

  const python = oraclePython();
  it('the committed list is what the installed torch exports', { skip: !python && !process.env.CI ? 'oracle venv not found' : false }, () => {
    assert.ok(python, 'oracle venv not found: run test/oracle/setup-venv.sh');
    const r = runOracle(python, [path.join(REPO, 'test', 'oracle', 'torch_api.py')], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), JSON.parse(readFileSync(API_JSON, 'utf8')), `refresh: python test/oracle/torch_api.py > test/oracle/torch-api.json, then ${REGENERATE}`);
  });
});
