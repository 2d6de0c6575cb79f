/**
 * MXNet symbol graphs as a port source. MXNet cannot be installed here, so the source's shapes
 * and parameter counts are the engine's (its symbol rules, checked against MXNet's own formulas
 * in the engine fixtures); the PyTorch and Keras ports run in the real frameworks and must print
 * that output shape and the parameter count the target has (Keras also counts BatchNorm's moving
 * statistics, which the symbol API keeps apart as auxiliary states). Gluon ports are checked by
 * the engine.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { PythonParser } from '../../server/src/engine/index';
import { portText } from '../../server/src/engine/port/index';
import { totalIn } from '../../server/src/engine/port/plan';
import { loadParser } from '../../server/src/host/parser';
import { kerasVenvMissing, REPO_ROOT } from '../oracle/keras-oracle-run';
import { runPortOracle } from './port-oracle-run';

/** Symbol models (file, model name) that port completely, with the source's parameter count. */
const MODELS: [string, string, number][] = [
  ['corpus/mxsym_lenet.py', 'mlp_model', 109_386],
  ['corpus/mxsym_lenet.py', 'lenet_model', 431_080],
  ['corpus/mxsym_cnn_bn_fit.py', 'mod', 106_922],
  ['corpus/mxsym_inception_infer.py', 'model', 149_114],
  ['corpus/mxsym_mlp_fit.py', 'mod', 7_114],
  ['mxsym/concat_axis_ok.py', 'model', 504],
];

const source = (file: string) => readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'engine', file), 'utf8');
let parser: PythonParser;
before(async () => {
  parser = await loadParser('wasm');
});
after(() => parser.dispose());

test('MXNet symbol graphs port to Gluon, PyTorch and Keras with no problem and the source parameter count', () => {
  for (const [file, model, params] of MODELS) {
    for (const to of ['gluon', 'torch', 'keras'] as const) {
      const port = portText(parser, source(file), {}, { model, to });
      assert.deepEqual(port.problems, [], `${file}::${model} → ${to}\n${port.code}`);
      assert.equal(port.graph?.totalParams, params);
      assert.match(port.code!, /\(MXNet symbol graph\), ported to/);
    }
  }
});

test('a symbol op outside the catalogue becomes a marked stub, and --with-weights refuses ops with automatic names', () => {
  const port = portText(parser, source('mxsym/unknown_op.py'), {}, { model: 'mod', to: 'torch' });
  assert.match(port.problems[0], /^not ported: Custom 'custom' \(line 7\): mx\.sym\.Custom is not in the port catalogue/);
  assert.match(port.code!, /# NOT PORTED: Custom 'custom'/);
  const weights = portText(parser, source('corpus/mxsym_lenet.py'), {}, { model: 'lenet_model', to: 'torch', withWeights: true });
  assert.match(weights.problems[0], /^--with-weights: Convolution \(line 20\), Convolution \(line 23\), FullyConnected \(line 27\), FullyConnected \(line 29\) have no name=/);
});

test("'full' max pooling (rounded-up windows) becomes -inf padding after: TensorFlow's 'same' in Keras", () => {
  const port = portText(parser, source('corpus/mxsym_cnn_bn_fit.py'), {}, { model: 'mod', to: 'keras' });
  assert.match(port.code!, /layers\.MaxPooling2D\(3, strides=2, padding='same'\)/);
  const torch = portText(parser, source('corpus/mxsym_cnn_bn_fit.py'), {}, { model: 'mod', to: 'torch' });
  assert.match(torch.code!, /F\.pad\(x, \(0, 1, 0, 1\), value=float\('-inf'\)\)/);
});

test('ported symbol graphs run in real PyTorch and Keras with the engine\'s output shape and the expected parameter count', { skip: kerasVenvMissing() ?? false, timeout: 300_000 }, () => {
  const cases: { id: number; direction: 'run'; port: string; want: { shape: (number | string | null)[]; params: number }; label: string }[] = [];
  for (const [file, model] of MODELS) {
    for (const to of ['torch', 'keras'] as const) {
      const port = portText(parser, source(file), {}, { model, to });
      cases.push({
        id: cases.length, direction: 'run', port: port.code!, label: `${file}::${model} → ${to}`,
        want: { shape: port.check!.outputShape!, params: totalIn(port.graph!, to) },
      });
    }
  }
  const outcomes = runPortOracle(cases);
  for (const [i, o] of outcomes.entries()) {
    assert.equal(o.error, undefined, `${cases[i].label}: ${o.trace}`);
    // The batch is the demo's number in the run, a symbol in some checks.
    assert.deepEqual(o.portShape?.slice(1), cases[i].want.shape.slice(1), cases[i].label);
    assert.equal(o.portParams, cases[i].want.params, cases[i].label);
  }
});
