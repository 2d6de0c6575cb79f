/**
 * gluoncv.model_zoo stubs against their parameter formulas. GluonCV publishes no parameter
 * counts for its action-recognition models and MXNet does not install here, so the expected
 * numbers are summed below from the per-layer formulas (a convolution has
 * k_t * k_h * k_w * c_in * c_out + c_out parameters, a Dense in * out + out) over the
 * architectures of the C3D paper and GluonCV's documentation, independently of the engine.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatShape } from '../../server/src/engine/index';
import { analyzeWithStub } from '../helpers/stubs';

const conv = (kernel: number, cin: number, cout: number) => kernel * cin * cout + cout;
const dense = (cin: number, cout: number) => cin * cout + cout;

/** C3D: eight 3x3x3 convolutions, fc6 8192 -> 4096, fc7 4096 -> 4096, fc8 4096 -> classes. */
const c3d = (classes: number) =>
  conv(27, 3, 64) + conv(27, 64, 128) + conv(27, 128, 256) + conv(27, 256, 256) + conv(27, 256, 512) + 3 * conv(27, 512, 512) +
  dense(8192, 4096) + dense(4096, 4096) + dense(4096, classes);

/** VGG16 convolutions (2-2-3-3-3 of 64-128-256-512-512), its two 4096 Dense layers, a Dense head. */
function vgg16Tsn(classes: number): number {
  let total = 0;
  let cin = 3;
  for (const [filters, convs] of [[64, 2], [128, 2], [256, 3], [512, 3], [512, 3]]) {
    for (let i = 0; i < convs; i++) {
      total += conv(9, cin, filters);
      cin = filters;
    }
  }
  return total + dense(512 * 7 * 7, 4096) + dense(4096, 4096) + dense(4096, classes);
}

/** [get_model name, expected parameters, input, output shape]. */
const CASES: [string, number, string, string][] = [
  ['c3d_kinetics400', c3d(400), '(2, 3, 16, 112, 112)', '(2, 400)'],
  ['vgg16_ucf101', vgg16Tsn(101), '(2, 3, 224, 224)', '(2, 101)'],
  ['vgg16_hmdb51', vgg16Tsn(51), '(2, 3, 224, 224)', '(2, 51)'],
  ['vgg16_kinetics400', vgg16Tsn(400), '(2, 3, 224, 224)', '(2, 400)'],
  ['vgg16_sthsthv2', vgg16Tsn(174), '(2, 3, 224, 224)', '(2, 174)'],
];

describe('gluoncv.model_zoo stubs: parameters by formula', () => {
  for (const [name, params, input, output] of CASES) {
    it(`${name}: ${params.toLocaleString('en')} parameters`, async () => {
      const snippet = `import mxnet as mx\nnet = get_model('${name}')\nout = net(mx.nd.zeros(${input}))\n`;
      const { program, result } = await analyzeWithStub('gluoncv.model_zoo', snippet);
      assert.equal(result.internalError, undefined, result.internalError);
      assert.deepEqual(result.diagnostics.map((d) => d.message), []);
      assert.equal(result.models.find((m) => m.name === 'net')?.totalParams, params);
      const out = result.tensors.find((t) => t.name === 'out' && t.range.start >= program.snippetStart);
      assert.equal(out && formatShape(out.shape), output);
    });
  }
});
