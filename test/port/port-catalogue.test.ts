/**
 * `shapelint port` on the wider catalogue, checked by the engine: every port below is analysed
 * again (no diagnostics, per-layer shapes and parameter counts) by portText itself; these tests
 * check that it is complete, idiomatic and explains the differences, and that what a target has
 * no layer for is a marked stub. Numbers against the real frameworks: port-oracle.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { PythonParser } from '../../server/src/engine/index';
import { portText, type PortFramework } from '../../server/src/engine/port/index';
import { compareModels } from '../../server/src/engine/port/compare';
import { loadParser } from '../../server/src/host/parser';

let parser: PythonParser;
before(async () => {
  parser = await loadParser('wasm');
});
after(() => parser.dispose());

/** The port's code with comments joined into one line each (PEP 8 wraps them). */
function port(source: string, to: PortFramework, withWeights = false): { code: string; text: string; problems: string[] } {
  const r = portText(parser, source, {}, { to, withWeights });
  return { code: r.code ?? '', text: (r.code ?? '').replace(/\n\s*# /g, ' '), problems: r.problems };
}

const KERAS_UNET = `import keras
from keras import layers

inputs = keras.Input(shape=(8, 8, 3))
x = layers.Conv2DTranspose(4, 3, strides=2, padding='same')(inputs)
x = layers.DepthwiseConv2D(3, depth_multiplier=2, padding='same')(x)
x = layers.SeparableConv2D(5, 3, activation='relu')(x)
x = layers.UpSampling2D((2, 3))(x)
x = layers.LayerNormalization()(x)
x = layers.Cropping2D(((1, 2), (0, 1)))(x)
x = layers.PReLU(shared_axes=[1, 2])(x)
x = layers.Reshape((-1, 5))(x)
x = layers.MultiHeadAttention(num_heads=1, key_dim=5)(x, x)
model = keras.Model(inputs, x)
`;

test('a Keras model of the wider catalogue ports to PyTorch completely, every difference explained', () => {
  const { code, text, problems } = port(KERAS_UNET, 'torch', true);
  assert.deepEqual(problems, []);
  assert.match(code, /nn\.ConvTranspose2d\(\s*3, 4, kernel_size=3, stride=2\)/);
  // TensorFlow's 'same' crops the odd pixel at the end, which PyTorch's padding cannot: F.pad with negative widths.
  assert.match(code, /= F\.pad\(x1, \(0, -1, 0, -1\)\)/);
  assert.match(code, /nn\.Conv2d\(\s*4, 8, kernel_size=3, padding=1, groups=4\)/);
  assert.match(code, /separable_conv2d_depthwise = nn\.Conv2d\(\s*8, 8, kernel_size=3, groups=8, bias=False\)/);
  assert.match(code, /separable_conv2d_pointwise = nn\.Conv2d\(8, 5, kernel_size=1\)/);
  assert.match(code, /nn\.Upsample\(scale_factor=\(2, 3\), mode='nearest'\)/);
  assert.match(code, /nn\.LayerNorm\(5, eps=0\.001\)/);
  assert.match(text, /defaults: Keras 1e-3, PyTorch and Gluon 1e-5/);
  assert.match(code, /nn\.PReLU\(5\)/);
  assert.match(text, /PyTorch and Gluon start the slopes at 0\.25, Keras at 0/);
  assert.match(code, /nn\.MultiheadAttention\(\s*5, 1, batch_first=True\)/);
  assert.match(code, /self\.multi_head_attention\((\w+), \1, \1, need_weights=False\)/);
  assert.match(text, /Kernels: Keras \(\*kernel, out, in\), PyTorch and Gluon \(in, out, \*kernel\)/);
  // load_weights: the depthwise kernel regrouped, attention projections joined.
  assert.match(code, /\.reshape\(raw\["depthwise_conv2d"\]\[0\]\.shape\[:-2\] \+ \(1, -1\)\)/);
  assert.match(code, /state\["multi_head_attention\.in_proj_weight"\]/);
});

test('the PyTorch port lines up with its Keras source layer by layer, and ports back to Keras completely', () => {
  const torch = port(KERAS_UNET, 'torch').code;
  const r = compareModels(parser, { text: KERAS_UNET, options: {}, label: 'keras' }, { text: torch, options: {}, label: 'torch' });
  assert.equal(r.error, undefined);
  assert.deepEqual(r.divergences, []);
  assert.equal(r.aligned, 10);
  assert.deepEqual(port(torch, 'keras').problems, []);
});

test('the same model to Gluon: transposed and grouped convolutions, F.repeat upsampling, and attention as a marked stub', () => {
  const { code, text, problems } = port(KERAS_UNET, 'gluon');
  assert.equal(problems.length, 1);
  assert.match(problems[0], /^not ported: MultiHeadAttention 'multi_head_attention' \(line 13\): Gluon \(MXNet 1\.x\) has no multi-head attention block/);
  assert.match(code, /nn\.Conv2DTranspose\(\s*channels=4, kernel_size=\(3, 3\), strides=\(2, 2\), in_channels=3\)/);
  assert.match(code, /F\.slice_axis\(x1, axis=2, begin=0, end=-1\)/);
  assert.match(code, /F\.repeat\(x6, repeats=2, axis=2\)\n\s+x7 = F\.repeat\(x7, repeats=3, axis=3\)/);
  assert.match(code, /nn\.LayerNorm\(\s*axis=-1, epsilon=0\.001, in_channels=5\)/);
  assert.match(text, /Gluon 1\.x has no upsampling block/);
  assert.match(code, /def multi_head_attention\(self, F, x\):\n\s+# NOT PORTED/);
  assert.match(code, /it must return shape \(N, 1025, 5\)/);
});

test('PyTorch ConvTranspose2d padding and output_padding to Keras: valid, then the crop as a Cropping2D', () => {
  const source = `import torch
from torch import nn

model = nn.Sequential(
    nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1, output_padding=1),
    nn.ConvTranspose2d(4, 2, 2, stride=3),
    nn.Conv2d(2, 4, 3, padding=1, groups=2),
    nn.Upsample(scale_factor=2, mode='bilinear'),
    nn.AdaptiveAvgPool2d(1),
)
model(torch.randn(2, 3, 5, 5))
`;
  const { code, problems } = port(source, 'keras', true);
  assert.deepEqual(problems, []);
  const flat = code.replace(/\(\n\s+/g, '(');
  assert.match(flat, /layers\.Conv2DTranspose\(4, 3, strides=2, name='convT_0'\),(\n\s+#.*)*\n\s+layers\.Cropping2D\(\(\(1, 0\), \(1, 0\)\)\)/);
  // A kernel smaller than the stride: 'valid' would extend to in * stride unless output_padding says 0.
  assert.match(flat, /layers\.Conv2DTranspose\(2, 2, strides=3, output_padding=0, name='convT_1'\)/);
  assert.match(flat, /layers\.DepthwiseConv2D\(3, padding='same', depth_multiplier=2, name='conv_2'\)/);
  assert.match(code, /layers\.UpSampling2D\(\(2, 2\), interpolation='bilinear'\)/);
  assert.match(code, /layers\.GlobalAveragePooling2D\(\),\n\s+layers\.Reshape\(\(1, 1, 4\)\)/);
  assert.match(code.replace(/\n\s*# /g, ' '), /The rest of ConvTranspose2d '0' \(line 5\)'s crop, which the Keras layer cannot do itself/);
});

test('a Gluon block with a transposed convolution, F.UpSampling, a transpose to channels last and LayerNorm ports to PyTorch and Keras', () => {
  const source = `from mxnet import gluon, nd
from mxnet.gluon import nn


class Net(gluon.HybridBlock):
    def __init__(self, **kwargs):
        super(Net, self).__init__(**kwargs)
        with self.name_scope():
            self.up = nn.Conv2DTranspose(4, 3, strides=2, padding=1, output_padding=1, in_channels=3)
            self.dw = nn.Conv2D(8, 3, padding=1, groups=4, in_channels=4)
            self.ln = nn.LayerNorm(in_channels=8)
            self.pr = nn.PReLU()

    def hybrid_forward(self, F, x):
        x = self.up(x)
        x = self.dw(x)
        x = F.UpSampling(x, scale=2, sample_type='nearest')
        x = F.transpose(x, axes=(0, 2, 3, 1))
        x = self.ln(x)
        return self.pr(x)


net = Net()
net(nd.random.uniform(shape=(2, 3, 4, 4)))
`;
  const torch = port(source, 'torch');
  assert.deepEqual(torch.problems, []);
  assert.match(torch.code, /nn\.ConvTranspose2d\(\s*3, 4, kernel_size=3, stride=2, padding=1, output_padding=1\)/);
  assert.match(torch.code, /nn\.Upsample\(scale_factor=2, mode='nearest'\)/);
  assert.match(torch.code, /nn\.LayerNorm\(8, eps=1e-05\)|nn\.LayerNorm\(8, eps=0\.00001\)/);
  const keras = port(source, 'keras');
  assert.deepEqual(keras.problems, []);
  assert.match(keras.code.replace(/\(\n\s+/g, '('), /layers\.DepthwiseConv2D\(3, padding='same', depth_multiplier=2, name='conv1'\)/);
});

test('what has no translation is a marked stub: attention with a mask, a slope per position, trilinear upsampling to Gluon', () => {
  const masked = `import keras
from keras import layers

inputs = keras.Input(shape=(6, 8))
x = layers.MultiHeadAttention(num_heads=2, key_dim=4)(inputs, inputs, use_causal_mask=True)
model = keras.Model(inputs, x)
`;
  assert.match(port(masked, 'torch').problems.join('\n'), /not ported: MultiHeadAttention .*attention masks/);
  const perPosition = `import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(4, 4, 2)), layers.PReLU()])
`;
  assert.match(port(perPosition, 'torch').problems.join('\n'), /not ported: PReLU .*a slope per position/);
  const trilinear = `import torch
from torch import nn

model = nn.Sequential(nn.Upsample(scale_factor=2, mode='trilinear'))
model(torch.randn(2, 3, 4, 4, 4))
`;
  assert.match(port(trilinear, 'gluon').problems.join('\n'), /not ported: Upsample .*mode="trilinear" has no translation/);
});
