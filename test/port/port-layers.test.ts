/**
 * Port of the later catalogue additions, checked by the engine (every port below is analysed
 * again by portText: no diagnostics, per-layer shapes and parameter counts): Gluon InstanceNorm
 * and GroupNorm as source and target, bilinear resizing to and from Gluon, dilated and grouped
 * transposed convolutions, the PyTorch repeat idiom and slices in forwards. What a target cannot
 * express is a marked stub with its reason, never dropped. Numbers against the real frameworks:
 * port-oracle.test.ts (generated models) and the oracle tests at the end of this file.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { PythonParser } from '../../server/src/engine/index';
import { portText, type PortFramework } from '../../server/src/engine/port/index';
import { loadParser } from '../../server/src/host/parser';
import { KERAS_PYTHON, kerasVenvMissing } from '../oracle/keras-oracle-run';
import { runPortOracle } from './port-oracle-run';
import { torchModel } from './port-oracle-cases';

let parser: PythonParser;
before(async () => {
  parser = await loadParser('wasm');
});
after(() => parser.dispose());

/** The port's code, its code with PEP 8's wrapped calls joined (`flat`) and its comments joined into one line each (`text`). */
function port(source: string, to: PortFramework, withWeights = false): { code: string; flat: string; text: string; problems: string[] } {
  const r = portText(parser, source, {}, { to, withWeights });
  const code = r.code ?? '';
  const flat = code.replace(/\(\n\s+/g, '(').replace(/,\n\s+/g, ', ').replace(/\n\s*\)/g, ')');
  return { code, flat, text: code.replace(/\n\s*# /g, ' '), problems: r.problems };
}

/** A Gluon HybridBlock `Net` with these blocks and hybrid_forward body, run on `input`. */
const gluonNet = (blocks: string[], forward: string[], input: string) => `from mxnet import gluon, nd
from mxnet.gluon import nn, rnn


class Net(gluon.HybridBlock):
    def __init__(self, **kwargs):
        super(Net, self).__init__(**kwargs)
        with self.name_scope():
${blocks.map((l) => `            ${l}\n`).join('')}
    def hybrid_forward(self, F, x):
${forward.map((l) => `        ${l}\n`).join('')}

net = Net()
net.initialize()
y = net(nd.random.uniform(shape=(${input})))
`;

const GLUON_NORMS = gluonNet([
  'self.conv = nn.Conv2D(6, 3, in_channels=3)',
  'self.gn = nn.GroupNorm(num_groups=3)',
  'self.inorm = nn.InstanceNorm(in_channels=6)',
  'self.plain = nn.InstanceNorm(center=False, scale=False)',
], [
  'x = self.gn(self.conv(x))',
  'x = F.maximum(self.inorm(x), self.plain(x))',
  'return F.contrib.BilinearResize2D(x, scale_height=2, scale_width=3, align_corners=False)',
], '2, 3, 8, 7');

test('Gluon GroupNorm, InstanceNorm and BilinearResize2D port to PyTorch and Keras, with the per-group gamma repeated per channel', () => {
  const torch = port(GLUON_NORMS, 'torch', true);
  assert.deepEqual(torch.problems, []);
  assert.match(torch.code, /nn\.GroupNorm\(3, 6, eps=0\.00001\)/);
  assert.match(torch.code, /nn\.InstanceNorm2d\(6, eps=0\.00001, affine=True\)/);
  assert.match(torch.code, /nn\.InstanceNorm2d\(6, eps=0\.00001\)\n/);
  assert.match(torch.code, /torch\.maximum\(/);
  assert.match(torch.flat, /nn\.Upsample\(scale_factor=\(2, 3\), mode='bilinear'\)/);
  assert.match(torch.code, /np\.repeat\(raw\["gn\.gamma"\], 2\)/);
  assert.match(torch.text, /MXNet 1\.x's GroupNorm \(MXNet 1\.6\+\) has one gamma and beta per group, PyTorch one per channel: 6 parameters become 12/);
  assert.match(torch.text, /Gluon's InstanceNorm \(default scale=False\) keeps gamma fixed at 1 and learns beta/);
  assert.match(torch.text, /center=False, scale=False keep gamma and beta at 1 and 0 \(12 fixed parameters\)/);
  const keras = port(GLUON_NORMS, 'keras', true);
  assert.deepEqual(keras.problems, []);
  assert.match(keras.code, /layers\.GroupNormalization\(groups=3, epsilon=0\.00001, name='groupnorm0'\)/);
  assert.match(keras.code, /layers\.GroupNormalization\(\s*groups=6,\s*epsilon=0\.00001,\s*center=False,\s*scale=False/);
  assert.match(keras.code, /layers\.UpSampling2D\(\(2, 3\), interpolation='bilinear'\)/);
});

test('to Gluon: instance norm is nn.InstanceNorm(scale=True), a non-affine group norm nn.GroupNorm(center=False, scale=False), bilinear upsampling BilinearResize2D(align_corners=False); an affine group norm adds a 1x1 convolution per channel', () => {
  const source = torchModel([
    'self.conv = nn.Conv2d(3, 4, 3)',
    'self.inorm = nn.InstanceNorm2d(4, affine=True)',
    'self.gn = nn.GroupNorm(2, 4, affine=False)',
    "self.up = nn.Upsample(scale_factor=2, mode='bilinear')",
    "self.corners = nn.Upsample(scale_factor=(1, 2), mode='bilinear', align_corners=True)",
  ], ['return self.corners(self.up(self.gn(self.inorm(self.conv(x)))))'], '2, 3, 6, 6');
  const gluon = port(source, 'gluon', true);
  assert.deepEqual(gluon.problems, []);
  assert.match(gluon.code, /nn\.InstanceNorm\(\s*axis=1, epsilon=0\.00001, scale=True, in_channels=4\)/);
  assert.match(gluon.code, /nn\.GroupNorm\(\s*num_groups=2, epsilon=0\.00001, center=False, scale=False\)/);
  assert.match(gluon.code, /F\.contrib\.BilinearResize2D\(\s*x\d*, scale_height=2, scale_width=2, align_corners=False\)/);
  assert.match(gluon.code, /F\.contrib\.BilinearResize2D\(\s*x\d*, scale_height=1, scale_width=2, align_corners=True\)/);
  assert.match(gluon.text, /Gluon always has gamma and beta; center=False, scale=False keep them at 1 and 0/);
  assert.match(gluon.code, /_set\(net\.inorm, "gamma", w\["inorm"\]\[0\]\)/);
  // align_corners=True has no Keras form; an affine group norm no Gluon 1.x one.
  assert.match(port(source, 'keras').problems.join('\n'), /not ported: Upsample 'corners' .*align_corners=True maps corner pixels onto corner pixels/);
  const affine = port(torchModel(['self.gn = nn.GroupNorm(2, 4)'], ['return self.gn(x)'], '2, 4, 5, 5'), 'gluon', true);
  assert.deepEqual(affine.problems, []);
  assert.match(affine.flat, /self\.gn = nn\.GroupNorm\(num_groups=2, epsilon=0\.00001, center=False, scale=False\)/);
  assert.match(affine.flat, /self\.gn_affine = nn\.Conv2D\(channels=4, kernel_size=\(1, 1\), groups=4, in_channels=4\)/);
  assert.match(affine.code, /w\["gn\/affine"\] = \[raw\["gn\.weight"\]\.reshape\(1, 1, 1, -1\), raw\["gn\.bias"\]\]/);
  assert.match(affine.text, /MXNet 1\.x's GroupNorm has them per group, so it normalises without them/);
});

test("F.UpSampling(sample_type='bilinear') is a learned transposed convolution, not a resize: a marked stub", () => {
  const source = gluonNet([], ["return F.UpSampling(x, scale=2, sample_type='bilinear', num_filter=3)"], '2, 3, 4, 4');
  assert.match(port(source, 'torch').problems.join('\n'), /not ported: .*UpSampling.*transposed convolution with a learned/);
});

test('dilated and grouped transposed convolutions: PyTorch and Gluon both ways; Keras takes the dilation (stride 1) and stubs groups', () => {
  const source = torchModel([
    'self.up = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2, dilation=2)',
    'self.wide = nn.ConvTranspose2d(6, 4, 3, padding=2, dilation=(2, 1))',
  ], ['return self.wide(torch.relu(self.up(x)))'], '2, 4, 5, 6');
  const gluon = port(source, 'gluon', true);
  assert.deepEqual(gluon.problems, []);
  assert.match(gluon.flat, /nn\.Conv2DTranspose\(channels=6, kernel_size=\(3, 3\), strides=\(2, 2\), padding=\(1, 1\), output_padding=\(1, 1\), dilation=\(2, 2\), groups=2, in_channels=4\)/);
  assert.match(gluon.text, /groups=2: each group of 2 input channels makes 3 outputs/);
  assert.match(gluon.text, /dilation \* \(kernel - 1\) \+ 1 with dilation \(2, 2\)/);
  const back = port(gluon.code, 'torch');
  assert.deepEqual(back.problems, []);
  assert.match(back.flat, /nn\.ConvTranspose2d\(4, 6, kernel_size=3, stride=2, padding=1, output_padding=1, groups=2, dilation=2\)/);
  const keras = port(source, 'keras');
  assert.match(keras.problems.join('\n'), /not ported: ConvTranspose2d 'up' .*no groups; split the channels/);
  assert.match(keras.code, /layers\.Conv2DTranspose\(4, 3, dilation_rate=\(2, 1\), name='wide'\)/);
  const strided = port(torchModel(['self.up = nn.ConvTranspose2d(2, 2, 3, stride=2, dilation=2)'], ['return self.up(x)'], '2, 2, 4, 4'), 'keras');
  assert.match(strided.problems.join('\n'), /Keras rejects strides > 1 together with dilation_rate > 1/);
});

const REPEAT_AND_SLICES = torchModel([
  'self.fc = nn.Linear(5, 4)',
  'self.rnn = nn.LSTM(4, 3, batch_first=True)',
  'self.conv = nn.Conv1d(3, 6, 2)',
  'self.out = nn.Linear(4, 2)',
], [
  'h = self.fc(x).unsqueeze(1).expand(-1, 7, -1)',
  'h, _ = self.rnn(h)',
  'h = h[:, 1:-1]',
  'h = self.conv(h.transpose(1, 2))',
  'h = h[:, :, 1:]',
  'h = h[:, :4]',
  'h = h[..., 0]',
  'return self.out(h)',
], '2, 5');

test('x.unsqueeze(1).expand(-1, n, -1) ports as RepeatVector(n), slices as Cropping1D or Keras 3 indexing, an int index as x[:, 0]', () => {
  const keras = port(REPEAT_AND_SLICES, 'keras', true);
  assert.deepEqual(keras.problems, []);
  assert.match(keras.code, /= layers\.RepeatVector\(7\)\(x\d+\)/);
  assert.match(keras.code, /= layers\.Cropping1D\(1\)\(x\d+\)/);
  assert.match(keras.code, /= layers\.Cropping1D\(\(1, 0\)\)\(x\d+\)/);
  assert.match(keras.code, /= x\d+\[:, :, :4\]/);
  assert.match(keras.code, /= x\d+\[:, 0\]/);
  assert.doesNotMatch(keras.code, /Lambda|Sequential/);
  const gluon = port(REPEAT_AND_SLICES, 'gluon');
  assert.deepEqual(gluon.problems, []);
  assert.match(gluon.code, /F\.repeat\(F\.expand_dims\(x\d*, axis=1\), repeats=7, axis=1\)/);
  assert.match(gluon.code, /F\.slice_axis\(x\d*, axis=1, begin=1, end=6\)/);
  assert.match(gluon.code, /F\.squeeze\(F\.slice_axis\(x\d*, axis=2, begin=0, end=1\), axis=2\)/);
  // Back from Gluon, the F.* idioms read as the same ops.
  const back = port(gluon.code, 'torch');
  assert.deepEqual(back.problems, []);
  assert.match(back.code, /x\.unsqueeze\(1\)\.repeat\(1, 7, 1\)/);
  assert.match(back.code, /x\[:, 1:6\]/);
  assert.match(back.code, /x\[:, :, 0\]/);
});

test('an index the port cannot express is a marked stub: the batch axis, a step, a new axis, the channel axis of a feature map dropped', () => {
  const cases: [string, RegExp][] = [
    ['return self.conv(x)[1:]', /an index of the batch axis/],
    ['return self.conv(x)[:, :, ::2]', /a slice with a step/],
    ['return self.conv(x)[:, None]', /adds an axis/],
    ['return self.conv(x)[:, 0]', /drops the channel axis of a feature map/],
  ];
  for (const [line, why] of cases) {
    const r = port(torchModel(['self.conv = nn.Conv2d(3, 4, 1)'], [line], '2, 3, 5, 5'), 'keras');
    assert.equal(r.problems.length, 1, line);
    assert.match(r.problems[0], why, line);
  }
});

const skip = kerasVenvMissing() ?? false;

/**
 * MXNet cannot be installed here, so BilinearResize2D is checked through a transcription of its
 * CPU loop (MXNet 1.6+, src/operator/contrib/bilinear_resize.cc: area_pixel_compute_scale and
 * area_pixel_compute_source_index, the source index clamped at 0, the neighbour clamped at the
 * last row) against real PyTorch and Keras on random maps and whole factors.
 */
const MXNET_BILINEAR = `
import json, os, sys
import numpy as np
import torch
import keras

def mx_bilinear(x, oh, ow, align_corners):
    n, c, ih, iw = x.shape
    def scale(i, o):
        return 0.0 if o <= 1 else ((i - 1) / (o - 1) if align_corners else i / o)
    def src(s, d):
        if align_corners:
            return s * d
        r = s * (d + 0.5) - 0.5
        return 0.0 if r < 0 else r
    out = np.zeros((n, c, oh, ow), np.float32)
    if ih == oh and iw == ow:
        return x.copy()
    rh, rw = np.float32(scale(ih, oh)), np.float32(scale(iw, ow))
    for h2 in range(oh):
        h1r = np.float32(src(rh, h2)); h1 = int(h1r); h1p = 1 if h1 < ih - 1 else 0
        l1 = h1r - h1; l0 = 1 - l1
        for w2 in range(ow):
            w1r = np.float32(src(rw, w2)); w1 = int(w1r); w1p = 1 if w1 < iw - 1 else 0
            m1 = w1r - w1; m0 = 1 - m1
            out[:, :, h2, w2] = l0 * (m0 * x[:, :, h1, w1] + m1 * x[:, :, h1, w1 + w1p]) + l1 * (m0 * x[:, :, h1 + h1p, w1] + m1 * x[:, :, h1 + h1p, w1 + w1p])
    return out

rng = np.random.default_rng(0)
worst = {"torch": 0.0, "torch_corners": 0.0, "keras": 0.0}
for trial in range(40):
    ih, iw, sh, sw = rng.integers(1, 7), rng.integers(1, 7), int(rng.integers(1, 4)), int(rng.integers(1, 4))
    x = rng.random((2, 3, ih, iw), dtype=np.float32)
    for corners in (False, True):
        want = torch.nn.functional.interpolate(torch.from_numpy(x), scale_factor=(sh, sw), mode="bilinear", align_corners=corners).numpy()
        got = mx_bilinear(x, ih * sh, iw * sw, corners)
        key = "torch_corners" if corners else "torch"
        worst[key] = max(worst[key], float(np.abs(want - got).max()))
    k = np.asarray(keras.layers.UpSampling2D((sh, sw), interpolation="bilinear")(np.moveaxis(x, 1, -1)))
    worst["keras"] = max(worst["keras"], float(np.abs(np.moveaxis(k, -1, 1) - mx_bilinear(x, ih * sh, iw * sw, False)).max()))
json.dump(worst, sys.stdout)
`;
import { runOracle } from '../oracle/oracle-cache';

test("MXNet's BilinearResize2D (align_corners=False and True, transcribed) computes PyTorch's bilinear Upsample, and with align_corners=False Keras' bilinear UpSampling2D", { skip, timeout: 300_000 }, () => {
  const res = runOracle(KERAS_PYTHON, ['-c', MXNET_BILINEAR], { encoding: 'utf8', env: { ...process.env, KERAS_BACKEND: 'tensorflow', TF_CPP_MIN_LOG_LEVEL: '3' }, timeout: 300_000 });
  assert.equal(res.status, 0, res.stderr?.slice(-2000));
  const worst = JSON.parse(res.stdout) as Record<string, number>;
  for (const [against, diff] of Object.entries(worst)) assert.ok(diff <= 1e-5, `${against}: ${diff}`);
});

test('the PyTorch and Keras ports of Gluon models with InstanceNorm, GroupNorm, BilinearResize2D, grouped transposed convolutions, the repeat idiom and slices run in the real frameworks with the shapes and parameter counts the engine found', { skip, timeout: 300_000 }, () => {
  const grouped = gluonNet([
    'self.up = nn.Conv2DTranspose(6, 3, strides=2, padding=1, output_padding=1, dilation=2, groups=2, in_channels=4)',
    'self.norm = nn.GroupNorm(num_groups=2)',
  ], ['x = self.norm(self.up(x))', 'return F.contrib.BilinearResize2D(x, scale_height=2, scale_width=2, align_corners=True)'], '2, 4, 5, 6');
  const sequence = port(REPEAT_AND_SLICES, 'gluon').code;
  const sources = [GLUON_NORMS, grouped, sequence];
  const ports = sources.flatMap((s) => (['torch', 'keras'] as const).map((to) => ({ to, r: portText(parser, s, {}, { to }) })))
    .filter(({ to, r }) => !(to === 'keras' && r.problems.some((p) => /align_corners=True|no groups/.test(p))));
  for (const { r } of ports) assert.deepEqual(r.problems, []);
  const outcomes = runPortOracle(ports.map(({ r }, id) => ({ id, direction: 'run', port: r.code })));
  outcomes.forEach((o, i) => {
    const { r } = ports[i];
    assert.equal(o.error, undefined, o.trace);
    assert.deepEqual(o.portShape?.slice(1), r.check!.outputShape!.slice(1));
    assert.equal(o.portParams, r.check!.targetTotal);
  });
  assert.ok(ports.length >= 5);
});
