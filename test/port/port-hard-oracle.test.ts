/**
 * Port oracle for the semantic hard cases: stacked, bidirectional, stateful and return_state
 * recurrent layers, GRU(reset_after=False), go_backwards and flips of the time axis,
 * Bidirectional(merge_mode=None), time-major sources, and Keras' 'same' pooling (the average leaves the padding out). Each model is
 * ported with `--with-weights` and both run in the real frameworks: same output shape (after
 * layout), the parameter count shapelint expects, and with the source's weights the same outputs
 * within 1e-4. Every model is also ported to Gluon and checked by the engine.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kerasVenvMissing } from '../oracle/keras-oracle-run';
import { portText } from '../../server/src/engine/port/index';
import { loadParser } from '../../server/src/host/parser';
import { keras, oracleFailures, portAll, sequential, torchModel, type Source } from './port-oracle-cases';

export const KERAS_RNN: Source[] = [
  ['bidirectional LSTM, every step', sequential('shape=(7, 5)', 'layers.Bidirectional(layers.LSTM(6, return_sequences=True))', 'layers.Dense(3)'), [2, 7, 5]],
  ['bidirectional GRU, sum, last step', sequential('shape=(6, 4)', "layers.Bidirectional(layers.GRU(5), merge_mode='sum')", 'layers.Dense(2)'), [2, 6, 4]],
  ['bidirectional SimpleRNN, mul, every step', sequential('shape=(5, 3)', "layers.Bidirectional(layers.SimpleRNN(4, return_sequences=True), merge_mode='mul')"), [2, 5, 3]],
  ['bidirectional LSTM, ave, last step', sequential('shape=(8, 2)', "layers.Bidirectional(layers.LSTM(3), merge_mode='ave')"), [2, 8, 2]],
  ['bidirectional LSTM, concat, last step', sequential('shape=(6, 3)', 'layers.Bidirectional(layers.LSTM(4))', 'layers.Dense(2)'), [2, 6, 3]],
  ['bidirectional GRU without bias, stacked on a bidirectional LSTM', sequential('shape=(5, 4)', 'layers.Bidirectional(layers.LSTM(3, return_sequences=True))', 'layers.Bidirectional(layers.GRU(4, use_bias=False))'), [2, 5, 4], 'stub'],
  ['stacked LSTMs', sequential('shape=(9, 3)', 'layers.LSTM(8, return_sequences=True)', 'layers.LSTM(8, return_sequences=True)', 'layers.LSTM(4)', 'layers.Dense(2)'), [2, 9, 3]],
  ['stacked GRUs with dropout', sequential('shape=(6, 3)', 'layers.GRU(5, return_sequences=True, dropout=0.2)', 'layers.GRU(5, recurrent_dropout=0.1)'), [2, 6, 3]],
  ['return_state with only the output used', keras(
    'inputs = keras.Input(shape=(6, 4))',
    'out, h, c = layers.LSTM(5, return_state=True)(inputs)',
    'outputs = layers.Dense(2)(out)',
    'model = keras.Model(inputs, outputs)',
  ), [2, 6, 4]],
  ['stateful LSTM', sequential('batch_shape=(2, 6, 3)', 'layers.LSTM(4, stateful=True)', 'layers.Dense(2)'), [2, 6, 3]],
  ['bidirectional GRU after an embedding', keras(
    'model = keras.Sequential([',
    "    keras.Input(shape=(7,), dtype='int32'),",
    '    layers.Embedding(20, 6),',
    '    layers.Bidirectional(layers.GRU(4, return_sequences=True)),',
    '    layers.GlobalAveragePooling1D(),',
    '    layers.Dense(3),',
    '])',
  ), [2, 7]],
  // Keras 2's default GRU: the reset gate before the recurrent matmul. PyTorch and Gluon get an explicit cell.
  ['GRU(reset_after=False), every step', sequential('shape=(6, 3)', 'layers.GRU(4, reset_after=False, return_sequences=True)', 'layers.Dense(2)'), [2, 6, 3]],
  ['GRU(reset_after=False), last step, after an LSTM', sequential('shape=(5, 4)', 'layers.LSTM(3, return_sequences=True)', 'layers.GRU(5, reset_after=False)'), [2, 5, 4]],
  ['GRU(reset_after=False) going backwards', sequential('shape=(6, 3)', 'layers.GRU(4, reset_after=False, go_backwards=True, return_sequences=True)'), [2, 6, 3]],
  // go_backwards=True returns the steps in reversed order: the port flips the input and keeps that order.
  ['LSTM go_backwards, every step', sequential('shape=(7, 3)', 'layers.LSTM(5, go_backwards=True, return_sequences=True)', 'layers.Dense(2)'), [2, 7, 3]],
  ['SimpleRNN go_backwards, last step', sequential('shape=(6, 2)', 'layers.SimpleRNN(4, go_backwards=True)'), [2, 6, 2]],
  ['stacked GRUs, the first going backwards', sequential('shape=(6, 3)', 'layers.GRU(4, go_backwards=True, return_sequences=True)', 'layers.GRU(3)'), [2, 6, 3]],
  // merge_mode=None returns [forward, backward]: a symmetric merge of the two is merge_mode 'sum', 'mul' or 'ave'.
  ['Bidirectional(merge_mode=None) joined by Add', keras(
    'inputs = keras.Input(shape=(6, 4))',
    "forward, backward = layers.Bidirectional(layers.LSTM(5, return_sequences=True), merge_mode=None)(inputs)",
    'outputs = layers.Dense(2)(layers.Add()([forward, backward]))',
    'model = keras.Model(inputs, outputs)',
  ), [2, 6, 4]],
  ['Bidirectional(merge_mode=None), last step, joined by Average', keras(
    'inputs = keras.Input(shape=(7, 3))',
    "forward, backward = layers.Bidirectional(layers.GRU(4), merge_mode=None)(inputs)",
    'outputs = layers.Average()([forward, backward])',
    'model = keras.Model(inputs, outputs)',
  ), [2, 7, 3]],
  ['Bidirectional(merge_mode=None) joined by Multiply', keras(
    'inputs = keras.Input(shape=(5, 2))',
    "forward, backward = layers.Bidirectional(layers.SimpleRNN(3, return_sequences=True), merge_mode=None)(inputs)",
    'outputs = layers.Multiply()([forward, backward])',
    'model = keras.Model(inputs, outputs)',
  ), [2, 5, 2]],
];

const TIME_MAJOR_EMBEDDING = `import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(20, 6)
        self.rnn = nn.RNN(6, 5)
        self.out = nn.Linear(5, 4)

    def forward(self, x):
        x = self.emb(x)
        x, _ = self.rnn(x)
        return torch.softmax(self.out(x), dim=-1)

model = Net()
model(torch.randint(0, 20, (7, 3)))
`;

export const TORCH_RNN: Source[] = [
  ['two-layer LSTM', torchModel(['self.rnn = nn.LSTM(5, 6, num_layers=2, batch_first=True)', 'self.out = nn.Linear(6, 3)'], ['x, _ = self.rnn(x)', 'return self.out(x)'], '2, 7, 5'), [2, 7, 5]],
  ['bidirectional GRU', torchModel(['self.rnn = nn.GRU(4, 3, batch_first=True, bidirectional=True)', 'self.out = nn.Linear(6, 2)'], ['x, _ = self.rnn(x)', 'return self.out(x)'], '2, 6, 4'), [2, 6, 4]],
  ['three-layer bidirectional LSTM with dropout', torchModel(['self.rnn = nn.LSTM(3, 4, num_layers=3, batch_first=True, bidirectional=True, dropout=0.1)'], ['x, _ = self.rnn(x)', 'return x'], '2, 5, 3'), [2, 5, 3]],
  // Gluon's recurrent layers always have biases: its port is a marked stub.
  ['two-layer RNN without bias', torchModel(['self.rnn = nn.RNN(4, 5, num_layers=2, batch_first=True, bias=False)', 'self.out = nn.Linear(5, 2)'], ['x, _ = self.rnn(x)', 'return self.out(x)'], '2, 6, 4'), [2, 6, 4], 'stub'],
  ['two-layer bidirectional GRU', torchModel(['self.rnn = nn.GRU(3, 4, num_layers=2, batch_first=True, bidirectional=True)'], ['x, _ = self.rnn(x)', 'return x'], '2, 8, 3'), [2, 8, 3]],
  // Time-major sources (batch_first=False, PyTorch's default) read (time, batch, features): the Keras port reads the data transposed.
  ['time-major LSTM', torchModel(['self.rnn = nn.LSTM(5, 6)', 'self.out = nn.Linear(6, 3)'], ['x, _ = self.rnn(x)', 'return self.out(x)'], '7, 2, 5'), [7, 2, 5]],
  ['time-major two-layer bidirectional GRU', torchModel(['self.rnn = nn.GRU(3, 4, num_layers=2, bidirectional=True)'], ['x, _ = self.rnn(x)', 'return x'], '6, 2, 3'), [6, 2, 3]],
  ['time-major embedding, RNN, softmax', TIME_MAJOR_EMBEDDING, [7, 3]],
  // A flip of the time axis read by a recurrent layer is Keras' go_backwards=True.
  ['flip, then LSTM', torchModel(['self.rnn = nn.LSTM(4, 5, batch_first=True)', 'self.out = nn.Linear(5, 3)'], ['x = torch.flip(x, dims=[1])', 'x, _ = self.rnn(x)', 'return self.out(x)'], '2, 6, 4'), [2, 6, 4]],
  ['time-major: flip, then GRU', torchModel(['self.rnn = nn.GRU(4, 5)', 'self.out = nn.Linear(5, 2)'], ['x = x.flip(0)', 'x, _ = self.rnn(x)', 'return self.out(x)'], '6, 2, 4'), [6, 2, 4]],
];

export const KERAS_POOL: Source[] = [
  ['same average and max pooling, odd and even sizes, strides 1 and 2', sequential('shape=(9, 8, 3)',
    "layers.AveragePooling2D(2, padding='same')", "layers.Conv2D(4, 3, padding='same')", "layers.AveragePooling2D(3, strides=1, padding='same')",
    "layers.AveragePooling2D(3, strides=2, padding='same')", "layers.MaxPooling2D(2, padding='same')", 'layers.Flatten()', 'layers.Dense(2)'), [2, 9, 8, 3]],
  ['same average pooling in 1-D', sequential('shape=(11, 2)', "layers.AveragePooling1D(4, strides=3, padding='same')", "layers.AveragePooling1D(3, strides=1, padding='same')"), [2, 11, 2]],
  ['same average pooling in 3-D', sequential('shape=(5, 6, 7, 2)', "layers.AveragePooling3D(2, padding='same')", 'layers.GlobalAveragePooling3D()'), [2, 5, 6, 7, 2]],
  ['same average pooling with an even window, stride 1', sequential('shape=(6, 7, 1)', "layers.AveragePooling2D(4, strides=1, padding='same')", 'layers.Flatten()'), [2, 6, 7, 1]],
];

export const TORCH_POOL: Source[] = [
  ['count_include_pad=False, stride 1', torchModel(['self.pool = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)', 'self.out = nn.Linear(2 * 7 * 7, 3)'],
    ['x = self.pool(x)', 'return self.out(torch.flatten(x, 1))'], '2, 2, 7, 7'), [2, 2, 7, 7]],
  ['count_include_pad=False in 1-D, stride 2', torchModel(['self.pool = nn.AvgPool1d(3, stride=2, padding=1, count_include_pad=False)', 'self.out = nn.Linear(3 * 4, 2)'],
    ['x = self.pool(x)', 'return self.out(torch.flatten(x, 1))'], '2, 3, 7'), [2, 3, 7]],
];

const skip = kerasVenvMissing() ?? false;

test('every hard case ports to Gluon, checked by the engine (MXNet cannot run here): no problem, or the one expected stub', async () => {
  const all = [...KERAS_RNN, ...KERAS_POOL, ...TORCH_RNN, ...TORCH_POOL];
  const cases = [...await portAll([...KERAS_RNN, ...KERAS_POOL], 'torch'), ...await portAll([...TORCH_RNN, ...TORCH_POOL], 'keras')];
  assert.equal(cases.length, all.length);
  for (const c of cases) {
    const ok = c.gluonStub ? c.gluon.stubs === 1 && /^not ported: /.test(c.gluon.problems[0] ?? '') : c.gluon.problems.length === 0;
    assert.ok(ok, `${c.name}: ${c.gluon.problems.join('; ')}\n${c.gluon.code}`);
  }
  const bidirectional = cases[0].gluon.code!;
  assert.match(bidirectional, /rnn\.LSTM\(\s*6, layout='NTC', bidirectional=True, input_size=5\)/);
  const pooled = cases[KERAS_RNN.length].gluon.code!;
  assert.match(pooled, /count_include_pad=False/);
  assert.match(pooled, /count = F\.Pooling\(\s*count, kernel=\(2, 2\), stride=\(2, 2\), pool_type='avg'\)/);
});

const GLUON_TIME_MAJOR = `import mxnet as mx
from mxnet import gluon
from mxnet.gluon import nn, rnn


class Net(gluon.HybridBlock):
    def __init__(self, **kwargs):
        super(Net, self).__init__(**kwargs)
        with self.name_scope():
            self.rnn = rnn.LSTM(6, input_size=5)
            self.out = nn.Dense(3, flatten=False)

    def hybrid_forward(self, F, x):
        x = F.reverse(x, axis=0)
        return self.out(self.rnn(x))


net = Net()
net.initialize()
net(mx.nd.zeros((7, 2, 5)))
`;

test("a Gluon model in its default layout='TNC' ports time-major to PyTorch and transposed to Keras; its F.reverse of the time axis is go_backwards", async () => {
  const parser = await loadParser('wasm');
  try {
    const torch = portText(parser, GLUON_TIME_MAJOR, {}, { to: 'torch', withWeights: true });
    assert.deepEqual(torch.problems, []);
    assert.match(torch.code!, /self\.lstm0 = nn\.LSTM\(5, 6\)\n/);
    assert.match(torch.code!, /x = torch\.flip\(x, dims=\[0\]\)\n\s+x, _ = self\.lstm0\(x\)/);
    assert.match(torch.code!, /x = torch\.randn\(7, 2, 5\)/);
    const k = portText(parser, GLUON_TIME_MAJOR, {}, { to: 'keras' });
    assert.deepEqual(k.problems, []);
    assert.match(k.code!, /keras\.Input\(shape=\(7, 5\)\)/);
    assert.match(k.code!, /go_backwards=True/);
    assert.match(k.code!, /transpose the data once, x\.transpose\(1, 0, 2\)/);
  } finally {
    parser.dispose();
  }
});

test('time-major PyTorch models port to Gluon in layout TNC, go_backwards to a flip of the time axis', async () => {
  const named = (list: Source[], name: string) => list.find(([n]) => n === name)!;
  const cases = await portAll([named(TORCH_RNN, 'time-major LSTM'), named(KERAS_RNN, 'LSTM go_backwards, every step')], 'keras');
  assert.match(cases[0].gluon.code!, /rnn\.LSTM\(6, layout='TNC', input_size=5\)/);
  assert.match(cases[0].gluon.code!, /x = nd\.random\.uniform\(shape=\(7, 2, 5\)\)/);
  assert.match(cases[1].gluon.code!, /x = F\.reverse\(x, axis=1\)\n\s+x = self\.lstm\(x\)/);
});

test('recurrent cases that stay marked stubs say why', async () => {
  const stubs: [string, string, 'torch' | 'keras' | 'gluon', RegExp][] = [
    ['proj_size to Keras', torchModel(['self.rnn = nn.LSTM(4, 6, proj_size=3, batch_first=True)'], ['x, _ = self.rnn(x)', 'return x'], '2, 5, 4'), 'keras', /Keras' LSTM has no projection/],
    ['proj_size to Gluon', torchModel(['self.rnn = nn.LSTM(4, 6, proj_size=3, batch_first=True)'], ['x, _ = self.rnn(x)', 'return x'], '2, 5, 4'), 'gluon', /only supported for GPU/],
    ['merge_mode=None read by a concatenation', keras(
      'inputs = keras.Input(shape=(6, 4))',
      'forward, backward = layers.Bidirectional(layers.LSTM(5, return_sequences=True), merge_mode=None)(inputs)',
      'outputs = layers.Concatenate()([backward, forward])',
      'model = keras.Model(inputs, outputs)',
    ), 'torch', /merge_mode=None returns \[forward, backward\] apart/],
    ['go_backwards inside Bidirectional', sequential('shape=(5, 3)', 'layers.Bidirectional(layers.LSTM(4, go_backwards=True))'), 'torch', /go_backwards=True inside a Bidirectional/],
    ['a flip before a bidirectional layer, to Keras', torchModel(['self.rnn = nn.GRU(3, 4, batch_first=True, bidirectional=True)'], ['x = x.flip(1)', 'x, _ = self.rnn(x)', 'return x'], '2, 5, 3'), 'keras', /Keras has no layer that flips the time axis/],
    ['an unbatched (time, features) input', torchModel(['self.rnn = nn.LSTM(4, 5)'], ['x, _ = self.rnn(x)', 'return x'], '6, 4'), 'keras', /an unbatched \(time, features\) input/],
    ['a convolution in a time-major model', torchModel(['self.rnn = nn.LSTM(4, 6)', 'self.conv = nn.Conv1d(2, 3, 1)'], ['x, _ = self.rnn(x)', 'return self.conv(x)'], '5, 2, 4'), 'keras', /in a time-major model .* only layers on the last axis/],
  ];
  const parser = await loadParser('wasm');
  try {
    for (const [name, src, to, why] of stubs) {
      const port = portText(parser, src, {}, { to });
      assert.equal(port.stubs, 1, `${name}: ${port.problems.join('; ')}`);
      assert.match(port.problems[0], why, name);
    }
  } finally {
    parser.dispose();
  }
});

test(`${KERAS_RNN.length} Keras recurrent models (bidirectional, merge_mode=None, stacked, return_state, stateful, go_backwards, GRU(reset_after=False)) ported to PyTorch compute the same outputs`, { skip, timeout: 300_000 }, async () => {
  const failures = await oracleFailures(KERAS_RNN, 'keras->torch');
  assert.equal(failures.length, 0, failures.slice(0, 2).join('\n\n'));
});

test(`${TORCH_RNN.length} PyTorch multi-layer, bidirectional, time-major and flipped recurrent models ported to Keras compute the same outputs`, { skip, timeout: 300_000 }, async () => {
  const failures = await oracleFailures(TORCH_RNN, 'torch->keras');
  assert.equal(failures.length, 0, failures.slice(0, 2).join('\n\n'));
});

test(`${KERAS_POOL.length} Keras models with 'same' pooling ported to PyTorch compute the same outputs`, { skip, timeout: 300_000 }, async () => {
  const failures = await oracleFailures(KERAS_POOL, 'keras->torch');
  assert.equal(failures.length, 0, failures.slice(0, 2).join('\n\n'));
});

test(`${TORCH_POOL.length} PyTorch models averaging without the padding ported to Keras compute the same outputs`, { skip, timeout: 300_000 }, async () => {
  const failures = await oracleFailures(TORCH_POOL, 'torch->keras');
  assert.equal(failures.length, 0, failures.slice(0, 2).join('\n\n'));
});
