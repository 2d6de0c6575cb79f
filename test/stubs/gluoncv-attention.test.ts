/**
 * gluoncv.model_zoo Residual Attention Networks (server/stubs/gluoncv/model_zoo/residual_attentionnet.py)
 * against their per-layer formulas (gluoncv-attention-counts.ts), the paper's sizes, and the image
 * sizes that run, which real PyTorch confirms on the same layers (test/oracle/gluoncv-attention-oracle.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatShape } from '../../server/src/engine/index';
import { analyzeWithStub } from '../helpers/stubs';
import { ATTENTION_CASES, ATTENTION_PUBLISHED_M, ATTENTION_RUN_SIZES, residualAttention } from './gluoncv-attention-counts';

async function build(name: string, input: string, kwargs = '') {
  const snippet = `import mxnet as mx\nnet = get_model('${name}'${kwargs})\nout = net(mx.nd.zeros(${input}))\n`;
  const { program, result } = await analyzeWithStub('gluoncv.model_zoo', snippet);
  assert.equal(result.internalError, undefined, result.internalError);
  const models = result.models.filter((m) => m.range.start >= program.snippetStart);
  const out = result.tensors.find((t) => t.name === 'out' && t.range.start >= program.snippetStart);
  return { messages: result.diagnostics.map((d) => d.message), models, output: out && formatShape(out.shape) };
}

describe('gluoncv Residual Attention Networks: parameters by formula', () => {
  for (const [name, params, input, output] of ATTENTION_CASES) {
    it(`${name}: ${params.toLocaleString('en')} parameters`, async () => {
      const got = await build(name, input);
      assert.deepEqual(got.messages, []);
      // One model per get_model call: the stub's blocks are its layers, not models of their own.
      assert.deepEqual(got.models.map((m) => [m.name, m.totalParams]), [['net', params]]);
      assert.equal(got.output, output);
    });
  }
  it('classes= sizes the 1x1 classifier', async () => {
    const got = await build('cifar_residualattentionnet56', '(2, 3, 32, 32)', ', classes=100');
    assert.deepEqual(got.models.map((m) => m.totalParams), [residualAttention(56, true, 100)]);
    assert.equal(got.output, '(2, 100)');
  });
});

describe('gluoncv Residual Attention Networks: the paper', () => {
  it('Attention-56 rounds to the published 31.9M', () => {
    assert.equal(Math.round(residualAttention(56, false, 1000) / 1e5) / 10, ATTENTION_PUBLISHED_M.residualattentionnet56);
  });
  // GluonCV's Attention-92 (1, 2, 3 modules per stage, as the paper describes it) has 52.6M: the
  // paper's 51.3M is 2.5% less, a difference of its own implementation this test bounds.
  it('Attention-92 is within 3% of the published 51.3M', () => {
    const published = ATTENTION_PUBLISHED_M.residualattentionnet92 * 1e6;
    const ratio = residualAttention(92, false, 1000) / published;
    assert.ok(ratio > 1 && ratio < 1.03, `${ratio}`);
  });
});

describe('gluoncv Residual Attention Networks: fixed resize sizes', () => {
  // The mask branches resize to fixed sizes, so only the sizes the networks are built for run;
  // any other size fails at the first element-wise addition of a resized map, MXNet's wording.
  for (const [name, sizes] of Object.entries(ATTENTION_RUN_SIZES)) {
    for (const [size, message] of sizes) {
      it(`${name} on ${size}x${size}`, async () => {
        const got = await build(name, `(1, 3, ${size}, ${size})`);
        assert.deepEqual(got.messages, message ? [message] : []);
      });
    }
  }
});
