/**
 * `--with-weights` from MXNet symbol graphs. MXNet cannot be installed here, so the checkpoint is
 * made by test/port/mxsym_params_oracle.py, which writes MXNet's NDArray list format from its
 * documented layout (NDArray::Save in MXNet's src/ndarray/ndarray.cc; no code shared with the
 * port's reader) with `arg:`/`aux:` names as `mx.model.save_checkpoint` gives them, and computes
 * the symbol graph's forward in numpy from a hand-written description of it. The PyTorch and
 * Keras ports load the file with their load_weights (no MXNet needed) and must agree within 1e-4.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { PythonParser } from '../../server/src/engine/index';
import { portText } from '../../server/src/engine/port/index';
import { loadParser } from '../../server/src/host/parser';
import { KERAS_PYTHON, kerasVenvMissing, REPO_ROOT } from '../oracle/keras-oracle-run';
import { TOLERANCE } from './port-oracle-run';
import { runOracle } from '../oracle/oracle-cache';

const symbolModel = (input: number[], ...lines: string[]) => ['import mxnet as mx', '', "data = mx.sym.Variable('data')", ...lines,
  'mod = mx.mod.Module(symbol=out, context=mx.cpu())', `mod.bind(data_shapes=[('data', (${input.join(', ')}))])`, ''].join('\n');

/** A symbol graph, its input, and the same graph described for the numpy forward of the oracle. */
const CASES: { name: string; source: string; input: number[]; ops: object[] }[] = [
  {
    name: 'conv, BatchNorm (fix_gamma False and the default True), max pooling, strided conv, Flatten, FullyConnected, softmax',
    input: [2, 3, 10, 10],
    source: symbolModel([2, 3, 10, 10],
      "c1 = mx.sym.Convolution(data=data, kernel=(3, 3), num_filter=4, pad=(1, 1), name='conv1')",
      "b1 = mx.sym.BatchNorm(data=c1, fix_gamma=False, eps=2e-5, name='bn1')",
      "a1 = mx.sym.Activation(data=b1, act_type='relu')",
      "p1 = mx.sym.Pooling(data=a1, kernel=(2, 2), stride=(2, 2), pool_type='max')",
      "c2 = mx.sym.Convolution(data=p1, kernel=(3, 3), num_filter=6, stride=(2, 2), name='conv2')",
      "b2 = mx.sym.BatchNorm(data=c2, name='bn2')",
      "a2 = mx.sym.Activation(data=b2, act_type='tanh')",
      'f = mx.sym.Flatten(data=a2)',
      "fc1 = mx.sym.FullyConnected(data=f, num_hidden=8, name='fc1')",
      "r = mx.sym.Activation(data=fc1, act_type='relu')",
      "fc2 = mx.sym.FullyConnected(data=r, num_hidden=3, name='fc2')",
      "out = mx.sym.SoftmaxOutput(data=fc2, name='softmax')"),
    ops: [
      { op: 'conv', name: 'conv1', filters: 4, kernel: [3, 3], pad: [1, 1] },
      { op: 'bn', name: 'bn1', fixGamma: false, eps: 2e-5 },
      { op: 'act', fn: 'relu' },
      { op: 'pool', mode: 'max', kernel: [2, 2], stride: [2, 2] },
      { op: 'conv', name: 'conv2', filters: 6, kernel: [3, 3], stride: [2, 2] },
      { op: 'bn', name: 'bn2' },
      { op: 'act', fn: 'tanh' },
      { op: 'flatten' },
      { op: 'fc', name: 'fc1', units: 8 },
      { op: 'act', fn: 'relu' },
      { op: 'fc', name: 'fc2', units: 3 },
      { op: 'softmax' },
    ],
  },
  {
    name: 'conv without bias, average pooling, FullyConnected flattening a feature map, LeakyReLU, sigmoid',
    input: [2, 2, 9, 8],
    source: symbolModel([2, 2, 9, 8],
      "c = mx.sym.Convolution(data=data, kernel=(2, 3), num_filter=5, no_bias=True, name='stem')",
      "b = mx.sym.BatchNorm(data=c, fix_gamma=False, name='stem_bn')",
      "l = mx.sym.LeakyReLU(data=b, act_type='leaky', slope=0.2)",
      "p = mx.sym.Pooling(data=l, kernel=(2, 2), stride=(2, 2), pool_type='avg')",
      "h = mx.sym.FullyConnected(data=p, num_hidden=7, name='hidden')",
      "s = mx.sym.Activation(data=h, act_type='sigmoid')",
      "out = mx.sym.FullyConnected(data=s, num_hidden=4, name='logits')"),
    ops: [
      { op: 'conv', name: 'stem', filters: 5, kernel: [2, 3], bias: false },
      { op: 'bn', name: 'stem_bn', fixGamma: false },
      { op: 'leaky', slope: 0.2 },
      { op: 'pool', mode: 'avg', kernel: [2, 2], stride: [2, 2] },
      { op: 'fc', name: 'hidden', units: 7 },
      { op: 'act', fn: 'sigmoid' },
      { op: 'fc', name: 'logits', units: 4 },
    ],
  },
];

let parser: PythonParser;
before(async () => {
  parser = await loadParser('wasm');
});
after(() => parser.dispose());

test('the symbol ports with weights read the checkpoint by op name (arg:/aux:), with BatchNorm fix_gamma', () => {
  const port = portText(parser, CASES[0].source, {}, { to: 'torch', withWeights: true });
  assert.deepEqual(port.problems, []);
  assert.match(port.code!, /raw\["conv1_weight"\]/);
  assert.match(port.code!, /raw\["bn1_gamma"\], raw\["bn1_beta"\], raw\["bn1_moving_mean"\], raw\["bn1_moving_var"\]/);
  assert.match(port.code!, /np\.ones_like\(raw\["bn2_gamma"\]\)/);
  assert.doesNotMatch(port.code!, /import mxnet/);
});

test('--with-weights refuses a symbol graph whose weighted ops have automatic names (numbered per process)', () => {
  const source = CASES[0].source.replace(", name='conv2'", '');
  const port = portText(parser, source, {}, { to: 'keras', withWeights: true });
  assert.equal(port.code, undefined);
  assert.match(port.problems[0], /^--with-weights: Convolution \(line 8\) has no name= the code shows/);
});

test(`${CASES.length} symbol graphs ported to PyTorch and Keras with a checkpoint written in MXNet's format agree with a numpy forward`, { skip: kerasVenvMissing() ?? false, timeout: 300_000 }, () => {
  const cases = CASES.map((c, id) => {
    const ports = Object.fromEntries((['torch', 'keras'] as const).map((to) => {
      const port = portText(parser, c.source, {}, { to, withWeights: true });
      assert.deepEqual(port.problems, [], `${c.name} → ${to}`);
      return [to, port.code!];
    }));
    return { id, ops: c.ops, input: c.input, ports, className: /^class (\w+)\(nn\.Module\)/m.exec(ports.torch)![1] };
  });
  const res = runOracle(KERAS_PYTHON, [path.join(REPO_ROOT, 'test', 'port', 'mxsym_params_oracle.py')], {
    input: JSON.stringify({ cases }), encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, timeout: 300_000,
    env: { ...process.env, KERAS_BACKEND: 'tensorflow', TF_CPP_MIN_LOG_LEVEL: '3' },
  });
  assert.equal(res.status, 0, res.stderr?.slice(-2000));
  const results = (JSON.parse(res.stdout) as { results: { id: number; torch: number | string; keras: number | string }[] }).results;
  for (const r of results) {
    for (const target of ['torch', 'keras'] as const) {
      const diff = r[target];
      assert.ok(typeof diff === 'number' && diff <= TOLERANCE, `${CASES[r.id].name} → ${target}: ${diff}`);
    }
  }
});
