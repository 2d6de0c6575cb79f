/**
 * docs/coverage.md's MXNet section is generated from the committed MXNet 1.9.1 list
 * (mxnet-api.json, transcribed from MXNet's source) and the catalogue; this keeps it current.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { COVERAGE_DOC, mxnetCoverage, mxnetCoverageMarkdown, mxnetSection, mxnetShapeChangingPercent, readMxnetApi } from './mxnet-coverage';

const REGENERATE = 'regenerate with: npx tsc -p tsconfig.json && node out/test/oracle/mxnet-coverage.js';

describe('mxnet coverage', () => {
  it('docs/coverage.md matches the catalogue and the committed MXNet list', () => {
    assert.equal(mxnetSection(readFileSync(COVERAGE_DOC, 'utf8')), mxnetCoverageMarkdown(readMxnetApi()), `docs/coverage.md is stale; ${REGENERATE}`);
  });

  it('covers at least 95% of the shape-changing blocks and operators', () => {
    assert.ok(mxnetShapeChangingPercent(mxnetCoverage(readMxnetApi())) >= 95);
  });

  it('covers every same-shape block and operator as a family', () => {
    const missing = mxnetCoverage(readMxnetApi()).lists.flatMap((l) => l.rows).filter((r) => r.kind === 'same-shape' && !r.covered).map((r) => r.name);
    assert.deepEqual(missing, []);
  });

  it('names every operator the issue asks for', () => {
    const ops = new Set(readMxnetApi().ops);
    for (const n of ['LRN', 'slice', 'slice_axis', 'crop', 'SwapAxis', 'expand_dims', 'split', 'SliceChannel', 'tile', 'repeat', 'pad', 'UpSampling', 'Deconvolution', 'Embedding', 'RNN', 'SequenceMask', 'SequenceLast', 'SequenceReverse', 'L2Normalization', 'InstanceNorm', 'LayerNorm', 'SoftmaxOutput', 'LinearRegressionOutput', 'LogisticRegressionOutput', 'MAERegressionOutput', 'SVMOutput']) {
      assert.ok(ops.has(n), n);
    }
  });
});
