/**
 * Every mxnet.gluon.model_zoo.vision stub against the published numbers: the parameter counts
 * of MXNet's Gluon model zoo table (docs/api/python/gluon/model_zoo.md in MXNet 1.x; Gluon
 * counts each batch norm's running mean and variance), built through `get_model` and called
 * on a 224x224 NCHW batch (299x299 for Inception v3). MXNet does not install here, so these published counts are the
 * independent truth.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatShape } from '../../server/src/engine/index';
import { analyzeWithStub } from '../helpers/stubs';
import { GLUON_MODEL_ZOO } from './gluon-zoo-counts';


describe('mxnet.gluon.model_zoo.vision stubs: published parameter counts', () => {
  for (const [name, params, size = 224] of GLUON_MODEL_ZOO) {
    it(`${name}: ${params.toLocaleString('en')} parameters`, async () => {
      const snippet = `import mxnet as mx\nnet = get_model('${name}')\nout = net(mx.nd.zeros((2, 3, ${size}, ${size})))\n`;
      const start = performance.now();
      const { program, result } = await analyzeWithStub('mxnet.gluon.model_zoo.vision', snippet);
      const ms = performance.now() - start;
      assert.equal(result.internalError, undefined, result.internalError);
      assert.deepEqual(result.diagnostics.map((d) => d.message), []);
      const net = result.models.find((m) => m.name === 'net');
      assert.equal(net?.totalParams, params);
      const out = result.tensors.find((t) => t.name === 'out' && t.range.start >= program.snippetStart);
      assert.equal(out && formatShape(out.shape), '(2, 1000)');
      if (process.env.SHAPELINT_STUB_TIMES) console.log(`${name}: ${ms.toFixed(0)} ms`);
    });
  }
});
