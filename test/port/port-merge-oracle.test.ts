/**
 * Operators in a PyTorch forward and a Gluon hybrid_forward: residual sums (`out + x`,
 * `out += self.shortcut(x)`), gates (`x * y`), differences and concatenations port as the
 * neutral merges (Keras Add/Multiply/Subtract/Concatenate). The PyTorch models run in the real
 * frameworks against their Keras ports with the source's weights (outputs within 1e-4); what the
 * port cannot express exactly (a scalar or broadcasting operand, a forward that returns something
 * other than its last layer's result) is a marked stub or a refusal, never a silent drop.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { PythonParser } from '../../server/src/engine/index';
import { portText } from '../../server/src/engine/port/index';
import { loadParser } from '../../server/src/host/parser';
import { kerasVenvMissing } from '../oracle/keras-oracle-run';
import { oracleFailures, sequential, torchModel, type Source } from './port-oracle-cases';

const BASIC_BLOCK_INIT = [
  'self.conv1 = nn.Conv2d(3, 6, 3, stride=2, padding=1, bias=False)',
  'self.bn1 = nn.BatchNorm2d(6)',
  'self.conv2 = nn.Conv2d(6, 6, 3, padding=1, bias=False)',
  'self.bn2 = nn.BatchNorm2d(6)',
  'self.shortcut = nn.Sequential(nn.Conv2d(3, 6, 1, stride=2, bias=False), nn.BatchNorm2d(6))',
  'self.pool = nn.AdaptiveAvgPool2d(1)',
  'self.fc = nn.Linear(6, 4)',
];

const basicBlock = (init: string[], shortcut: string) => torchModel(init, [
  'out = torch.relu(self.bn1(self.conv1(x)))',
  'out = self.bn2(self.conv2(out))',
  `out = out + ${shortcut}`,
  'out = torch.relu(out)',
  'return self.fc(torch.flatten(self.pool(out), 1))',
], '2, 3, 9, 9');

export const TORCH_MERGES: Source[] = [
  ['ResNet basic block with a downsampling shortcut', basicBlock(BASIC_BLOCK_INIT, 'self.shortcut(x)'), [2, 3, 9, 9]],
  ['identity residual with +=, ending in the sum', torchModel(['self.conv = nn.Conv2d(4, 4, 3, padding=1)', 'self.bn = nn.BatchNorm2d(4)'], [
    'identity = x',
    'out = self.bn(self.conv(x))',
    'out += identity',
    'return out',
  ], '2, 4, 6, 5'), [2, 4, 6, 5]],
  ['gate, difference and channel concatenation', torchModel(['self.a = nn.Conv2d(3, 5, 1)', 'self.b = nn.Conv2d(3, 5, 3, padding=1)', 'self.head = nn.Conv2d(10, 2, 1)'], [
    'a = self.a(x)',
    'b = torch.sigmoid(self.b(x))',
    'g = a * b',
    'd = a - b',
    'return self.head(torch.cat([g, d], 1))',
  ], '2, 3, 7, 6'), [2, 3, 7, 6]],
  ['dense residual on features', torchModel(['self.fc1 = nn.Linear(8, 8)', 'self.fc2 = nn.Linear(8, 3)'], [
    'h = x + torch.relu(self.fc1(x))',
    'return self.fc2(h)',
  ], '2, 8'), [2, 8]],
];

/** InstanceNorm has no Keras 3 layer: GroupNormalization with one channel per group is the same computation. */
export const TORCH_INSTANCE_NORMS: Source[] = [
  // To Gluon each is an nn.InstanceNorm (checked by the engine in oracleFailures).
  ['InstanceNorm2d, affine', torchModel(['self.conv = nn.Conv2d(3, 4, 3)', 'self.norm = nn.InstanceNorm2d(4, affine=True)', 'self.out = nn.Conv2d(4, 2, 1)'], [
    'return self.out(torch.relu(self.norm(self.conv(x))))',
  ], '2, 3, 8, 7'), [2, 3, 8, 7]],
  ['InstanceNorm2d without affine', torchModel(['self.conv = nn.Conv2d(3, 4, 3)', 'self.norm = nn.InstanceNorm2d(4)'], ['return self.norm(self.conv(x))'], '2, 3, 6, 6'), [2, 3, 6, 6]],
  ['InstanceNorm1d, affine, eps 1e-3', torchModel(['self.conv = nn.Conv1d(2, 3, 3)', 'self.norm = nn.InstanceNorm1d(3, eps=1e-3, affine=True)'], ['return self.norm(self.conv(x))'], '2, 2, 9'), [2, 2, 9]],
];

let parser: PythonParser;
before(async () => {
  parser = await loadParser('wasm');
});
after(() => parser.dispose());

const keras = (source: string) => portText(parser, source, {}, { to: 'keras' });

test('a ResNet basic block ports to Keras with the residual sum as layers.Add, nothing dropped', () => {
  const r = keras(basicBlock(BASIC_BLOCK_INIT, 'self.shortcut(x)'));
  assert.deepEqual(r.problems, []);
  assert.match(r.code!, /= layers\.Add\(\)\(\[(x\d+), (x\d+)\]\)/);
  assert.equal(r.graph!.nodes.filter((n) => n.op.kind === 'conv').length, 3);
});

test('x * y, x - y and torch.cat port as Multiply, Subtract and Concatenate', () => {
  const r = keras(TORCH_MERGES[2][1]);
  assert.deepEqual(r.problems, []);
  assert.match(r.code!, /layers\.Multiply\(\)/);
  assert.match(r.code!, /layers\.Subtract\(\)/);
  assert.match(r.code!, /layers\.Concatenate\(axis=-1\)/);
});

test('a Gluon hybrid_forward with + , F.elemwise_add and F.concat ports to PyTorch operators', () => {
  const source = `import mxnet as mx
from mxnet.gluon import nn


class Net(nn.HybridBlock):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = nn.Conv2D(4, 3, padding=1, in_channels=4)
        self.conv2 = nn.Conv2D(2, 1, in_channels=8)

    def hybrid_forward(self, F, x):
        y = self.conv1(x) + x
        z = F.elemwise_add(y, x)
        return self.conv2(F.concat(y, z, dim=1))


model = Net()
model.initialize()
model(mx.nd.zeros((2, 4, 8, 8)))
`;
  const r = portText(parser, source, {}, { to: 'torch' });
  assert.deepEqual(r.problems, []);
  assert.match(r.code!, /(x\d+) = (x\d+) \+ x\n\s+x\d+ = \1 \+ x\n\s+x\d+ = torch\.cat\(\[\1, x\d+\], dim=1\)/);
});

test('a scalar or broadcasting operand is a marked stub, not dropped', () => {
  const scaled = keras(torchModel(['self.fc = nn.Linear(4, 2)'], ['return self.fc(x * 0.5)'], '2, 4'));
  assert.equal(scaled.stubs, 1);
  assert.match(scaled.problems[0], /^not ported: .*'mul' \(line 11\): mul with a scalar/);
  const broadcast = keras(torchModel(['self.conv = nn.Conv2d(3, 3, 1)', 'self.pool = nn.AdaptiveAvgPool2d(1)', 'self.out = nn.Conv2d(3, 2, 1)'], [
    'y = self.conv(x)',
    'return self.out(y * self.pool(y))',
  ], '2, 3, 5, 5'));
  assert.equal(broadcast.stubs, 1);
  assert.match(broadcast.problems[0], /broadcast/);
});

test('a forward that returns something other than its last layer\'s result is refused; a slice of it is the last op and ports', () => {
  const earlier = keras(torchModel(['self.a = nn.Linear(4, 3)', 'self.b = nn.Linear(3, 2)'], ['y = self.a(x)', 'z = self.b(y)', 'return y'], '2, 4'));
  assert.equal(earlier.code, undefined);
  assert.match(earlier.problems.join('\n'), /returns the result of a, not of the last layer b/);
  const sliced = keras(torchModel(['self.a = nn.Linear(4, 3)'], ['return self.a(x)[:, :2]'], '2, 4'));
  assert.deepEqual(sliced.problems, []);
  assert.match(sliced.code!, /= x\d+\[:, :2\]/);
});

const skip = kerasVenvMissing() ?? false;

test(`${TORCH_MERGES.length} PyTorch models with residual sums, gates and concatenations ported to Keras compute the same outputs`, { skip, timeout: 300_000 }, async () => {
  const failures = await oracleFailures(TORCH_MERGES, 'torch->keras');
  assert.equal(failures.length, 0, failures.slice(0, 2).join('\n\n'));
});

test('InstanceNorm ports to Keras as GroupNormalization(groups=channels); with running statistics it is a stub', () => {
  const [affine, plain] = [keras(TORCH_INSTANCE_NORMS[0][1]), keras(TORCH_INSTANCE_NORMS[1][1])];
  assert.deepEqual([...affine.problems, ...plain.problems], []);
  assert.match(affine.code!, /layers\.GroupNormalization\(groups=4, epsilon=0\.00001, name='norm'\)/);
  assert.match(plain.code!, /layers\.GroupNormalization\(\s*groups=4,\s*epsilon=0\.00001,\s*center=False,\s*scale=False/);
  const tracked = keras(torchModel(['self.norm = nn.InstanceNorm2d(3, track_running_stats=True)'], ['return self.norm(x)'], '2, 3, 5, 5'));
  assert.equal(tracked.stubs, 1);
  assert.match(tracked.problems[0], /track_running_stats=True/);
});

test(`${TORCH_INSTANCE_NORMS.length} PyTorch models with InstanceNorm ported to Keras compute the same outputs`, { skip, timeout: 300_000 }, async () => {
  const failures = await oracleFailures(TORCH_INSTANCE_NORMS, 'torch->keras');
  assert.equal(failures.length, 0, failures.slice(0, 2).join('\n\n'));
});

/** Spatial dropout drops whole channels in training and is the identity at inference, in every framework. */
export const KERAS_SPATIAL_DROPOUT: Source[] = [
  ['SpatialDropout2D between convolutions', sequential('shape=(7, 6, 3)', 'layers.Conv2D(4, 3)', 'layers.SpatialDropout2D(0.3)', 'layers.Conv2D(2, 1)'), [2, 7, 6, 3]],
  ['SpatialDropout1D after a 1-D convolution', sequential('shape=(9, 2)', 'layers.Conv1D(3, 3)', 'layers.SpatialDropout1D(0.5)', 'layers.Flatten()', 'layers.Dense(2)'), [2, 9, 2]],
];
export const TORCH_SPATIAL_DROPOUT: Source[] = [
  ['Dropout2d between convolutions', torchModel(['self.conv = nn.Conv2d(3, 4, 3)', 'self.drop = nn.Dropout2d(0.25)', 'self.out = nn.Conv2d(4, 2, 1)'], ['return self.out(self.drop(self.conv(x)))'], '2, 3, 6, 6'), [2, 3, 6, 6]],
];

test('spatial dropout ports as SpatialDropout2D, nn.Dropout2d and Gluon Dropout(axes=(2, 3)); on a tensor of another rank it is a stub', () => {
  const source = KERAS_SPATIAL_DROPOUT[0][1];
  assert.match(portText(parser, source, {}, { to: 'torch' }).code!, /nn\.Dropout2d\(0\.3\)/);
  assert.match(portText(parser, source, {}, { to: 'gluon' }).code!, /nn\.Dropout\(0\.3, axes=\(2, 3\)\)/);
  const back = keras(TORCH_SPATIAL_DROPOUT[0][1]);
  assert.deepEqual(back.problems, []);
  assert.match(back.code!, /layers\.SpatialDropout2D\(0\.25\)/);
  assert.match(back.code!.replace(/\n\s*# /g, ' '), /whole channels dropped in training .*the identity at inference/);
  const onVectors = keras(torchModel(['self.fc = nn.Linear(4, 4)', 'self.drop = nn.Dropout2d(0.5)', 'self.out = nn.Linear(4, 2)'], ['return self.out(self.drop(self.fc(x)))'], '2, 3, 4'));
  assert.equal(onVectors.stubs, 1);
});

test(`${KERAS_SPATIAL_DROPOUT.length} Keras models with spatial dropout ported to PyTorch compute the same outputs`, { skip, timeout: 300_000 }, async () => {
  const failures = await oracleFailures(KERAS_SPATIAL_DROPOUT, 'keras->torch');
  assert.equal(failures.length, 0, failures.slice(0, 2).join('\n\n'));
});

test(`${TORCH_SPATIAL_DROPOUT.length} PyTorch model with Dropout2d ported to Keras computes the same outputs`, { skip, timeout: 300_000 }, async () => {
  const failures = await oracleFailures(TORCH_SPATIAL_DROPOUT, 'torch->keras');
  assert.equal(failures.length, 0, failures.slice(0, 2).join('\n\n'));
});

export const KERAS_REPEAT: Source[] = [
  ['RepeatVector before an LSTM', sequential('shape=(5,)', 'layers.Dense(4)', 'layers.RepeatVector(3)', 'layers.LSTM(2, return_sequences=True)'), [2, 5]],
];

test("Keras' RepeatVector ports as x.unsqueeze(1).repeat(1, n, 1) and Gluon's F.repeat(F.expand_dims(...)); the PyTorch idiom reads back as RepeatVector", () => {
  const source = KERAS_REPEAT[0][1];
  assert.match(portText(parser, source, {}, { to: 'torch' }).code!, /= x\d*\.unsqueeze\(1\)\.repeat\(1, 3, 1\)/);
  assert.match(portText(parser, source, {}, { to: 'gluon' }).code!, /F\.repeat\(F\.expand_dims\(x\d*, axis=1\), repeats=3, axis=1\)/);
  const back = keras(torchModel(['self.fc = nn.Linear(5, 4)', 'self.out = nn.Linear(4, 2)'], ['return self.out(self.fc(x).unsqueeze(1).repeat(1, 3, 1))'], '2, 5'));
  assert.deepEqual(back.problems, []);
  assert.match(back.code!, /layers\.RepeatVector\(3\),\n\s+layers\.Dense\(2, name='out'\)/);
});

test(`${KERAS_REPEAT.length} Keras model with RepeatVector ported to PyTorch computes the same outputs`, { skip, timeout: 300_000 }, async () => {
  const failures = await oracleFailures(KERAS_REPEAT, 'keras->torch');
  assert.equal(failures.length, 0, failures.slice(0, 2).join('\n\n'));
});
