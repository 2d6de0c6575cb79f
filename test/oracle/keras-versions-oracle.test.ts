/**
 * Oracle test for the Keras 3 reading of Keras 1/2 code (engine/versions.ts,
 * layers/keras/versions.ts): each snippet runs in real Keras 3 and through shapelint pinned to
 * Keras 3. Where Keras raises, shapelint reports an error with the same message; where it does
 * not, shapelint is silent and `out` has the same shape.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeText, formatShape } from '../../server/src/engine/index';
import { loadParser } from '../../server/src/host/parser';
import { runOracle } from './oracle-cache';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const venv = process.env.ORACLE_VENV ?? path.join(repoRoot, '.oracle-venv');
const python = path.join(venv, 'bin', 'python');

const HEAD = 'import numpy as np\nimport keras\nfrom keras import layers\n';

/** Keras 1 and 2 idioms whose Keras 3 verdict shapelint must match. */
const SNIPPETS = [
  // Keras 1's Convolution2D(64, 5, 5): Keras 3 reads strides=5.
  'm = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(64, 5, 5)])\nout = m(np.zeros((2, 28, 28, 1)))',
  'm = keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(4, 3, 3), layers.Conv2D(4, 3, 3)])',
  'layers.Conv2D(8, 3, border_mode="same", subsample=(2, 2))',
  'layers.MaxPooling1D(pool_length=2)',
  'layers.Dense(4, init="uniform", bias=False)',
  'layers.Dense(output_dim=4)',
  'layers.Dropout(p=0.5)',
  'layers.Dense(4, batch_input_shape=(None, 3))',
  'layers.AveragePooling2D()',
  'layers.AveragePooling1D()',
  'm = keras.Sequential([keras.Input((16, 3)), layers.AveragePooling1D(2)])\nout = m(np.zeros((2, 16, 3)))',
  'layers.InputLayer(batch_input_shape=(None, 3))',
  // The functional input-rank adjustment.
  'm = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(4, 3)])\nout = m(np.zeros((2, 28, 28)))',
  'm = keras.Sequential([keras.Input((28, 28)), layers.Flatten(), layers.Dense(2)])\nout = m(np.zeros((2, 28, 28, 1)))',
  'm = keras.Sequential([keras.Input((10,)), layers.Dense(3)])\nout = m(np.zeros((4, 10, 1)))',
];

interface OracleResult { shape?: (number | null)[] | null; error?: string; type?: string }

test('keras versions oracle: the Keras 3 reading agrees with real Keras 3', { timeout: 120_000 }, async (t) => {
  if (!existsSync(python)) {
    const msg = `keras oracle venv missing (${path.relative(repoRoot, venv)}); run test/oracle/setup-venv.sh`;
    if (process.env.CI) assert.fail(msg);
    t.skip(msg);
    return;
  }
  const sources = SNIPPETS.map((s) => HEAD + s);
  const res = runOracle(python, [path.join(repoRoot, 'test', 'oracle', 'keras_versions_oracle.py')], {
    input: JSON.stringify(sources), encoding: 'utf8', timeout: 100_000, env: { ...process.env, KERAS_BACKEND: 'tensorflow' },
  });
  assert.equal(res.status, 0, res.stderr?.slice(-2000));
  const oracle = JSON.parse(res.stdout) as OracleResult[];
  const parser = await loadParser('wasm');
  const raised = oracle.filter((o) => o.error !== undefined).length;
  assert.ok(raised > 3 && raised < SNIPPETS.length - 3, `${raised} of ${SNIPPETS.length} raise: both outcomes must be exercised`);
  sources.forEach((source, i) => {
    const o = oracle[i];
    const r = analyzeText(parser, source, { kerasVersions: ['keras3'] });
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    if (o.error !== undefined) {
      assert.ok(errors.some((d) => d.message === o.error), `${SNIPPETS[i]}\nKeras 3 raises ${o.type}: ${o.error}\nshapelint: ${r.diagnostics.map((d) => d.message).join(' | ') || '(nothing)'}`);
      return;
    }
    assert.deepEqual(r.diagnostics.map((d) => d.message), [], SNIPPETS[i]);
    if (o.shape) {
      const fact = r.tensors.filter((f) => f.name === 'out').pop();
      assert.equal(fact ? formatShape(fact.shape) : '?', `(${o.shape.join(', ')})`, SNIPPETS[i]);
    }
  });
});
